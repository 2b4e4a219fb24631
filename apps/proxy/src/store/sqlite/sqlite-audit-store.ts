import {
  AUDIT_COLUMNS,
  type AuditEntry,
  type AuditFields,
  type AuditRow,
  CHECKPOINT_COLUMNS,
  type ChainHead,
  type Checkpoint,
  chainRows,
  rowEntry,
  toRowValues,
} from '@ondemand/audit-log';
import { openSqliteChain } from '@ondemand/audit-log/sqlite';
import { type AuditQuery, type AuditStore, missingHead } from '../../audit/audit-store.js';
import { GroupCommit } from '../group-commit.js';
import { type SqliteDatabase, sqliteFault } from './sqlite-database.js';

/** The audit log in SQLite: appends grouped into one transaction (one disk sync) each. */
export class SqliteAuditStore implements AuditStore {
  constructor(readonly db: SqliteDatabase) {}

  readonly #appends = new GroupCommit<AuditFields[], ChainHead>((batch) =>
    this.db.transaction(() => this.#appendBatch(batch)),
  );

  /** Synchronous=FULL stays: an entry acknowledged is on disk; entries arriving together share a sync. */
  appendAudit(entries: AuditFields[]): Promise<ChainHead> {
    return this.#appends.add(entries);
  }

  /**
   * Appends `entries` inside a transaction the caller holds (an approval's change), so both are
   * written or neither. Synchronous, as better-sqlite3 is.
   */
  appendWithin(entries: AuditFields[]): void {
    if (entries.length > 0) this.#appendBatch([entries]);
  }

  /** The head is read inside the transaction, so a second process on the same file cannot fork the chain. */
  #appendBatch(batch: AuditFields[][]): ChainHead[] {
    const head = this.db.statement('SELECT seq, hash FROM audit_head WHERE id = 1').get() as
      | ChainHead
      | undefined;
    if (!head) throw missingHead();
    const { written, head: next } = chainRows(head, batch);
    const insert = this.db.statement(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?)`);
    for (const row of written.flat()) insert.run(...toRowValues(row));
    this.db.statement('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1').run(next.seq, next.hash);
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
    return openSqliteChain(this.db.path).catch((error: unknown) => {
      throw sqliteFault(error);
    });
  }

  async addCheckpoint(checkpoint: Checkpoint): Promise<void> {
    this.db.run(() =>
      this.db
        .statement(
          `INSERT INTO audit_checkpoints (${CHECKPOINT_COLUMNS}) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        )
        .run(checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.keyId, checkpoint.signature),
    );
  }

  async forwardsWithoutOutcome(): Promise<AuditEntry[]> {
    return this.#rows(
      `SELECT ${AUDIT_COLUMNS} FROM audit f WHERE action = 'forward' AND NOT EXISTS (SELECT 1 FROM audit o WHERE o.request_id = f.request_id AND o.action = 'outcome') ORDER BY seq`,
    );
  }

  #rows(sql: string, ...values: unknown[]): AuditEntry[] {
    return (this.db.run(() => this.db.statement(sql).all(...values)) as AuditRow[]).map(rowEntry);
  }
}
