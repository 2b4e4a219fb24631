import type { ApprovalRecord, ApprovalState } from '../../approvals/approval.js';
import type { ApprovalQuery, EntriesFor } from '../../approvals/approval-store.js';
import type { ApprovalChange, ApprovalRecords } from '../../approvals/approval-transitions.js';
import type { SqliteAuditStore } from './sqlite-audit-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Approvals in SQLite: one row each, the record as JSON; a change is one transaction. */
export class SqliteApprovalRecords implements ApprovalRecords {
  constructor(
    readonly db: SqliteDatabase,
    /** Where a change's audit entries go, in the change's transaction. */
    private readonly audit: Pick<SqliteAuditStore, 'appendWithin'>,
  ) {}

  async createApproval(record: ApprovalRecord): Promise<void> {
    this.db.run(() =>
      this.db
        .statement('INSERT INTO approvals (id, state, record) VALUES (?, ?, ?)')
        .run(record.id, record.state, JSON.stringify(record)),
    );
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    return this.db.run(() => this.#get(id));
  }

  async listApprovals(state?: ApprovalState): Promise<ApprovalRecord[]> {
    const rows = this.db.run(() =>
      state
        ? this.db.statement('SELECT record FROM approvals WHERE state = ? ORDER BY rowid').all(state)
        : this.db.statement('SELECT record FROM approvals ORDER BY rowid').all(),
    ) as Array<{ record: string }>;
    return rows.map((row) => JSON.parse(row.record));
  }

  async countApprovals(filter: { state: ApprovalState; requester?: string }): Promise<number> {
    const row = this.db.run(() =>
      filter.requester === undefined
        ? this.db.statement('SELECT count(*) AS n FROM approvals WHERE state = ?').get(filter.state)
        : this.db
            .statement(
              "SELECT count(*) AS n FROM approvals WHERE state = ? AND json_extract(record, '$.requester') = ?",
            )
            .get(filter.state, filter.requester),
    ) as { n: number };
    return row.n;
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
    const rows = this.db.run(() =>
      this.db
        .statement(
          `SELECT rowid AS cursor, record FROM approvals WHERE ${where.join(' AND ')} ORDER BY rowid DESC LIMIT ?`,
        )
        .all(...values, query.limit),
    ) as Array<{ cursor: number; record: string }>;
    return rows.map((row) => ({ cursor: row.cursor, record: JSON.parse(row.record) }));
  }

  async modifyApproval<T>(id: string, change: ApprovalChange<T>, entries?: EntriesFor): Promise<T> {
    return this.db.transaction(() => {
      const { write, result } = change(this.#get(id));
      if (write) {
        this.db
          .statement('UPDATE approvals SET state = ?, record = ? WHERE id = ?')
          .run(write.state, JSON.stringify(write), write.id);
        if (entries) this.audit.appendWithin(entries(write));
      }
      return result;
    });
  }

  #get(id: string): ApprovalRecord | undefined {
    const row = this.db.statement('SELECT record FROM approvals WHERE id = ?').get(id) as
      | { record: string }
      | undefined;
    return row ? JSON.parse(row.record) : undefined;
  }
}
