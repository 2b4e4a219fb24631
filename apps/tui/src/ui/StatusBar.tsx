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

const GUID = /\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;

/**
 * The connection line fitted to `width`: where it is too long, ids are shortened to their first eight
 * digits (`tenant 72f988bf…`) before anything else, so the address, the part an operator checks, is
 * kept whole (it was cut to `https:/…`).
 */
export function fitConnection(description: string, width: number): string {
  const line = `⚡ ${description}`;
  if (line.length <= width) return line;
  const shortened = line.replace(GUID, '$1…');
  return shortened.length <= width ? shortened : `${shortened.slice(0, Math.max(0, width - 1))}…`;
}

/** What the UI is connected to (always shown) and the app's rate window. */
export function StatusBar(props: {
  connection: string;
  limiter?: LimiterSnapshot | undefined;
  theme: Theme;
  width: number;
}) {
  return (
    <Box flexDirection="column">
      <Text color={props.theme.color('blue')} wrap="truncate-end">
        {fitConnection(props.connection, props.width)}
      </Text>
      {props.limiter ? (
        <Text color={props.theme.color('gray')}>{`  ${describeLimiter(props.limiter)}`}</Text>
      ) : null}
    </Box>
  );
}
