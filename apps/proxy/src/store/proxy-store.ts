import type { ApprovalRecord, ApprovalState, Review } from '../approvals/approval.js';
import type { Checkpoint } from '../audit/checkpoint.js';
import type { AuditEntry, AuditFields, ChainHead } from '../audit/stored-entry.js';
import type { ChainSource } from '../audit/verify-chain.js';
import type { Role } from '../config.js';

export type { ApprovalRecord, ApprovalState, Review };

export interface AuditQuery {
  from?: string;
  to?: string;
  principal?: string;
  action?: string;
  jobId?: string;
  subject?: string;
  /** Entries after this `seq`. */
  after?: number;
  limit: number;
}

/** The store cannot be reached or written right now (a database restarting, a full disk): try again later. */
export class StoreUnavailable extends Error {}

/**
 * The stored chain is not as the proxy left it (its head row is gone, say): someone edited the
 * database. Appends stop (fail closed) until an operator has looked: `ondemand-proxy audit verify`.
 */
export class AuditChainBroken extends Error {}

/**
 * Where the proxy keeps its audit log and approvals. SQLite by default; a shared database when
 * several replicas run. Appends to the audit log happen in one order decided by the store.
 */
export interface ProxyStore {
  /** Appends entries in one transaction (one disk sync), in order, chained; resolves to the last one's place. */
  appendAudit(entries: AuditFields[]): Promise<ChainHead>;
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** One consistent snapshot of the whole log (read-only), for verification and export; close it after. */
  openChain(): Promise<ChainSource & { close(): Promise<void> }>;
  /** Keeps a signed checkpoint of the chain's head beside the log. */
  addCheckpoint(checkpoint: Checkpoint): Promise<void>;
  /** Forward entries that no outcome entry answers (by request id), oldest first. */
  forwardsWithoutOutcome(): Promise<AuditEntry[]>;
  /** Of these request ids, the ones that already have an outcome entry. */
  withOutcome(requestIds: string[]): Promise<Set<string>>;
  createApproval(record: ApprovalRecord): Promise<void>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  listApprovals(state?: ApprovalState): Promise<ApprovalRecord[]>;
  /** Adds a review in one transaction, enforcing every rule; returns the approval after it. */
  addReview(id: string, review: Review & { roles: Role[] }, now: Date): Promise<ApprovalRecord>;
  /** Marks a pending approval past its time as expired; returns whether it did. */
  expire(id: string, now: Date): Promise<boolean>;
  /** approved → executing by `replica`, once: true only for the one caller that gets to run it. */
  claimForExecution(id: string, replica: string): Promise<boolean>;
  /** Marks a claimed request as about to reach Graph; false when `replica` no longer holds it. */
  markSending(id: string, at: string, replica: string): Promise<boolean>;
  /** executing → approved for a request `owner` claimed that never reached Graph. */
  releaseClaim(id: string, owner: string, knownUnsent?: boolean): Promise<boolean>;
  /** executing → interrupted for a request `owner` claimed that may have reached Graph. */
  interrupt(id: string, owner: string): Promise<boolean>;
  /** Says this replica is alive (its claims stay its own while it keeps saying so). */
  heartbeat(replica: string, at: string): Promise<void>;
  /** Replicas last heard from before `before`. */
  staleReplicas(before: string): Promise<string[]>;
  /** executing → completed or failed with Graph's answer, if `owner` still holds the run. */
  finishExecution(
    id: string,
    owner: string,
    state: 'completed' | 'failed',
    result: ApprovalRecord['result'],
  ): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
