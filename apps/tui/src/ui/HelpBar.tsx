import { Box, Text, useStdout } from 'ink';
import type { Theme } from '../colour.js';

/**
 * The rows a screen's body has under a title line: the height less the title, two margins, the help
 * bar (one or two lines at this width) and one row spare.
 */
export function rowsUnderTitle(
  height: number,
  keys: ReadonlyArray<readonly [key: string, action: string]>,
  width: number,
): number {
  return Math.max(4, height - 4 - helpLines(keys, width).length);
}

/**
 * The help bar's lines at a width: whole `key action` items, as many to a line as fit, so no key is
 * cut off (a screen with many keys takes two lines at 80 columns rather than hiding the last ones).
 */
export function helpLines(
  keys: ReadonlyArray<readonly [key: string, action: string]>,
  width: number,
): string[] {
  const lines: string[] = [];
  for (const item of keys.map(([key, action]) => `${key} ${action}`)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 3 + item.length <= width)
      lines[lines.length - 1] = `${last} · ${item}`;
    else lines.push(item);
  }
  return lines;
}

/** The keys that work on this screen, always last. */
export function HelpBar(props: {
  keys: ReadonlyArray<readonly [key: string, action: string]>;
  theme: Theme;
  width?: number;
}) {
  const { stdout } = useStdout();
  const width = props.width ?? stdout.columns ?? 80;
  return (
    <Box flexDirection="column">
      {helpLines(props.keys, width).map((line) => (
        <Text key={line} color={props.theme.color('gray')} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}
