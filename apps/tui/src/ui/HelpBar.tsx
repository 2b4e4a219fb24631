import { Box, Text } from 'ink';
import type { Theme } from './theme.js';

/** The keys that work on this screen, always on the last line. */
export function HelpBar(props: { keys: Array<[key: string, action: string]>; theme: Theme }) {
  return (
    <Box>
      <Text color={props.theme.color('gray')} wrap="truncate-end">
        {props.keys.map(([key, action]) => `${key} ${action}`).join(' · ')}
      </Text>
    </Box>
  );
}
