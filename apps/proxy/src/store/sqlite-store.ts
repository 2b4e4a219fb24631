import Database from 'better-sqlite3';
import { type AuditEntry, type AuditFields, type ChainHead, chainEntries } from '../audit/hash-chain.js';
import { type ApprovalChange, ApprovalTransitions } from './approval-transitions.js';
import { AUDIT_COLUMNS, type AuditRow, auditTableDdl, toEntry, toRowValues } from './audit-row.js';
import { GroupCommit } from './group-commit.js';
import type { ApprovalRecord, ApprovalState, AuditQuery, ProxyStore } from './proxy-store.js';

const schema = `
${auditTableDdl('INTEGER', true)}
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TABLE IF NOT EXISTS audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS approvals (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS approvals_state ON approvals (state);
CREATE TABLE IF NOT EXISTS replicas (id TEXT PRIMARY KEY, seen_at TEXT NOT NULL);
`;

/** The default store: one SQLite file in WAL mode (better-sqlite3: synchronous, so each call is atomic here). */
export class SqliteStore extends ApprovalTransitions implements ProxyStore {
  readonly #db: Database.Database;

  constructor(readonly path: string) {
    super();
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(schema);
  }

  readonly #appends = new GroupCommit<AuditFields[], AuditEntry[]>((batch) =>
    this.#db.transaction(() => this.#appendBatch(batch))(),
  );

  /** Synchronous=FULL stays: an entry acknowledged is on disk; entries arriving together share a sync. */
  appendAudit(entries: AuditFields[]): Promise<AuditEntry[]> {
    return this.#appends.add(entries);
  }

  /** The head is read inside the transaction, so a second process on the same file cannot fork the chain. */
  #appendBatch(batch: AuditFields[][]): AuditEntry[][] {
    const { written, head: next } = chainEntries(this.#head(), batch);
    const insert = this.#statement(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (${'?, '.repeat(11)}?)`);
    for (const entry of written.flat()) insert.run(...toRowValues(entry));
    this.#statement(
      'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
    ).run(next.seq, next.hash);
    return written;
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
    if (query.jobId) add('job_id = ?', query.jobId);
    if (query.subject) add('subject LIKE ?', `%${query.subject}%`);
    const rows = this.#statement(`SELECT * FROM audit WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`).all(
      ...values,
      query.limit,
    ) as AuditRow[];
    return rows.map(toEntry);
  }

  async readChain() {
    const entries = (this.#statement('SELECT * FROM audit ORDER BY rowid').all() as AuditRow[]).map(toEntry);
    return { entries, head: this.#head() };
  }

  async createApproval(record: ApprovalRecord): Promise<void> {
    this.#statement('INSERT INTO approvals (id, state, record) VALUES (?, ?, ?)').run(
      record.id,
      record.state,
      JSON.stringify(record),
    );
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    return this.#get(id);
  }

  async listApprovals(state?: ApprovalState): Promise<ApprovalRecord[]> {
    const rows = (
      state
        ? this.#statement('SELECT record FROM approvals WHERE state = ? ORDER BY rowid').all(state)
        : this.#statement('SELECT record FROM approvals ORDER BY rowid').all()
    ) as Array<{ record: string }>;
    return rows.map((row) => JSON.parse(row.record));
  }

  protected async modifyApproval<T>(id: string, change: ApprovalChange<T>): Promise<T> {
    return this.#db.transaction(() => {
      const { write, result } = change(this.#get(id));
      if (write) this.#put(write);
      return result;
    })();
  }

  async heartbeat(replica: string, at: string): Promise<void> {
    this.#statement(
      'INSERT INTO replicas (id, seen_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at',
    ).run(replica, at);
  }

  async staleReplicas(before: string): Promise<string[]> {
    const rows = this.#statement('SELECT id FROM replicas WHERE seen_at < ?').all(before) as Array<{
      id: string;
    }>;
    return rows.map((row) => row.id);
  }

  async ping(): Promise<void> {
    this.#statement('SELECT 1').get();
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

  #head(): ChainHead | undefined {
    return this.#statement('SELECT seq, hash FROM audit_head WHERE id = 1').get() as ChainHead | undefined;
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
