import {
  AUDIT_COLUMNS,
  type AuditEntry,
  type AuditFields,
  type AuditRow,
  CHECKPOINT_COLUMNS,
  type ChainHead,
  type ChainSource,
  type Checkpoint,
  chainRows,
  rowEntry,
  toRowValues,
} from '@ondemand/audit-log';
import { chainSnapshot } from '@ondemand/audit-log/postgres';
import type pg from 'pg';
import { type AuditQuery, type AuditStore, missingHead } from '../../audit/audit-store.js';
import { GroupCommit } from '../group-commit.js';
import { holdSafely, type PostgresDatabase, unavailable } from './postgres-database.js';

/**
 * The audit log in PostgreSQL. The chain stays one line across replicas because every append locks
 * the chain's head row: the database, not a process, decides the order.
 */
export class PostgresAuditStore implements AuditStore {
  readonly #appends: GroupCommit<AuditFields[], ChainHead>;

  constructor(readonly db: PostgresDatabase) {
    this.#appends = new GroupCommit((batch) => this.#appendBatch(batch));
  }

  appendAudit(entries: AuditFields[]): Promise<ChainHead> {
    return this.#appends.add(entries);
  }

  /** One transaction for a whole batch: the head row's lock orders it against every other replica. */
  #appendBatch(batch: AuditFields[][]): Promise<ChainHead[]> {
    return this.db.transaction((client) => this.#appendOn(client, batch));
  }

  /**
   * Appends `entries` in a transaction the caller holds on `client` (an approval's change), so both
   * are written or neither. The head row is locked last, after the approval's row, as every append
   * locks it: no two transactions wait for each other.
   */
  async appendWithin(client: pg.PoolClient, entries: AuditFields[]): Promise<void> {
    if (entries.length > 0) await this.#appendOn(client, [entries]);
  }

  async #appendOn(client: pg.PoolClient, batch: AuditFields[][]): Promise<ChainHead[]> {
    const head = (
      await client.query<{ seq: string; hash: string }>(
        'SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE',
      )
    ).rows[0];
    if (!head) throw missingHead();
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
    const { rows } = await this.db.query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${values.length}`,
      values,
    );
    return rows.map(rowEntry);
  }

  /** One consistent snapshot of the log on a connection of its own (see `chainSnapshot`). */
  async openChain(): Promise<ChainSource & { close(): Promise<void> }> {
    const client = await this.db.pool.connect().catch(unavailable);
    const release = holdSafely(client);
    try {
      return await chainSnapshot(client, () => release());
    } catch (error) {
      release(true);
      return unavailable(error);
    }
  }

  async addCheckpoint(checkpoint: Checkpoint): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_checkpoints (${CHECKPOINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [checkpoint.seq, checkpoint.hash, checkpoint.at, checkpoint.keyId, checkpoint.signature],
    );
  }

  async forwardsWithoutOutcome(): Promise<AuditEntry[]> {
    const { rows } = await this.db.query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit f WHERE action = 'forward' AND NOT EXISTS (SELECT 1 FROM audit o WHERE o.request_id = f.request_id AND o.action = 'outcome') ORDER BY seq`,
    );
    return rows.map(rowEntry);
  }
}
