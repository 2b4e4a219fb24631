import type { DeviceCodePrompt } from '@ondemand/transport';
import { type Connection, connect } from '../connection.js';
import type { CliIo } from '../io.js';
import { styleFor } from '../style.js';

/** Opens the connection, says what it is connected to (on stderr), runs `work`, always closes. */
export async function withConnection<T>(
  values: Record<string, unknown>,
  io: CliIo,
  work: (connection: Connection) => Promise<T>,
  onDeviceCode?: (prompt: DeviceCodePrompt) => void,
): Promise<T> {
  const connection = await connect(values, io, onDeviceCode);
  io.stderr.write(
    `${styleFor({ env: io.env, stdout: io.stderr as CliIo['stdout'] }).dim(`connected to ${connection.description}`)}\n`,
  );
  try {
    return await work(connection);
  } finally {
    await connection.close();
  }
}
