import type { ProxyConfig } from '../config/config.js';
import { BackendUnavailable } from '../config/startup-inputs.js';
import { PostgresStore } from './postgres/postgres-store.js';
import type { ProxyStore } from './proxy-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

/** The store the config names: its SQLite file, or PostgreSQL for replicas. */
export async function openStore(
  config: ProxyConfig,
  say: (level: 'warn', message: string) => void,
): Promise<ProxyStore> {
  if (!config.store) return new SqliteStore(config.database);
  try {
    return await PostgresStore.open({
      url: config.store,
      schema: config.storeSchema,
      onError: (error) => say('warn', `PostgreSQL: ${error.message}`),
    });
  } catch (error) {
    throw new BackendUnavailable((error as Error).message, { cause: error });
  }
}
