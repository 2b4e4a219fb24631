import { type AuditFields, type AuditRow, entryText } from '@ondemand/audit-log';

/** The tables both backends create that are not the audit log's own (those are `@ondemand/audit-log`'s). */

/** Where the readiness check writes: a write that commits is what "ready" means. */
export const READINESS_TABLE_DDL =
  'CREATE TABLE readiness_check (id INTEGER PRIMARY KEY CHECK (id = 1), at TEXT NOT NULL);';

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
    action: row.action as AuditFields['action'],
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

/** The console's sessions and sign-ins under way, by the hash of their cookie's token. */
export const CONSOLE_SESSIONS_TABLE_DDL = `CREATE TABLE console_sessions (
  id_hash TEXT PRIMARY KEY,
  record TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);`;
