import { createHash } from 'node:crypto';

export const AUDIT_ACTIONS = [
  'request',
  'decision',
  'review',
  'forward',
  'outcome',
  'rejected',
  'auth_failure',
  'forbidden',
  'read',
  'expired',
  'withdrawn',
  'interrupted',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What an audit entry says. Secrets, tokens and keys never go in: callers pass summaries. */
export interface AuditFields {
  at: string;
  action: AuditAction;
  principal: string | null;
  requestId: string;
  graphRequestId: string | null;
  servicePrincipalId: string | null;
  jobId: string | null;
  /** The subject, e.g. `User 9bb0f679-…` or `Group 8213fd99-… + 2 members`. */
  subject: string | null;
  detail: Record<string, unknown>;
}

export interface AuditEntry extends AuditFields {
  seq: number;
  prevHash: string;
  hash: string;
}

/** An entry as every store keeps it: snake_case columns, `detail` as its canonical JSON text. */
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

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * The text an entry's hash covers, built from exactly the columns a store keeps (`detail` verbatim),
 * with keys in sorted order. Hashing this, rather than the values in memory, is what makes an entry
 * verify the same after any round trip through a database; and a stored `detail` that differs in a
 * single byte (a duplicate key, another key order) no longer verifies.
 */
export function entryText(row: AuditRow): string {
  return `{"action":${JSON.stringify(row.action)},"at":${JSON.stringify(row.at)},"detail":${row.detail},"graphRequestId":${JSON.stringify(row.graph_request_id)},"jobId":${JSON.stringify(row.job_id)},"principal":${JSON.stringify(row.principal)},"requestId":${JSON.stringify(row.request_id)},"seq":${Number(row.seq)},"servicePrincipalId":${JSON.stringify(row.service_principal_id)},"subject":${JSON.stringify(row.subject)}}`;
}

/** SHA-256 over the previous entry's hash and this entry's {@link entryText}. */
export function entryHash(prevHash: string, row: AuditRow): string {
  return createHash('sha256')
    .update(`${prevHash}\n${entryText(row)}`)
    .digest('hex');
}

/**
 * Links a batch of entry groups onto the chain after `head`, in order: the rows to store and the new
 * head. Both stores write the rows and the head in one transaction, so the chain moves whole.
 */
export function chainRows(
  head: ChainHead,
  batch: AuditFields[][],
): { written: AuditRow[][]; head: ChainHead } {
  let seq = head.seq;
  let prevHash = head.hash;
  const written = batch.map((entries) =>
    entries.map((fields) => {
      seq += 1;
      const row = { ...toRow(seq, fields), prev_hash: prevHash, hash: '' };
      row.hash = entryHash(prevHash, row);
      prevHash = row.hash;
      return row;
    }),
  );
  return { written, head: { seq, hash: prevHash } };
}

function toRow(seq: number, fields: AuditFields): Omit<AuditRow, 'prev_hash' | 'hash'> {
  return {
    seq,
    at: storableText(fields.at),
    action: fields.action,
    principal: nullableText(fields.principal),
    request_id: storableText(fields.requestId),
    graph_request_id: nullableText(fields.graphRequestId),
    service_principal_id: nullableText(fields.servicePrincipalId),
    job_id: nullableText(fields.jobId),
    subject: nullableText(fields.subject),
    detail: canonicalJson(fields.detail),
  };
}

export function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: Number(row.seq),
    at: row.at,
    action: row.action as AuditAction,
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

/** JSON with keys sorted at every level, so the same value always has the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The text as a store can keep it exactly: each lone UTF-16 surrogate and each U+0000 written as its
 * `\uXXXX` escape (UTF-8 has no bytes for the first; PostgreSQL refuses the second). The boundaries
 * refuse such text with a 400 first; this keeps anything that still gets here (a header, Graph's own
 * answer) from making the stored entry differ from the hashed one.
 */
export function storableText(text: string): string {
  if (text.isWellFormed() && !text.includes('\0')) return text;
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|\0/g,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function nullableText(text: string | null): string | null {
  return text === null ? null : storableText(text);
}
