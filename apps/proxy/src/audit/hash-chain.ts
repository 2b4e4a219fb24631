import { createHash } from 'node:crypto';

export const AUDIT_ACTIONS = [
  'request',
  'decision',
  'review',
  'forward',
  'outcome',
  'auth_failure',
  'forbidden',
  'read',
  'expired',
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

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Links a batch of entry groups onto the chain after `head`, in order; returns the entries and the
 * new head. Both stores write the batch and the head in one transaction, so the chain moves whole.
 */
export function chainEntries(
  head: ChainHead | undefined,
  batch: AuditFields[][],
): { written: AuditEntry[][]; head: ChainHead } {
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const written = batch.map((entries) =>
    entries.map((fields) => {
      seq += 1;
      const entry: AuditEntry = { seq, prevHash, hash: hashEntry(seq, prevHash, fields), ...fields };
      prevHash = entry.hash;
      return entry;
    }),
  );
  return { written, head: { seq, hash: prevHash } };
}

/** The entry's hash: SHA-256 over the previous hash and the entry's canonical JSON. */
export function hashEntry(seq: number, prevHash: string, fields: AuditFields): string {
  // Only the entry's own fields: a stored row also carries its hashes, which must not hash themselves.
  const { at, action, principal, requestId, graphRequestId, servicePrincipalId, jobId, subject, detail } =
    fields;
  const content = {
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
  };
  return createHash('sha256')
    .update(`${prevHash}\n${canonicalJson(content)}`)
    .digest('hex');
}

export type ChainVerdict =
  | { valid: true; entries: number; head: string }
  | {
      valid: false;
      entries: number;
      firstBadSeq: number;
      problem: 'altered' | 'removed' | 'reordered';
      message: string;
    };

/**
 * Checks a log read in `seq` order against its chain and the stored head (which catches a cut-off end):
 * names the first entry that was altered, removed or reordered.
 */
export function verifyChain(entries: readonly AuditEntry[], head: ChainHead | undefined): ChainVerdict {
  let previous = GENESIS_HASH;
  let expectedSeq = 1;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) {
      const problem = entry.seq > expectedSeq ? 'removed' : 'reordered';
      return {
        valid: false,
        entries: entries.length,
        firstBadSeq: expectedSeq,
        problem,
        message: `entry ${expectedSeq} is ${problem === 'removed' ? 'missing' : 'out of order'} (found ${entry.seq} in its place)`,
      };
    }
    if (entry.prevHash !== previous) {
      return {
        valid: false,
        entries: entries.length,
        firstBadSeq: entry.seq,
        problem: 'reordered',
        message: `entry ${entry.seq} does not follow entry ${entry.seq - 1}: the chain is broken there`,
      };
    }
    if (hashEntry(entry.seq, entry.prevHash, entry) !== entry.hash) {
      return {
        valid: false,
        entries: entries.length,
        firstBadSeq: entry.seq,
        problem: 'altered',
        message: `entry ${entry.seq} was changed after it was written`,
      };
    }
    previous = entry.hash;
    expectedSeq += 1;
  }
  const last = entries.at(-1);
  if (head && (head.seq !== (last?.seq ?? 0) || head.hash !== (last?.hash ?? GENESIS_HASH))) {
    return {
      valid: false,
      entries: entries.length,
      firstBadSeq: (last?.seq ?? 0) + 1,
      problem: 'removed',
      message: `the log ends at entry ${last?.seq ?? 0} but was written up to entry ${head.seq}`,
    };
  }
  return { valid: true, entries: entries.length, head: previous };
}

/** JSON with keys sorted at every level, so the same entry always hashes the same. */
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
