import { readFile } from 'node:fs/promises';
import { CheckpointSigner, readSigningKey } from '@ondemand/audit-log';
import type { ProxyConfig } from '../config/config.js';
import { ConfigFileError } from '../config/load-config.js';

/**
 * The key that signs checkpoints, from the file or the environment variable the config names; a key
 * that cannot be had is a config error (one line, exit 2), and never shown.
 */
export async function auditSigner(
  config: ProxyConfig,
  env: Record<string, string | undefined>,
): Promise<CheckpointSigner | undefined> {
  const { signingKeyFile, signingKeyEnv } = config.audit;
  try {
    if (signingKeyFile) {
      const pem = await readFile(signingKeyFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new Error(`cannot read audit.signingKeyFile ${signingKeyFile}: ${error.code}`);
      });
      return new CheckpointSigner(readSigningKey(pem, `audit.signingKeyFile ${signingKeyFile}`));
    }
    if (signingKeyEnv) {
      const pem = env[signingKeyEnv];
      if (!pem) throw new Error(`audit.signingKeyEnv names ${signingKeyEnv}, which is not set`);
      return new CheckpointSigner(readSigningKey(pem, `the environment variable ${signingKeyEnv}`));
    }
    return undefined;
  } catch (error) {
    throw new ConfigFileError((error as Error).message);
  }
}
