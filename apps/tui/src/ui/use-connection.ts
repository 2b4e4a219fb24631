import type { DeviceCodePrompt } from '@ondemand/transport';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Connection } from '../connection.js';

export type Connect = (
  flags: Record<string, unknown>,
  onDeviceCode: (prompt: DeviceCodePrompt) => void,
) => Promise<Connection>;

/**
 * The connection's life: opened from flags (signed in, or the proxy took the key, before it counts as
 * connected), closed when it is replaced or the UI leaves. One still being opened when the UI moves
 * on is closed as soon as it is ready, so nothing keeps running or stays on disk.
 */
export function useConnection(options: {
  connect: Connect;
  onPrompt: (prompt: DeviceCodePrompt) => void;
  onConnected: () => void;
  onFailed: (error: unknown) => void;
}) {
  const [connection, setConnection] = useState<Connection | undefined>();
  const opening = useRef<{ connection: Promise<Connection | undefined>; cancelled: boolean } | undefined>(
    undefined,
  );
  const { connect, onPrompt, onConnected, onFailed } = options;

  const open = useCallback(
    (flags: Record<string, unknown>) => {
      const attempt = {
        cancelled: false,
        connection: connect(flags, onPrompt).then(
          async (opened) => {
            // Connected once it is: until then the status line says "not connected", not where calls go.
            try {
              if (!attempt.cancelled)
                await (opened.proxy ? opened.proxy.listApprovals({ limit: 1 }) : opened.graph.checkSignIn());
            } catch (error) {
              await opened.close();
              if (!attempt.cancelled) onFailed(error);
              return undefined;
            }
            if (attempt.cancelled) {
              await opened.close();
              return undefined;
            }
            setConnection(opened);
            onConnected();
            return opened;
          },
          (error) => {
            if (!attempt.cancelled) onFailed(error);
            return undefined;
          },
        ),
      };
      opening.current = attempt;
    },
    [connect, onPrompt, onConnected, onFailed],
  );

  /** Leaves a connection that is still being opened: it is closed once it is ready. */
  const cancelOpening = useCallback(() => {
    const attempt = opening.current;
    if (attempt) attempt.cancelled = true;
    opening.current = undefined;
    return attempt?.connection.then(() => undefined) ?? Promise.resolve();
  }, []);

  // The connection in use is closed when another replaces it, or the UI leaves.
  useEffect(
    () => () => {
      void connection?.close();
    },
    [connection],
  );

  return { connection, open, cancelOpening, disconnect: () => setConnection(undefined) };
}
