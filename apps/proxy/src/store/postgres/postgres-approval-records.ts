import type pg from 'pg';
import type { ApprovalRecord, ApprovalState } from '../../approvals/approval.js';
import type { ApprovalQuery, EntriesFor } from '../../approvals/approval-store.js';
import type { ApprovalChange, ApprovalRecords } from '../../approvals/approval-transitions.js';
import type { PostgresAuditStore } from './postgres-audit-store.js';
import type { PostgresDatabase } from './postgres-database.js';

/** Approvals in PostgreSQL: one row each, the record as JSON; a change locks its row (`FOR UPDATE`). */
export class PostgresApprovalRecords implements ApprovalRecords {
  constructor(
    readonly db: PostgresDatabase,
    /** Where a change's audit entries go, in the change's transaction. */
    private readonly audit: Pick<PostgresAuditStore, 'appendWithin'>,
  ) {}

  async createApproval(record: ApprovalRecord): Promise<void> {
    await this.db.query('INSERT INTO approvals (id, state, record) VALUES ($1, $2, $3)', [
      record.id,
      record.state,
      JSON.stringify(record),
    ]);
  }

  async getApproval(id: string): Promise<ApprovalRecord | undefined> {
    const { rows } = await this.db.query<{ record: string }>('SELECT record FROM approvals WHERE id = $1', [
      id,
    ]);
    return rows[0] ? JSON.parse(rows[0].record) : undefined;
  }

  async listApprovals(state?: ApprovalState): Promise<ApprovalRecord[]> {
    const { rows } = state
      ? await this.db.query<{ record: string }>(
          'SELECT record FROM approvals WHERE state = $1 ORDER BY created',
          [state],
        )
      : await this.db.query<{ record: string }>('SELECT record FROM approvals ORDER BY created');
    return rows.map((row) => JSON.parse(row.record));
  }

  async countApprovals(filter: { state: ApprovalState; requester?: string }): Promise<number> {
    const { rows } =
      filter.requester === undefined
        ? await this.db.query<{ n: string }>('SELECT count(*) AS n FROM approvals WHERE state = $1', [
            filter.state,
          ])
        : await this.db.query<{ n: string }>(
            "SELECT count(*) AS n FROM approvals WHERE state = $1 AND (record::jsonb) ->> 'requester' = $2",
            [filter.state, filter.requester],
          );
    return Number(rows[0]!.n);
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
    const { rows } = await this.db.query<{ cursor: string; record: string }>(
      `SELECT created AS cursor, record FROM approvals WHERE ${where.join(' AND ')} ORDER BY created DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map((row) => ({ cursor: Number(row.cursor), record: JSON.parse(row.record) }));
  }

  modifyApproval<T>(id: string, change: ApprovalChange<T>, entries?: EntriesFor): Promise<T> {
    return this.db.transaction(async (client) => {
      const { write, result } = change(await lock(client, id));
      if (write) {
        await client.query('UPDATE approvals SET state = $1, record = $2 WHERE id = $3', [
          write.state,
          JSON.stringify(write),
          write.id,
        ]);
        if (entries) await this.audit.appendWithin(client, entries(write));
      }
      return result;
    });
  }
}

async function lock(client: pg.PoolClient, id: string): Promise<ApprovalRecord | undefined> {
  const { rows } = await client.query<{ record: string }>(
    'SELECT record FROM approvals WHERE id = $1 FOR UPDATE',
    [id],
  );
  return rows[0] ? JSON.parse(rows[0].record) : undefined;
}
