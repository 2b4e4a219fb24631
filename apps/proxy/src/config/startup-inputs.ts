import { readFile } from 'node:fs/promises';
import type { ProxyConfig } from './config.js';
import { ConfigFileError } from './load-config.js';

/**
 * Something the config points at is not there at start-up (a file it names, an environment variable
 * holding a secret): one line naming the key and what to do, exit 3, never a stack.
 */
export class StartupInputMissing extends Error {}

/** A file a config key names, or {@link StartupInputMissing} naming that key. */
export async function readNamedFile(path: string, key: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new StartupInputMissing(`cannot read ${key} ${path}: ${why}`, { cause: error });
  }
}

/** The HTTPS certificate and key the config names; a file that cannot be read is a config error. */
export async function readServerCertificate(
  tls: NonNullable<ProxyConfig['tls']>,
): Promise<{ cert: string; key: string }> {
  const read = (path: string, name: string) =>
    readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new ConfigFileError(`cannot read tls.${name} ${path}: ${error.code}`);
    });
  return {
    cert: await read(tls.certificateFile, 'certificateFile'),
    key: await read(tls.keyFile, 'keyFile'),
  };
}

/** A backend the proxy needs could not be reached at start-up: the message says which and where. */
export class BackendUnavailable extends Error {}
