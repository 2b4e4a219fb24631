import {
  AUDIT_COLUMNS,
  auditTableDdl,
  CHECKPOINT_TABLE_DDL,
  GENESIS_HASH,
  toRowValues,
} from '@ondemand/audit-log';
import { POSTGRES_SCHEMA_NAME } from '@ondemand/audit-log/postgres';
import { redactUrl } from '@ondemand/core';
import pg from 'pg';
import { StoreUnavailable } from '../proxy-store.js';
import {
  CONSOLE_SESSIONS_TABLE_DDL,
  fromLegacyRow,
  IDEMPOTENCY_TABLE_DDL,
  type LegacyAuditRow,
  legacyAuditTableDdl,
  READINESS_TABLE_DDL,
} from '../tables.js';

/**
 * Schema migrations, in order; each runs once, recorded in `migrations`. Replicas starting together
 * take an advisory lock first, so exactly one of them applies a migration.
 */
const migrations: Array<string | ((client: pg.PoolClient) => Promise<void>)> = [
  `${legacyAuditTableDdl('BIGINT', false)}
   CREATE INDEX audit_at ON audit (at);
   CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL);
   INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}');
   CREATE TABLE approvals (
     id TEXT PRIMARY KEY,
     created BIGSERIAL,
     state TEXT NOT NULL,
     record TEXT NOT NULL
   );
   CREATE INDEX approvals_state ON approvals (state);`,
  'CREATE TABLE replicas (id TEXT PRIMARY KEY, seen_at TEXT NOT NULL)',
  // The entry stored whole, as the text its hash covers, its query columns generated from it; checkpoints.
  async (client) => {
    await client.query(auditTableDdl('postgres', 'audit_text'));
    const { rows } = await client.query<LegacyAuditRow>('SELECT * FROM audit ORDER BY seq');
    for (const row of rows)
      await client.query(
        `INSERT INTO audit_text (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4)`,
        toRowValues(fromLegacyRow(row)),
      );
    await client.query('DROP TABLE audit; ALTER TABLE audit_text RENAME TO audit;');
    await client.query(`${CHECKPOINT_TABLE_DDL}\n${READINESS_TABLE_DDL}`);
  },
  IDEMPOTENCY_TABLE_DDL,
  CONSOLE_SESSIONS_TABLE_DDL,
];

/** An arbitrary constant: the advisory lock that serialises migrations across replicas. */
const MIGRATION_LOCK = 0x0d0d_2026;

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` */
  url: string;
  /** The schema holding the tables (created if missing). Default `ondemand`. */
  schema?: string;
  /** Connections per replica. Default 10. */
  poolSize?: number;
  /** Told about connection errors between queries (a restarted server, say). */
  onError?: (error: Error) => void;
}

/**
 * One PostgreSQL schema shared by the concept stores and by every replica: a pool, its queries and
 * transactions, with a server out of reach as {@link StoreUnavailable}. Commits are durable when
 * acknowledged (PostgreSQL's default `synchronous_commit`).
 */
export class PostgresDatabase {
  private constructor(
    readonly pool: pg.Pool,
    readonly description: string,
  ) {}

  /** Connects, creates the schema and runs the migrations not yet applied (safe to run at every start). */
  static async open(options: PostgresStoreOptions): Promise<PostgresDatabase> {
    const schema = options.schema ?? 'ondemand';
    if (!POSTGRES_SCHEMA_NAME.test(schema))
      throw new Error(`the PostgreSQL schema name "${schema}" must be lower-case letters, digits and _`);
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      options: `-c search_path=${schema}`,
      connectionTimeoutMillis: 5_000,
    });
    // An idle connection dropped by a restarting server must not crash the process: the pool
    // replaces it, and queries in flight fail (so the proxy fails closed) until the server is back.
    pool.on('error', (error) => options.onError?.(error));
    const database = new PostgresDatabase(pool, `${redactUrl(options.url)} (schema ${schema})`);
    try {
      await database.#migrate(schema);
    } catch (error) {
      await pool.end();
      throw new Error(`cannot prepare PostgreSQL at ${database.description}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return database;
  }

  async #migrate(schema: string): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      const { rows } = await client.query<{ version: number }>('SELECT version FROM migrations');
      const applied = new Set(rows.map((row) => row.version));
      for (const [index, sql] of migrations.entries()) {
        if (applied.has(index + 1)) continue;
        if (typeof sql === 'string') await client.query(sql);
        else await sql(client);
        await client.query('INSERT INTO migrations (version) VALUES ($1)', [index + 1]);
      }
    });
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]) {
    return this.pool.query<R>(sql, values).catch(unavailable);
  }

  /** `work` in one transaction on a connection of its own; a connection that failed is never reused. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch(unavailable);
    const release = holdSafely(client);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      // The connection may be the broken part (a restarted server): never hand it out again.
      release(true);
      unavailable(error);
    }
  }

  /** Writable means a write commits (a read-only standby or a full disk makes the proxy not ready). */
  async ping(): Promise<void> {
    await this.query(
      'INSERT INTO readiness_check (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
      [new Date().toISOString()],
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Drops the schema and everything in it (tests and the campaign clean up with this). */
  static async dropSchema(url: string, schema: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  }
}

/**
 * Keeps a connection checked out of the pool from crashing the process: the pool listens for a
 * dropped connection only while it is idle, so one dropped while held (a server restarted in the
 * middle of a transaction, between two of its queries) emitted an 'error' nobody heard, and Node
 * ended the replica. Heard here, the next query on it fails and the caller answers 503. Returns the
 * release that also stops listening.
 */
export function holdSafely(client: pg.PoolClient): (destroy?: boolean) => void {
  const heard = () => {};
  client.on('error', heard);
  return (destroy) => {
    client.off('error', heard);
    client.release(destroy);
  };
}

/**
 * Rethrows a failure to reach the server as {@link StoreUnavailable}, so callers answer 503 and try
 * again: SQLSTATE classes 08 (connection), 53 (resources) and 57 (server shutting down or
 * starting), socket errors (ECONNREFUSED, …) and pg's own connection messages. Anything else is a
 * real fault and goes on as it is.
 */
export function unavailable(error: unknown): never {
  if (error instanceof StoreUnavailable) throw error;
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message ?? String(error);
  const lost =
    typeof code === 'string'
      ? /^[0-9A-Z]{5}$/.test(code)
        ? /^(08|53|57)/.test(code)
        : /^E[A-Z]+$/.test(code)
      : /connection|terminated|timeout|not queryable/i.test(message);
  if (lost) throw new StoreUnavailable(`PostgreSQL cannot be reached: ${message}`, { cause: error });
  throw error;
}
