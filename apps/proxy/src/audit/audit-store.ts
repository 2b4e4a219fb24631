import type { AuditEntry, AuditFields, ChainHead, ChainSource, Checkpoint } from '@ondemand/audit-log';

export interface AuditQuery {
  from?: string;
  to?: string;
  principal?: string;
  action?: string;
  requestId?: string;
  jobId?: string;
  subject?: string;
  /** Entries after this `seq`. */
  after?: number;
  limit: number;
}

/**
 * The stored chain is not as the proxy left it (its head row is gone, say): someone edited the
 * database. Appends stop (fail closed) until an operator has looked: `ondemand-proxy audit verify`.
 */
export class AuditChainBroken extends Error {}

/** Where the audit log is kept. Appends happen in one order, decided by the store. */
export interface AuditStore {
  /** Appends entries in one transaction (one disk sync), in order, chained; resolves to the last one's place. */
  appendAudit(entries: AuditFields[]): Promise<ChainHead>;
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** One consistent snapshot of the whole log (read-only), for verification and export; close it after. */
  openChain(): Promise<ChainSource & { close(): Promise<void> }>;
  /** Keeps a signed checkpoint of the chain's head beside the log. */
  addCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /** Forward entries that no outcome entry answers (by request id), oldest first. */
  forwardsWithoutOutcome(): Promise<AuditEntry[]>;
}

/** The message both stores give when the chain's head row is gone. */
export function missingHead(): AuditChainBroken {
  return new AuditChainBroken(
    "the audit chain's head row is missing: the database was edited outside the proxy; nothing is written until an operator has run `ondemand-proxy audit verify`",
  );
}
