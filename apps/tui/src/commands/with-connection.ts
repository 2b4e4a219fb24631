import type { DeviceCodePrompt } from '@ondemand/transport';
import { styleFor } from '../colour.js';
import { type Connection, connect } from '../connection.js';
import type { CliIo } from '../io.js';

/** Opens the connection, says what it is connected to (on stderr), runs `work`, always closes. */
export async function withConnection<T>(
  values: Record<string, unknown>,
  io: CliIo,
  work: (connection: Connection) => Promise<T>,
  onDeviceCode?: (prompt: DeviceCodePrompt) => void,
): Promise<T> {
  const connection = await connect(values, io, onDeviceCode);
  try {
    // "Connected" once it is: signed in to the tenant or the simulator. A proxy's key is checked by
    // the proxy on the first call, so that line says only where the calls go.
    if (connection.kind !== 'proxy') await connection.graph.checkSignIn();
    io.stderr.write(
      `${styleFor({ env: io.env, stdout: io.stderr as CliIo['stdout'] }).dim(`${connection.kind === 'proxy' ? 'calling' : 'connected to'} ${connection.description}`)}\n`,
    );
    return await work(connection);
  } finally {
    await connection.close();
  }
}
