import { useApp } from 'ink';
import { useCallback, useEffect, useState } from 'react';
import { themeFor } from '../colour.js';
import { AppFrame, listRowsIn, STATUS_ROWS } from './AppFrame.js';
import type { Navigation } from './key-bindings.js';
import type { Screen } from './navigation.js';
import { screenBody } from './screen-map.js';
import { type Connect, useConnection } from './use-connection.js';
import { useJobPicker } from './use-job-picker.js';
import { KeyRouter } from './use-keys.js';
import { useNavigation } from './use-navigation.js';
import { useProvisioning } from './use-provisioning.js';
import { useRateWindow } from './use-rate-window.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  /** Opens a connection from flags (the CLI's connect); called at start and from the connect screen. */
  connect: Connect;
  /** The flags the command was started with; none means: ask. */
  initialFlags?: Record<string, unknown>;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Fixed sizes (tests); without them the UI follows the terminal's size as it is resized. */
  width?: number;
  height?: number;
  /** A line to print once the UI has closed (what became of a request it stopped waiting for). */
  onExitNote?: (note: string) => void;
  /** Left with Ctrl-C: the command exits 130, as the exit-code table says. */
  onInterrupted?: () => void;
  /** What is still being closed as the UI quits: the command waits for it before it returns. */
  onLeave?: (closing: Promise<void>) => void;
}

/**
 * The interactive `ondemand`: connect, pick app, job, rule and subject, provision, read every step.
 * Layout only: where the UI is and how Esc walks back (`useNavigation`), the connection
 * (`useConnection`), the call in flight (`useProvisioning`), the rate window (`useRateWindow`), and
 * each screen from the screen map (`screenBody`) in one frame.
 */
export function App(props: AppProps) {
  const { exit } = useApp();
  const theme = themeFor(props.env);
  const { width, height } = useTerminalSize({ width: props.width, height: props.height });
  const navigator = useNavigation(props.initialFlags ? { name: 'connecting' } : { name: 'connect' });
  const [notice, setNotice] = useState<string | undefined>();

  const { connection, open, cancelOpening, disconnect } = useConnection({
    connect: props.connect,
    onPrompt: (prompt) => navigator.show({ name: 'connecting', prompt }),
    // A new connection starts a new way: Esc never leads back into the last one's screens.
    onConnected: () => navigator.restart({ name: 'apps' }),
    onFailed: (error) => fail(error, { name: 'connect' }),
  });
  const fail = useCallback(
    (error: unknown, back: Screen = { name: 'apps' }) => {
      const message = error instanceof Error ? error.message : String(error);
      // A refused key or sign-in cannot be fixed by trying the same screen again: back to Connect,
      // and such a connection is no use: it is closed, and the UI says so.
      const code = (error as { code?: string }).code;
      const signIn = code === 'auth' || code === 'config';
      if (signIn) disconnect();
      navigator.show({ name: 'error', message, back: signIn ? { name: 'connect' } : back });
    },
    [disconnect, navigator],
  );
  const calls = useProvisioning({ connection, nav: navigator, fail });
  const pickJob = useJobPicker({ connection, nav: navigator, fail });
  const { screen } = navigator;
  const limiter = useRateWindow(
    connection,
    screen.name === 'provisioning'
      ? screen.target.sp.id
      : screen.name === 'result'
        ? screen.entry.target.sp.id
        : undefined,
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: connect once, at start, with the flags given then
  useEffect(() => {
    if (props.initialFlags) connectWith(props.initialFlags);
  }, []);

  function connectWith(flags: Record<string, unknown>) {
    navigator.show({ name: 'connecting' });
    open(flags);
  }

  function quit(how?: 'interrupt') {
    if (how === 'interrupt') props.onInterrupted?.();
    calls.stop();
    const closing = connection ? connection.close() : cancelOpening();
    // Ink's exit comes at once; what is still opening is closed when it is ready (see the command).
    props.onLeave?.(closing);
    exit();
  }

  const bodyHeight = height - STATUS_ROWS;
  const nav: Navigation = {
    // Esc: one step back along the way you came; from the first place, to another connection.
    back: () => {
      setNotice(undefined);
      if (navigator.depth === 0 && screen.name === 'apps') {
        disconnect();
        navigator.restart({ name: 'connect' });
      } else navigator.back();
    },
    backLabel: screen.name === 'apps' && navigator.depth === 0 ? 'other connection' : 'back',
    quit,
    listRows: listRowsIn(bodyHeight),
    ...(connection?.proxy
      ? {
          proxy: {
            approvals: () => navigator.show({ name: 'inbox', back: screen }),
            audit: () => navigator.show({ name: 'audit', back: screen }),
          },
        }
      : {}),
  };
  const { body, rateWindow } = screenBody(screen, {
    connection,
    theme,
    env: props.env,
    cwd: props.cwd,
    nav,
    navigator,
    calls,
    notice,
    setNotice,
    width,
    bodyHeight,
    open: connectWith,
    cancelOpening,
    pickJob,
    fail,
    quit,
    onExitNote: props.onExitNote,
  });

  // One key router for every screen, kept across them: each screen takes its keys as it shows.
  return (
    <KeyRouter>
      <AppFrame
        connection={connection?.description ?? 'not connected'}
        limiter={rateWindow ? limiter : undefined}
        theme={theme}
        width={width}
        fixedWidth={props.width}
      >
        {body}
      </AppFrame>
    </KeyRouter>
  );
}
