import type { LimiterSnapshot } from '@ondemand/core';
import { Box } from 'ink';
import type { ReactNode } from 'react';
import type { Theme } from '../colour.js';
import { StatusBar } from './StatusBar.js';

/** Rows the status bar takes above every screen: the connection and the rate window. */
export const STATUS_ROWS = 1;

/**
 * Rows a list leaves for its rows inside a screen's body: the margins, a heading, a title, the search,
 * the list's own "more" line, the help bar, Ink's last newline and a row for a notice.
 */
const LIST_CHROME = 10;

/** The rows a screen's list may take in a body of `bodyHeight` rows. */
export function listRowsIn(bodyHeight: number): number {
  return Math.max(5, bodyHeight - LIST_CHROME);
}

/**
 * Every screen's frame: what the UI is connected to, the app's rate window (unless the screen has
 * nothing to do with it), and the screen below.
 */
export function AppFrame(props: {
  connection: string;
  limiter: LimiterSnapshot | undefined;
  theme: Theme;
  width: number;
  /** A fixed width (tests); otherwise Ink lays the frame out to the terminal. */
  fixedWidth: number | undefined;
  children: ReactNode;
}) {
  return (
    // Only a fixed width is set: otherwise Ink lays the frame out to the terminal, at once on a resize
    // (before the size below catches up), so a narrowed window never shows a frame wider than itself.
    <Box flexDirection="column" width={props.fixedWidth}>
      <StatusBar
        connection={props.connection}
        limiter={props.limiter}
        theme={props.theme}
        width={props.width}
      />
      {props.children}
    </Box>
  );
}
