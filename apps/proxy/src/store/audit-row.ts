import type { AuditEntry } from '../audit/hash-chain.js';

/** An audit entry as both stores keep it: snake_case columns, `detail` as JSON text. */
export type AuditRow = {
  /** PostgreSQL's BIGINT arrives as a string. */
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
 * The audit table in both stores; only the sequence number's type differs (SQLite's INTEGER
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

export const AUDIT_COLUMNS =
  'seq, at, action, principal, request_id, graph_request_id, service_principal_id, job_id, subject, detail, prev_hash, hash';

/** The row's values in {@link AUDIT_COLUMNS} order. */
export function toRowValues(entry: AuditEntry): unknown[] {
  return [
    entry.seq,
    entry.at,
    entry.action,
    entry.principal,
    entry.requestId,
    entry.graphRequestId,
    entry.servicePrincipalId,
    entry.jobId,
    entry.subject,
    JSON.stringify(entry.detail),
    entry.prevHash,
    entry.hash,
  ];
}

export function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
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
