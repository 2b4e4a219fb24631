import Database from 'better-sqlite3';
import { type AuditEntry, type AuditFields, GENESIS_HASH, hashEntry } from '../audit/hash-chain.js';
import type { Role } from '../config.js';
import {
  type ApprovalRecord,
  type ApprovalState,
  type AuditQuery,
  type ProxyStore,
  type Review,
  ReviewRefused,
} from './proxy-store.js';

const schema = `
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  principal TEXT,
  request_id TEXT NOT NULL,
  graph_request_id TEXT,
  service_principal_id TEXT,
  job_id TEXT,
  subject TEXT,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TABLE IF NOT EXISTS audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS approvals (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS approvals_state ON approvals (state);
`;

type AuditRow = {
  seq: number;
  at: string;
  action: string;
  principal: string | null;
  request_id: string;
  graph_request_id: string | null;
  service_principal_id: string | null;
  job_id: string | null;
  subject: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
};

/** The default store: one SQLite file in WAL mode (better-sqlite3: synchronous, so each call is atomic here). */
export class SqliteStore implements ProxyStore {
  readonly #db: Database.Database;

  constructor(readonly path: string) {
    this.#db = new Database(path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(schema);
  }

  /**
   * Group commit: appends arriving in the same turn of the event loop share one transaction, so one
   * disk sync makes all of them durable before any caller goes on. Synchronous=FULL stays: an entry
   * acknowledged is on disk. If the commit fails, every caller in it fails (and fails closed).
   */
  appendAudit(entries: AuditFields[]): Promise<AuditEntry[]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ entries, resolve, reject });
      if (this.#pending.length === 1) setImmediate(() => this.#commit());
    });
  }

  readonly #pending: Array<{
    entries: AuditFields[];
    resolve: (written: AuditEntry[]) => void;
    reject: (error: unknown) => void;
  }> = [];

  #commit(): void {
    const batch = this.#pending.splice(0);
    try {
      const written = this.#db.transaction(() =>
        batch.map((each) => each.entries.map((fields) => this.#append(fields))),
      )();
      for (const [index, each] of batch.entries()) each.resolve(written[index]!);
    } catch (error) {
      for (const each of batch) each.reject(error);
    }
  }

  #append(fields: AuditFields): AuditEntry {
    {
      const head = this.#statement('SELECT seq, hash FROM audit_head WHERE id = 1').get() as
        | { seq: number; hash: string }
        | undefined;
      const seq = (head?.seq ?? 0) + 1;
      const prevHash = head?.hash ?? GENESIS_HASH;
      const hash = hashEntry(seq, prevHash, fields);
      this.#statement(
        'INSERT INTO audit (seq, at, action, principal, request_id, graph_request_id, service_principal_id, job_id, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        seq,
        fields.at,
        fields.action,
        fields.principal,
        fields.requestId,
        fields.graphRequestId,
        fields.servicePrincipalId,
        fields.jobId,
        fields.subject,
        JSON.stringify(fields.detail),
        prevHash,
        hash,
      );
      this.#statement(
        'INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
      ).run(seq, hash);
      return { seq, prevHash, hash, ...fields };
    }
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
    const head = this.#statement('SELECT seq, hash FROM audit_head WHERE id = 1').get() as
      | { seq: number; hash: string }
      | undefined;
    return { entries, head };
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

  async review(id: string, review: Review & { roles: Role[] }, now: Date): Promise<ApprovalRecord> {
    return this.#db.transaction(() => {
      const record = this.#get(id);
      if (!record) throw new ReviewRefused('not_found', `no approval has the id ${id}`);
      if (record.state === 'pending' && now.toISOString() >= record.expiresAt) {
        this.#put({ ...record, state: 'expired' });
        throw new ReviewRefused(
          'expired',
          `approval ${id} expired at ${record.expiresAt}; the request will never run: ask again`,
        );
      }
      if (record.state !== 'pending')
        throw new ReviewRefused(
          'decided',
          `approval ${id} is already ${record.state}: it takes no more reviews`,
        );
      if (review.principal === record.requester)
        throw new ReviewRefused(
          'self_review',
          'nobody approves or denies their own request: ask another approver',
        );
      if (!review.roles.some((role) => record.required.roles.includes(role))) {
        throw new ReviewRefused(
          'role',
          `reviewing this request needs the role ${record.required.roles.join(' or ')}`,
        );
      }
      if (record.reviews.some((each) => each.principal === review.principal))
        throw new ReviewRefused('duplicate', `${review.principal} has already reviewed approval ${id}`);
      const reviews = [
        ...record.reviews,
        { principal: review.principal, decision: review.decision, reason: review.reason, at: review.at },
      ];
      const approvals = reviews.filter((each) => each.decision === 'approve').length;
      const state: ApprovalState =
        review.decision === 'deny' ? 'denied' : approvals >= record.required.count ? 'approved' : 'pending';
      const updated = { ...record, reviews, state };
      this.#put(updated);
      return updated;
    })();
  }

  async expire(id: string, now: Date): Promise<boolean> {
    return this.#db.transaction(() => {
      const record = this.#get(id);
      if (!record || record.state !== 'pending' || now.toISOString() < record.expiresAt) return false;
      this.#put({ ...record, state: 'expired' });
      return true;
    })();
  }

  async claimForExecution(id: string): Promise<boolean> {
    return this.#db.transaction(() => {
      const record = this.#get(id);
      if (!record || record.state !== 'approved') return false;
      this.#put({ ...record, state: 'executing' });
      return true;
    })();
  }

  async finishExecution(
    id: string,
    state: 'completed' | 'failed' | 'interrupted',
    result: ApprovalRecord['result'],
  ): Promise<void> {
    this.#db.transaction(() => {
      const record = this.#get(id);
      if (record) this.#put({ ...record, state, result });
    })();
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

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    action: row.action as AuditEntry['action'],
    principal: row.principal,
    requestId: row.request_id,
    graphRequestId: row.graph_request_id,
    servicePrincipalId: row.service_principal_id,
    jobId: row.job_id,
    subject: row.subject,
    detail: JSON.parse(row.detail),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
