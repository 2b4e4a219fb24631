import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import type { Theme } from './theme.js';

/**
 * Lines in a window of `height` rows that ↑/↓ (k/j), PgUp/PgDn (Space) and Home/End scroll, so a long
 * text fits in 24 lines and nothing is hidden: the last row says where you are when it does not fit.
 */
export function ScrollView(props: { lines: string[]; height: number; theme: Theme; active?: boolean }) {
  const { lines, theme } = props;
  const height = Math.max(1, props.height);
  const fits = lines.length <= height;
  const rows = fits ? height : height - 1;
  const [top, setTop] = useState(0);
  const last = Math.max(0, lines.length - rows);
  const at = Math.min(top, last);
  useInput(
    (input, key) => {
      // A batch of keys (key repeat, a slow link) arrives as one input: each counts.
      const times = Math.max(1, input.length);
      if (key.upArrow || input.startsWith('k')) setTop(Math.max(0, at - times));
      else if (key.downArrow || input.startsWith('j')) setTop(Math.min(last, at + times));
      else if (key.pageUp) setTop(Math.max(0, at - rows));
      else if (key.pageDown || input === ' ') setTop(Math.min(last, at + rows));
      else if (key.home) setTop(0);
      else if (key.end) setTop(last);
    },
    { isActive: (props.active ?? true) && !fits },
  );
  return (
    <Box flexDirection="column">
      {lines.slice(at, at + rows).map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text, by position
        <Text key={at + index} wrap="truncate-end">
          {line}
        </Text>
      ))}
      {fits ? null : (
        <Text color={theme.color('gray')}>
          {`lines ${at + 1}–${Math.min(lines.length, at + rows)} of ${lines.length} · ↑↓ PgUp PgDn scroll`}
        </Text>
      )}
    </Box>
  );
}
