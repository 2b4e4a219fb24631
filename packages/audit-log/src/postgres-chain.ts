import { redactUrl } from '@ondemand/core';
import pg from 'pg';
import type { AuditRow } from './entry.js';
import {
  AUDIT_COLUMNS,
  CHAIN_BATCH,
  CHECKPOINT_COLUMNS,
  type CheckpointRow,
  toChainRow,
  toCheckpoint,
} from './table.js';
import type { ChainSource } from './verify-chain.js';

/** What a PostgreSQL schema name may be: it goes into `search_path` and DDL unquoted. */
export const POSTGRES_SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/** A chain snapshot that holds a connection until it is closed. */
export type ClosableChain = ChainSource & { close(): Promise<void> };

/**
 * The log on `client` as one REPEATABLE READ, READ ONLY transaction: the head, the checkpoints and
 * every entry from one snapshot, so an append meanwhile cannot look like a cut-off end. `close`
 * ends the transaction and calls `done` (which gives the connection back). On a failure the caller
 * still holds the connection.
 */
export async function chainSnapshot(client: pg.ClientBase, done: () => void): Promise<ClosableChain> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  const head = (await client.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_head'))
    .rows[0];
  const checkpoints = await client
    .query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY seq`)
    .then((result) => result.rows.map(toCheckpoint))
    // A log from before checkpoints existed, opened read-only without migrating.
    .catch(async (error: { code?: string }) => {
      if (error.code !== '42P01') throw error;
      await client.query('ROLLBACK');
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      return [];
    });
  let closed = false;
  return {
    head: head ? { seq: Number(head.seq), hash: head.hash } : undefined,
    checkpoints,
    async *rows() {
      for (let after = Number.MIN_SAFE_INTEGER; ; ) {
        const { rows } = await client.query<AuditRow>(
          `SELECT ${AUDIT_COLUMNS} FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2`,
          [after, CHAIN_BATCH],
        );
        if (rows.length === 0) return;
        yield rows.map(toChainRow);
        after = Number(rows.at(-1)!.seq);
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await client.query('COMMIT').catch(() => {});
      done();
    },
  };
}

/**
 * The log in a PostgreSQL schema, read-only (offline verification): it never creates or migrates
 * anything, and says so when the schema holds no log.
 */
export async function openPostgresChain(options: {
  url: string;
  schema?: string | undefined;
}): Promise<ClosableChain> {
  const schema = options.schema ?? 'ondemand';
  if (!POSTGRES_SCHEMA_NAME.test(schema))
    throw new Error(`the PostgreSQL schema name "${schema}" must be lower-case letters, digits and _`);
  // Named as the proxy names its store: where (without a password) and which schema.
  const where = `${redactUrl(options.url)} (schema ${schema})`;
  const client = new pg.Client({
    connectionString: options.url,
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 5_000,
  });
  try {
    await client.connect();
    const { rows } = await client.query(
      "SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'audit'",
      [schema],
    );
    if (rows.length === 0) throw new Error(`there is no audit log in the schema ${schema}: check --schema`);
    return await chainSnapshot(client, () => void client.end());
  } catch (error) {
    await client.end().catch(() => {});
    throw new Error(`cannot prepare PostgreSQL at ${where}: ${(error as Error).message}`, { cause: error });
  }
}
