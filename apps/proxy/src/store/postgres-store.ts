import type { ChainSource, Checkpoint } from '@ondemand/audit-log';
import {
  AUDIT_COLUMNS,
  type AuditEntry,
  type AuditFields,
  type AuditRow,
  auditTableDdl,
  CHECKPOINT_COLUMNS,
  CHECKPOINT_TABLE_DDL,
  type ChainHead,
  chainRows,
  GENESIS_HASH,
  rowEntry,
  toRowValues,
} from '@ondemand/audit-log';
import { chainSnapshot, POSTGRES_SCHEMA_NAME } from '@ondemand/audit-log/postgres';
import { redactUrl } from '@ondemand/core';
import pg from 'pg';
import { type ApprovalChange, ApprovalTransitions } from './approval-transitions.js';
import {
  fromLegacyRow,
  IDEMPOTENCY_TABLE_DDL,
  type IdempotencyRow,
  idempotencyClaimOf,
  type LegacyAuditRow,
  legacyAuditTableDdl,
  READINESS_TABLE_DDL,
} from './audit-table.js';
import { GroupCommit } from './group-commit.js';
import {
  type ApprovalQuery,
  type ApprovalRecord,
  type ApprovalState,
  AuditChainBroken,
  type AuditQuery,
  type IdempotencyClaim,
  type IdempotencyKeyClaim,
  type IdempotentAnswer,
  type ProxyStore,
  StoreUnavailable,
  type UnansweredKey,
} from './proxy-store.js';

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
 * The store for several replicas: one PostgreSQL database. The audit chain stays one line because
 * every append locks the chain's head row: the database, not a process, decides the order.
 * Commits are durable when acknowledged (PostgreSQL's default `synchronous_commit`).
 */
export class PostgresStore extends ApprovalTransitions implements ProxyStore {
  readonly #pool: pg.Pool;
  readonly #appends: GroupCommit<AuditFields[], ChainHead>;

  private constructor(
    pool: pg.Pool,
    readonly description: string,
  ) {
    super();
    this.#pool = pool;
    this.#appends = new GroupCommit((batch) => this.#appendBatch(batch));
  }

  /** Connects, creates the schema and runs the migrations not yet applied (safe to run at every start). */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
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
    const store = new PostgresStore(pool, `${redactUrl(options.url)} (schema ${schema})`);
    try {
      await store.#migrate(schema);
    } catch (error) {
      await pool.end();
      throw new Error(`cannot prepare PostgreSQL at ${store.description}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return store;
  }

  async #migrate(schema: string): Promise<void> {
    await this.#transaction(async (client) => {
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

  appendAudit(entries: AuditFields[]): Promise<ChainHead> {
    return this.#appends.add(entries);
  }

  /** One transaction for a whole batch: the head row's lock orders it against every other replica. */
  async #appendBatch(batch: AuditFields[][]): Promise<ChainHead[]> {
    return this.#transaction(async (client) => {
      const head = (
        await client.query<{ seq: string; hash: string }>(
          'SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE',
        )
      ).rows[0];
      if (!head)
        throw new AuditChainBroken(
          "the audit chain's head row is missing: the database was edited outside the proxy; nothing is written until an operator has run `ondemand-proxy audit verify`",
        );
      const { written, head: next } = chainRows({ seq: Number(head.seq), hash: head.hash }, batch);
      const values = written.flat().map(toRowValues);
      const tuples = values.map(
        (row, index) => `(${row.map((_, column) => `$${index * row.length + column + 1}`).join(', ')})`,
      );
      await client.query(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES ${tuples.join(', ')}`, values.flat());
      await client.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [next.seq, next.hash]);
      return written.map((rows) => {
        const last = rows.at(-1)!;
        return { seq: Number(last.seq), hash: last.hash };
      });
    });
  }

  async queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const values: unknown[] = [query.after ?? 0];
    const where: string[] = ['seq > $1'];
    const add = (column: string, operator: string, value: unknown) => {
      values.push(value);
      where.push(`${column} ${operator} $${values.length}`);
    };
    if (query.from) add('at', '>=', query.from);
    if (query.to) add('at', '<', query.to);
    if (query.principal) add('principal', '=', query.principal);
    if (query.action) add('action', '=', query.action);
    if (query.requestId) add('request_id', '=', query.requestId);
    if (query.jobId) add('job_id', '=', query.jobId);
    if (query.subject) {
      values.push(query.subject);
      where.push(`strpos(subject, $${values.length}) > 0`);
    }
    values.push(query.limit);
    const { rows } = await this.#query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${values.length}`,
      values,
    );
    return rows.map(rowEntry);
  }

  /** One consistent snapshot of the log on a connection of its own (see {@link chainSnapshot}). */
  async openChain(): Promise<ChainSource & { close(): Promise<void> }> {
    const client = await this.#pool.connect().catch(unavailable);
    try {
      return await chainSnapshot(client, () => client.release());
    } catch (error) {
      client.release(true);
      return unavailable(error);
    }
  }

  async addCheckpoint(checkpoint: Checkpoint): Promise<void> {
    await this.#query(
      `INSERT INTO audit_checkpoints (${CHECKPOINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.keyId, checkpoint.signature],
    );
  }

  async forwardsWithoutOutcome(): Promise<AuditEntry[]> {
    const { rows } = await this.#query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit f WHERE action = 'forward' AND NOT EXISTS (SELECT 1 FROM audit o WHERE o.request_id = f.request_id AND o.action = 'outcome') ORDER BY seq`,
    );
    return rows.map(rowEntry);
  }

  async withOutcome(requestIds: string[]): Promise<Set<string>> {
    if (requestIds.length === 0) return new Set();
    const { rows } = await this.#query<{ request_id: string }>(
      "SELECT DISTINCT request_id FROM audit WHERE action = 'outcome' AND request_id = ANY($1)",
      [requestIds],
    );
    return new Set(rows.map((row) => row.request_id));
  }

  async createApproval(record: ApprovalRecord): Promise<void> {
    await this.#query('INSERT INTO approvals (id, state, record) VALUES ($1, $2, $3)', [
      record.id,
      record.state,
      JSON.stringify(record),
    ]);
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    const { rows } = await this.#query<{ record: string }>('SELECT record FROM approvals WHERE id = $1', [
      id,
    ]);
    return rows[0] ? JSON.parse(rows[0].record) : undefined;
  }

  async listApprovals(state?: ApprovalState): Promise<ApprovalRecord[]> {
    const { rows } = state
      ? await this.#query<{ record: string }>(
          'SELECT record FROM approvals WHERE state = $1 ORDER BY created',
          [state],
        )
      : await this.#query<{ record: string }>('SELECT record FROM approvals ORDER BY created');
    return rows.map((row) => JSON.parse(row.record));
  }

  async queryApprovals(query: ApprovalQuery): Promise<Array<{ cursor: number; record: ApprovalRecord }>> {
    const values: unknown[] = [query.before ?? Number.MAX_SAFE_INTEGER];
    const where: string[] = ['created < $1'];
    const add = (expression: string, operator: string, value: unknown) => {
      values.push(value);
      where.push(`${expression} ${operator} $${values.length}`);
    };
    if (query.state) add('state', '=', query.state);
    if (query.requester) add("(record::jsonb) ->> 'requester'", '=', query.requester);
    if (query.servicePrincipalId)
      add("(record::jsonb) ->> 'servicePrincipalId'", '=', query.servicePrincipalId);
    if (query.from) add("(record::jsonb) ->> 'createdAt'", '>=', query.from);
    if (query.to) add("(record::jsonb) ->> 'createdAt'", '<', query.to);
    values.push(query.limit);
    const { rows } = await this.#query<{ cursor: string; record: string }>(
      `SELECT created AS cursor, record FROM approvals WHERE ${where.join(' AND ')} ORDER BY created DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map((row) => ({ cursor: Number(row.cursor), record: JSON.parse(row.record) }));
  }

  async claimIdempotencyKey(claim: IdempotencyKeyClaim, expiresBefore: string): Promise<IdempotencyClaim> {
    return this.#transaction(async (client) => {
      await client.query(
        'DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND created_at < $3',
        [claim.principal, claim.key, expiresBefore],
      );
      // Inserted or not, the row is locked for this transaction: two replicas claiming together wait in turn.
      const inserted = await client.query(
        'INSERT INTO idempotency_keys (principal, key, request_hash, request_id, replica, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
        [claim.principal, claim.key, claim.requestHash, claim.requestId, claim.replica, claim.at],
      );
      if (inserted.rowCount === 1) return { kind: 'claimed' } as const;
      const { rows } = await client.query<IdempotencyRow>(
        'SELECT request_hash, answer FROM idempotency_keys WHERE principal = $1 AND key = $2 FOR UPDATE',
        [claim.principal, claim.key],
      );
      return idempotencyClaimOf(rows[0]!, claim.requestHash);
    });
  }

  async answerIdempotencyKey(principal: string, key: string, answer: IdempotentAnswer): Promise<void> {
    await this.#query('UPDATE idempotency_keys SET answer = $1 WHERE principal = $2 AND key = $3', [
      JSON.stringify(answer),
      principal,
      key,
    ]);
  }

  async releaseIdempotencyKey(principal: string, key: string): Promise<void> {
    await this.#query('DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2', [principal, key]);
  }

  async unansweredIdempotencyKeys(replica: string): Promise<UnansweredKey[]> {
    const { rows } = await this.#query<UnansweredKey>(
      'SELECT principal, key, request_id AS "requestId" FROM idempotency_keys WHERE answer IS NULL AND replica = $1',
      [replica],
    );
    return rows;
  }

  protected modifyApproval<T>(id: string, change: ApprovalChange<T>): Promise<T> {
    return this.#transaction(async (client) => {
      const { write, result } = change(await this.#lock(client, id));
      if (write) await this.#put(client, write);
      return result;
    });
  }

  async heartbeat(replica: string, at: string): Promise<void> {
    await this.#query(
      'INSERT INTO replicas (id, seen_at) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at',
      [replica, at],
    );
  }

  async staleReplicas(before: string): Promise<string[]> {
    const { rows } = await this.#query<{ id: string }>('SELECT id FROM replicas WHERE seen_at < $1', [
      before,
    ]);
    return rows.map((row) => row.id);
  }

  /** Writable means a write commits (a read-only standby or a full disk makes the proxy not ready). */
  async ping(): Promise<void> {
    await this.#query(
      'INSERT INTO readiness_check (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
      [new Date().toISOString()],
    );
  }

  async close(): Promise<void> {
    await this.#pool.end();
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

  #query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]) {
    return this.#pool.query<R>(sql, values).catch(unavailable);
  }

  async #lock(client: pg.PoolClient, id: string): Promise<ApprovalRecord | undefined> {
    const { rows } = await client.query<{ record: string }>(
      'SELECT record FROM approvals WHERE id = $1 FOR UPDATE',
      [id],
    );
    return rows[0] ? JSON.parse(rows[0].record) : undefined;
  }

  async #put(client: pg.PoolClient, record: ApprovalRecord): Promise<void> {
    await client.query('UPDATE approvals SET state = $1, record = $2 WHERE id = $3', [
      record.state,
      JSON.stringify(record),
      record.id,
    ]);
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect().catch(unavailable);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      // The connection may be the broken part (a restarted server): never hand it out again.
      client.release(true);
      unavailable(error);
    }
  }
}

/**
 * Rethrows a failure to reach the server as {@link StoreUnavailable}, so callers answer 503 and try
 * again: SQLSTATE classes 08 (connection), 53 (resources) and 57 (server shutting down or
 * starting), socket errors (ECONNREFUSED, …) and pg's own connection messages. Anything else is a
 * real fault and goes on as it is.
 */
function unavailable(error: unknown): never {
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
