import type { LimiterSnapshot } from '@ondemand/core';
import { Box, Text } from 'ink';
import type { Theme } from '../colour.js';

/** "2 of 5 calls left in this window; next in 4 s" */
export function describeLimiter(snapshot: LimiterSnapshot | undefined): string {
  if (!snapshot) return '';
  if (snapshot.pausedForMs > 0)
    return `Graph asked to wait: paused for ${Math.ceil(snapshot.pausedForMs / 1000)} s`;
  const next = snapshot.remaining > 0 ? '' : `; next in ${Math.ceil(snapshot.nextFreeInMs / 1000)} s`;
  const queued = snapshot.queued > 0 ? ` · ${snapshot.queued} waiting` : '';
  return `${snapshot.remaining} of ${snapshot.limit} calls left in this window${next}${queued}`;
}

/** What the UI is connected to (always shown) and the app's rate window. */
export function StatusBar(props: {
  connection: string;
  limiter?: LimiterSnapshot | undefined;
  theme: Theme;
}) {
  return (
    <Box flexDirection="column">
      <Text color={props.theme.color('blue')} wrap="truncate-end">
        {`⚡ ${props.connection}`}
      </Text>
      {props.limiter ? (
        <Text color={props.theme.color('gray')}>{`  ${describeLimiter(props.limiter)}`}</Text>
      ) : null}
    </Box>
  );
}
