import type { Checkpoint } from '../audit/checkpoint.js';
import { type AuditRow, canonicalJson } from '../audit/stored-entry.js';

/**
 * The audit tables in both stores; only the sequence number's type differs (SQLite's INTEGER
 * PRIMARY KEY is its row id; PostgreSQL wants BIGINT).
 */
export function auditTableDdl(seqType: 'INTEGER' | 'BIGINT', ifNotExists: boolean): string {
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

/** Signed checkpoints of the chain's head (their copy outside the database is the witness file). */
export const CHECKPOINT_TABLE_DDL = `CREATE TABLE audit_checkpoints (
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  at TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signature TEXT NOT NULL,
  PRIMARY KEY (seq, key_id)
);
CREATE INDEX audit_request ON audit (request_id);`;

export const AUDIT_COLUMNS =
  'seq, at, action, principal, request_id, graph_request_id, service_principal_id, job_id, subject, detail, prev_hash, hash';

/** The row's values in {@link AUDIT_COLUMNS} order. */
export function toRowValues(row: AuditRow): unknown[] {
  return [
    row.seq,
    row.at,
    row.action,
    row.principal,
    row.request_id,
    row.graph_request_id,
    row.service_principal_id,
    row.job_id,
    row.subject,
    row.detail,
    row.prev_hash,
    row.hash,
  ];
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

/** Rows read in batches of this many while verifying, so a log of millions never sits in memory whole. */
export const CHAIN_BATCH = 10_000;

/**
 * Entries hash their stored `detail` text; before that text was kept in canonical form, the hash
 * covered the canonical JSON of the parsed value. Rewriting old texts canonically keeps old logs
 * verifying under the new rule.
 */
export function canonicalizeDetails(
  rows: Iterable<{ seq: number | string; detail: string }>,
  write: (seq: number | string, detail: string) => void,
): void {
  const changed: Array<[number | string, string]> = [];
  for (const row of rows) {
    const canonical = canonicalJson(JSON.parse(row.detail));
    if (canonical !== row.detail) changed.push([row.seq, canonical]);
  }
  for (const [seq, detail] of changed) write(seq, detail);
}

export function toCheckpoint(row: CheckpointRow): Checkpoint {
  return { seq: Number(row.seq), hash: row.hash, at: row.at, keyId: row.key_id, signature: row.signature };
}
