import type { Checkpoint } from '../audit/checkpoint.js';
import {
  type AuditEntry,
  type AuditRow,
  type ChainRow,
  entryText,
  hashedText,
  toEntry,
} from '../audit/stored-entry.js';
import type { IdempotencyClaim } from './proxy-store.js';

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
);
CREATE TABLE readiness_check (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL);`;

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

/**
 * The audit table as the first versions made it: a column per field, `detail` as JSON text. Kept for
 * the migrations that create it (on a fresh database) and then convert it.
 */
export function legacyAuditTableDdl(seqType: 'INTEGER' | 'BIGINT', ifNotExists: boolean): string {
  return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}audit (
  seq ${seqType} PRIMARY KEY,
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
);`;
}

/** An entry of the table before the entry text was stored whole: its columns, `detail` as JSON text. */
export type LegacyAuditRow = {
  seq: number | string;
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

/**
 * A row of the old table as the new one keeps it. The old hash covered the canonical JSON of the
 * entry's fields with `detail` parsed, which is exactly {@link entryText}: old logs keep verifying.
 */
export function fromLegacyRow(row: LegacyAuditRow): AuditRow {
  const entry = entryText(Number(row.seq), {
    at: row.at,
    action: row.action as never,
    principal: row.principal,
    requestId: row.request_id,
    graphRequestId: row.graph_request_id,
    servicePrincipalId: row.service_principal_id,
    jobId: row.job_id,
    subject: row.subject,
    detail: JSON.parse(row.detail),
  });
  return { seq: row.seq, entry, prev_hash: row.prev_hash, hash: row.hash };
}

/** Keys of idempotent requests: the request they were first used for, and its answer once given. */
export const IDEMPOTENCY_TABLE_DDL = `CREATE TABLE idempotency_keys (
  principal TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  request_id TEXT NOT NULL,
  replica TEXT NOT NULL,
  created_at TEXT NOT NULL,
  answer TEXT,
  PRIMARY KEY (principal, key)
);`;

/** A key's row as stored. */
export type IdempotencyRow = { request_hash: string; answer: string | null };

/** What the stored row of a key says to a request claiming it with `requestHash`. */
export function idempotencyClaimOf(row: IdempotencyRow, requestHash: string): IdempotencyClaim {
  if (row.request_hash !== requestHash) return { kind: 'mismatch' };
  if (row.answer === null) return { kind: 'in_flight' };
  return { kind: 'answered', answer: JSON.parse(row.answer) };
}
