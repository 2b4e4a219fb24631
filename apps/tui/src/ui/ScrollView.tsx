import { Box, Text } from 'ink';
import type { Theme } from '../colour.js';
import { useCursor } from './use-cursor.js';
import { useKeys } from './use-keys.js';

/**
 * Lines in a window of `height` rows that ↑/↓ (k/j), PgUp/PgDn (Space) and Home/End scroll, so a long
 * text fits in 24 lines and nothing is hidden: the last row says where you are when it does not fit.
 */
export function ScrollView(props: {
  lines: string[];
  height: number;
  theme: Theme;
  active?: boolean;
  /** Whether j and k scroll too (off where the screen gives those letters other work). */
  letters?: boolean;
}) {
  const { lines, theme } = props;
  const height = Math.max(1, props.height);
  const fits = lines.length <= height;
  const rows = fits ? height : height - 1;
  const last = Math.max(0, lines.length - rows);
  // The first row shown, as a cursor over the positions it can take.
  const top = useCursor(last + 1);
  const letters = props.letters ?? true;
  useKeys(
    (input, key) => {
      if (key.upArrow || (letters && input === 'k')) top.move(-1);
      else if (key.downArrow || (letters && input === 'j')) top.move(1);
      else if (key.pageUp) top.move(-rows);
      else if (key.pageDown || (letters && input === ' ')) top.move(rows);
      else if (key.home) top.to(0);
      else if (key.end) top.toEnd();
    },
    { isActive: (props.active ?? true) && !fits },
  );
  const at = top.at;
  return (
    <Box flexDirection="column">
      {lines.slice(at, at + rows).map((line, index) => (
        // An empty Text takes no row in Ink: a blank line is a space, so the window is as tall as it says.
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text, by position
        <Text key={at + index} wrap="truncate-end">
          {line || ' '}
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
