import { createHash } from 'node:crypto';
import type { AuditAction } from '@ondemand/core';

export type { AuditAction } from '@ondemand/core';

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

/**
 * An entry as every store keeps it: its place, its canonical JSON text (what the hash covers, byte
 * for byte) and the two hashes. The columns queries filter on are generated from the text by the
 * database, so they cannot say anything the text does not.
 */
export type AuditRow = {
  /** PostgreSQL's BIGINT arrives as a string. */
  seq: number | string;
  entry: string;
  prev_hash: string;
  hash: string;
};

/** What the verifier reads of a row: its place, its two hashes, and exactly the text its hash covers. */
export interface ChainRow {
  seq: number;
  hash: string;
  prevHash: string;
  /** The stored previous hash, a newline, and the stored entry text. */
  hashed: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * The one serialisation of an entry: canonical JSON (keys sorted at every level) of its fields and
 * its place, every string as a store keeps it ({@link storableText}). This text is what is stored and
 * what is hashed, so an entry verifies the same after any round trip through a database, and a stored
 * text that differs in a single byte (a key added twice, another key order) no longer does.
 */
export function entryText(seq: number, fields: AuditFields): string {
  const { at, action, principal, requestId, graphRequestId, servicePrincipalId, jobId, subject, detail } =
    fields;
  return canonicalJson({
    seq,
    at,
    action,
    principal,
    requestId,
    graphRequestId,
    servicePrincipalId,
    jobId,
    subject,
    detail,
  });
}

/** SHA-256 over the previous entry's hash, a newline and this entry's stored text: {@link hashedText}. */
export function entryHash(prevHash: string, entry: string): string {
  return sha256(hashedText(prevHash, entry));
}

/** The exact text an entry's hash covers. */
export function hashedText(prevHash: string, entry: string): string {
  return `${prevHash}\n${entry}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
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
      const entry = entryText(seq, fields);
      const row = { seq, entry, prev_hash: prevHash, hash: entryHash(prevHash, entry) };
      prevHash = row.hash;
      return row;
    }),
  );
  return { written, head: { seq, hash: prevHash } };
}

/** An entry read back: its fields from the stored text, its place and hashes from their columns. */
export function toEntry(row: ChainRow): AuditEntry {
  const entry = row.hashed.slice(row.prevHash.length + 1);
  const { seq: _seq, ...fields } = JSON.parse(entry) as AuditFields & { seq: number };
  return { ...fields, seq: row.seq, prevHash: row.prevHash, hash: row.hash };
}

/**
 * JSON with keys sorted at every level and every string (keys too) as a store keeps it, so the same
 * value always has the same text, and that text survives any database as it is.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .sort()
      .map(
        (key) =>
          `${JSON.stringify(storableText(key))}:${canonicalJson((value as Record<string, unknown>)[key])}`,
      )
      .join(',')}}`;
  }
  return JSON.stringify(typeof value === 'string' ? storableText(value) : (value ?? null));
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
