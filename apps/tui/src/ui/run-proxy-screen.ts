import type { GraphClient, ProxyClient } from '@ondemand/transport';
import { render } from 'ink';
import { type ComponentType, createElement } from 'react';
import { type Theme, themeFor } from '../colour.js';
import { connectProxy } from '../connection.js';
import { ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { KeyRouter } from './use-keys.js';
import { useTerminalSize } from './use-terminal-size.js';

/** What a screen of the proxy's own API gets: the client, the terminal's size, and how to leave. */
export interface ProxyScreenProps {
  proxy: ProxyClient;
  /** Graph's reads through the same proxy with the same key (a held request's job and logs). */
  graph?: GraphClient;
  theme: Theme;
  env: Record<string, string | undefined>;
  width: number;
  height: number;
  /** Esc on the screen's first view: back to where it was opened from. */
  onExit: () => void;
  /** q: leave the whole UI (the screen's `onExit` when it is the whole UI). */
  onQuit?: () => void;
}

/** Runs one such screen on the terminal (the inbox, the audit log) until it exits, q or Ctrl-C. */
export async function runProxyScreen<Extra extends object>(
  values: Record<string, unknown>,
  io: CliIo,
  Screen: ComponentType<ProxyScreenProps & Extra>,
  extra: Extra,
): Promise<number> {
  const proxy = await connectProxy(values, io);
  const graph = proxy.graphReads();
  const stdout = io.stdout as NodeJS.WriteStream;
  try {
    const app = render(
      createElement(
        KeyRouter,
        null,
        createElement(SizedToTerminal<ProxyScreenProps & Extra>, {
          Screen,
          props: {
            ...extra,
            proxy,
            graph,
            theme: themeFor(io.env),
            env: io.env,
            onExit: () => app.unmount(),
          } as Omit<ProxyScreenProps & Extra, 'width' | 'height'>,
        }),
      ),
      { stdin: io.stdin as NodeJS.ReadStream, stdout, exitOnCtrlC: true },
    );
    await app.waitUntilExit();
    return ExitCode.success;
  } finally {
    await graph.close();
    await proxy.close();
  }
}

/** A screen given the terminal's size, following it as the window is resized. */
function SizedToTerminal<Props extends { width: number; height: number }>(props: {
  Screen: ComponentType<Props>;
  props: Omit<Props, 'width' | 'height'>;
}) {
  const size = useTerminalSize();
  return createElement(props.Screen, { ...props.props, ...size } as Props);
}
