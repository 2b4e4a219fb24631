import { closeSync, openSync } from 'node:fs';
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
  type ChainRow,
  chainRows,
  GENESIS_HASH,
  rowEntry,
  toRowValues,
} from '@ondemand/audit-log';
import { openSqliteChain } from '@ondemand/audit-log/sqlite';
import Database from 'better-sqlite3';
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
 * Schema versions (SQLite's `user_version`), in order; each runs once, in its own transaction.
 * Files from before versions were kept already hold the first one's tables (hence IF NOT EXISTS).
 */
const migrations: Array<(db: Database.Database) => void> = [
  (db) =>
    db.exec(`
${legacyAuditTableDdl('INTEGER', true)}
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TABLE IF NOT EXISTS audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS approvals (id TEXT PRIMARY KEY, state TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS approvals_state ON approvals (state);
CREATE TABLE IF NOT EXISTS replicas (id TEXT PRIMARY KEY, seen_at TEXT NOT NULL);`),
  // The entry stored whole, as the text its hash covers; checkpoints; the head row from the start,
  // so a log without one has been tampered with.
  (db) => {
    db.exec(auditTableDdl('sqlite', 'audit_text'));
    const insert = db.prepare(`INSERT INTO audit_text (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?)`);
    for (const row of db.prepare('SELECT * FROM audit ORDER BY seq').all() as LegacyAuditRow[])
      insert.run(...toRowValues(fromLegacyRow(row)));
    db.exec('DROP TABLE audit; ALTER TABLE audit_text RENAME TO audit;');
    db.exec(`${CHECKPOINT_TABLE_DDL}\n${READINESS_TABLE_DDL}`);
    const entries = db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number };
    if (entries.n === 0)
      db.prepare('INSERT OR IGNORE INTO audit_head (id, seq, hash) VALUES (1, 0, ?)').run(GENESIS_HASH);
  },
  (db) => db.exec(IDEMPOTENCY_TABLE_DDL),
];

/**
 * The default store: one SQLite file in WAL mode (better-sqlite3: synchronous, so each call is
 * atomic here). A full disk, an I/O error or a locked file is {@link StoreUnavailable} (503), never a
 * crash or a 500.
 */
export class SqliteStore extends ApprovalTransitions implements ProxyStore {
  readonly #db: Database.Database;

  constructor(
    readonly path: string,
    options: {
      /** How long a write waits for another connection's lock before the store counts as unavailable (default 5 s). */
      busyTimeoutMs?: number;
    } = {},
  ) {
    super();
    this.#db = sqlite(() => {
      // Approvals, Graph's answers and names are for the proxy's eyes: the file is made owner-only,
      // and SQLite gives its -wal and -shm files the database file's permissions.
      if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
      const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5_000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      const version = db.pragma('user_version', { simple: true }) as number;
      for (const [index, migrate] of migrations.entries()) {
        if (index < version) continue;
        db.transaction(() => {
          migrate(db);
          db.pragma(`user_version = ${index + 1}`);
        })();
      }
      return db;
    });
  }

  readonly #appends = new GroupCommit<AuditFields[], ChainHead>((batch) =>
    sqlite(() => this.#db.transaction(() => this.#appendBatch(batch))()),
  );

  /** Synchronous=FULL stays: an entry acknowledged is on disk; entries arriving together share a sync. */
  appendAudit(entries: AuditFields[]): Promise<ChainHead> {
    return this.#appends.add(entries);
  }

  /** The head is read inside the transaction, so a second process on the same file cannot fork the chain. */
  #appendBatch(batch: AuditFields[][]): ChainHead[] {
    const head = this.#statement('SELECT seq, hash FROM audit_head WHERE id = 1').get() as
      | ChainHead
      | undefined;
    if (!head) throw missingHead();
    const { written, head: next } = chainRows(head, batch);
    const insert = this.#statement(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?)`);
    for (const row of written.flat()) insert.run(...toRowValues(row));
    this.#statement('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1').run(next.seq, next.hash);
    return written.map((rows) => {
      const last = rows.at(-1)!;
      return { seq: Number(last.seq), hash: last.hash };
    });
  }

  async queryAudit(query: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = ['seq > ?'];
    const values: unknown[] = [query.after ?? 0];
    const add = (clause: string, value: unknown) => {
      where.push(clause);
      values.push(value);
    };
    if (query.from) add('at >= ?', query.from);
    if (query.to) add('at < ?', query.to);
    if (query.principal) add('principal = ?', query.principal);
    if (query.action) add('action = ?', query.action);
    if (query.requestId) add('request_id = ?', query.requestId);
    if (query.jobId) add('job_id = ?', query.jobId);
    if (query.subject) add('instr(subject, ?) > 0', query.subject);
    return this.#rows(
      `SELECT ${AUDIT_COLUMNS} FROM audit WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`,
      ...values,
      query.limit,
    );
  }

  /** A read-only connection of its own, in one read transaction: a snapshot appends do not disturb. */
  async openChain() {
    try {
      return await openSqliteChain(this.path);
    } catch (error) {
      return sqlite(() => {
        throw error;
      });
    }
  }

  async addCheckpoint(checkpoint: Checkpoint): Promise<void> {
    sqlite(() =>
      this.#statement(
        `INSERT INTO audit_checkpoints (${CHECKPOINT_COLUMNS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ).run(checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.keyId, checkpoint.signature),
    );
  }

  async forwardsWithoutOutcome(): Promise<AuditEntry[]> {
    return this.#rows(
      `SELECT ${AUDIT_COLUMNS} FROM audit f WHERE action = 'forward' AND NOT EXISTS (SELECT 1 FROM audit o WHERE o.request_id = f.request_id AND o.action = 'outcome') ORDER BY seq`,
    );
  }

  async withOutcome(requestIds: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const statement = this.#statement(
      "SELECT 1 FROM audit WHERE request_id = ? AND action = 'outcome' LIMIT 1",
    );
    for (const id of requestIds) if (sqlite(() => statement.get(id))) found.add(id);
    return found;
  }

  async createApproval(record: ApprovalRecord): Promise<void> {
    sqlite(() =>
      this.#statement('INSERT INTO approvals (id, state, record) VALUES (?, ?, ?)').run(
        record.id,
        record.state,
        JSON.stringify(record),
      ),
    );
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    return sqlite(() => this.#get(id));
  }

  async listApprovals(state?: ApprovalState): Promise<ApprovalRecord[]> {
    const rows = sqlite(() =>
      state
        ? this.#statement('SELECT record FROM approvals WHERE state = ? ORDER BY rowid').all(state)
        : this.#statement('SELECT record FROM approvals ORDER BY rowid').all(),
    ) as Array<{ record: string }>;
    return rows.map((row) => JSON.parse(row.record));
  }

  async queryApprovals(query: ApprovalQuery): Promise<Array<{ cursor: number; record: ApprovalRecord }>> {
    const where: string[] = ['rowid < ?'];
    const values: unknown[] = [query.before ?? Number.MAX_SAFE_INTEGER];
    const add = (clause: string, value: unknown) => {
      where.push(clause);
      values.push(value);
    };
    if (query.state) add('state = ?', query.state);
    if (query.requester) add("json_extract(record, '$.requester') = ?", query.requester);
    if (query.servicePrincipalId)
      add("json_extract(record, '$.servicePrincipalId') = ?", query.servicePrincipalId);
    if (query.from) add("json_extract(record, '$.createdAt') >= ?", query.from);
    if (query.to) add("json_extract(record, '$.createdAt') < ?", query.to);
    const rows = sqlite(() =>
      this.#statement(
        `SELECT rowid AS cursor, record FROM approvals WHERE ${where.join(' AND ')} ORDER BY rowid DESC LIMIT ?`,
      ).all(...values, query.limit),
    ) as Array<{ cursor: number; record: string }>;
    return rows.map((row) => ({ cursor: row.cursor, record: JSON.parse(row.record) }));
  }

  async claimIdempotencyKey(claim: IdempotencyKeyClaim, expiresBefore: string): Promise<IdempotencyClaim> {
    return sqlite(() =>
      this.#db.transaction(() => {
        this.#statement(
          'DELETE FROM idempotency_keys WHERE principal = ? AND key = ? AND created_at < ?',
        ).run(claim.principal, claim.key, expiresBefore);
        const row = this.#statement(
          'SELECT request_hash, answer FROM idempotency_keys WHERE principal = ? AND key = ?',
        ).get(claim.principal, claim.key) as IdempotencyRow | undefined;
        if (row) return idempotencyClaimOf(row, claim.requestHash);
        this.#statement(
          'INSERT INTO idempotency_keys (principal, key, request_hash, request_id, replica, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        ).run(claim.principal, claim.key, claim.requestHash, claim.requestId, claim.replica, claim.at);
        return { kind: 'claimed' } as const;
      })(),
    );
  }

  async answerIdempotencyKey(principal: string, key: string, answer: IdempotentAnswer): Promise<void> {
    sqlite(() =>
      this.#statement('UPDATE idempotency_keys SET answer = ? WHERE principal = ? AND key = ?').run(
        JSON.stringify(answer),
        principal,
        key,
      ),
    );
  }

  async releaseIdempotencyKey(principal: string, key: string): Promise<void> {
    sqlite(() =>
      this.#statement('DELETE FROM idempotency_keys WHERE principal = ? AND key = ?').run(principal, key),
    );
  }

  async unansweredIdempotencyKeys(replica: string): Promise<UnansweredKey[]> {
    const rows = sqlite(() =>
      this.#statement(
        'SELECT principal, key, request_id AS requestId FROM idempotency_keys WHERE answer IS NULL AND replica = ?',
      ).all(replica),
    ) as UnansweredKey[];
    return rows;
  }

  protected async modifyApproval<T>(id: string, change: ApprovalChange<T>): Promise<T> {
    return sqlite(() =>
      this.#db.transaction(() => {
        const { write, result } = change(this.#get(id));
        if (write) this.#put(write);
        return result;
      })(),
    );
  }

  async heartbeat(replica: string, at: string): Promise<void> {
    sqlite(() =>
      this.#statement(
        'INSERT INTO replicas (id, seen_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at',
      ).run(replica, at),
    );
  }

  async staleReplicas(before: string): Promise<string[]> {
    const rows = sqlite(() =>
      this.#statement('SELECT id FROM replicas WHERE seen_at < ?').all(before),
    ) as Array<{
      id: string;
    }>;
    return rows.map((row) => row.id);
  }

  /** Writable means a write commits: a full disk or a locked file makes the proxy not ready. */
  async ping(): Promise<void> {
    sqlite(() =>
      this.#db.transaction(() => {
        this.#statement(
          'INSERT INTO readiness_check (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
        ).run(new Date().toISOString());
      })(),
    );
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  /** Statements are compiled once and reused: compiling them per call was a visible share of a call's cost. */
  readonly #statements = new Map<string, Database.Statement>();

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #rows(sql: string, ...values: unknown[]): AuditEntry[] {
    return (sqlite(() => this.#statement(sql).all(...values)) as AuditRow[]).map(rowEntry);
  }

  #get(id: string): ApprovalRecord | undefined {
    const row = this.#statement('SELECT record FROM approvals WHERE id = ?').get(id) as
      | { record: string }
      | undefined;
    return row ? JSON.parse(row.record) : undefined;
  }

  #put(record: ApprovalRecord): void {
    this.#statement('UPDATE approvals SET state = ?, record = ? WHERE id = ?').run(
      record.state,
      JSON.stringify(record),
      record.id,
    );
  }
}

function missingHead(): AuditChainBroken {
  return new AuditChainBroken(
    "the audit chain's head row is missing: the database was edited outside the proxy; nothing is written until an operator has run `ondemand-proxy audit verify`",
  );
}

/**
 * SQLite's "try again later" failures as {@link StoreUnavailable}: a full disk, I/O errors, a busy or
 * locked file, a read-only or unopenable file, no memory. Anything else is a real fault.
 */
function sqlite<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (
      typeof code === 'string' &&
      /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN|NOMEM|PROTOCOL)/.test(code)
    )
      throw new StoreUnavailable(`SQLite cannot write: ${(error as Error).message} (${code})`, {
        cause: error,
      });
    throw error;
  }
}
