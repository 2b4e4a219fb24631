import type { Checkpoint } from './checkpoint.js';
import { type AuditEntry, type AuditRow, type ChainRow, hashedText, toEntry } from './entry.js';

/**
 * The audit log's tables as both stores keep them: what the proxy creates and what the chain readers
 * read. The stores own their migrations; the columns and row shapes are here, in one place.
 */

/** The entry's fields that queries filter on, as the database reads them out of the stored text. */
const QUERY_FIELDS: Array<[column: string, field: string]> = [
  ['at', 'at'],
  ['action', 'action'],
  ['principal', 'principal'],
  ['request_id', 'requestId'],
  ['job_id', 'jobId'],
  ['subject', 'subject'],
];

/**
 * The audit table in both stores: the place, the stored text and the hashes; the query columns are
 * generated from the text, so nobody can edit one without the other (SQLite reads them on the fly,
 * and a text that is not JSON has none; PostgreSQL stores them and refuses text that is not JSON).
 */
export function auditTableDdl(store: 'sqlite' | 'postgres', table = 'audit'): string {
  const generated = QUERY_FIELDS.map(([column, field]) =>
    store === 'sqlite'
      ? `  ${column} TEXT GENERATED ALWAYS AS (CASE WHEN json_valid(entry) THEN json_extract(entry, '$.${field}') END) VIRTUAL`
      : `  ${column} TEXT GENERATED ALWAYS AS ((entry::jsonb) ->> '${field}') STORED`,
  );
  return `CREATE TABLE ${table} (
  seq ${store === 'sqlite' ? 'INTEGER' : 'BIGINT'} PRIMARY KEY,
  entry TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL,
${generated.join(',\n')}
);
CREATE INDEX ${table}_at ON ${table} (at);
CREATE INDEX ${table}_request ON ${table} (request_id, action);`;
}

/** Signed checkpoints of the chain's head (their copy outside the database is the witness file). */
export const CHECKPOINT_TABLE_DDL = `CREATE TABLE audit_checkpoints (
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  at TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (seq, key_id)
);`;

export const AUDIT_COLUMNS = 'seq, entry, prev_hash, hash';

/** The row's values in {@link AUDIT_COLUMNS} order. */
export function toRowValues(row: AuditRow): unknown[] {
  return [row.seq, row.entry, row.prev_hash, row.hash];
}

export function toChainRow(row: AuditRow): ChainRow {
  return {
    seq: Number(row.seq),
    hash: row.hash,
    prevHash: row.prev_hash,
    hashed: hashedText(row.prev_hash, row.entry),
  };
}

/** A stored row as an entry with its fields. */
export function rowEntry(row: AuditRow): AuditEntry {
  return toEntry(toChainRow(row));
}

/** A checkpoint as stored. */
export type CheckpointRow = {
  seq: number | string;
  hash: string;
  at: string;
  key_id: string;
  signature: string;
};

export const CHECKPOINT_COLUMNS = 'seq, hash, at, key_id, signature';

export function toCheckpoint(row: CheckpointRow): Checkpoint {
  return { seq: Number(row.seq), hash: row.hash, at: row.at, keyId: row.key_id, signature: row.signature };
}

/**
 * Rows read in batches of this many while verifying or exporting: a log of millions never sits in
 * memory whole, and each batch's text stays in the young generation, which is collected cheaply.
 */
export const CHAIN_BATCH = 2_000;
