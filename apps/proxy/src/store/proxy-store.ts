import type { AuditEntry, AuditFields, ChainHead, ChainSource, Checkpoint } from '@ondemand/audit-log';
import type { ApprovalRecord, ApprovalState, Review } from '../approvals/approval.js';
import type { Role } from '../config.js';

export type { ApprovalRecord, ApprovalState, Review };

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

export interface ApprovalQuery {
  state?: ApprovalState;
  requester?: string;
  servicePrincipalId?: string;
  /** Created at or after this instant (ISO 8601). */
  from?: string;
  /** Created before this instant. */
  to?: string;
  /** Only those older than this cursor (from an earlier page). */
  before?: number;
  limit: number;
}

/** What a reused `Idempotency-Key` is answered with: the first answer, or the approval it made. */
export type IdempotentAnswer =
  | { kind: 'answer'; status: number; headers: Record<string, string>; body: string }
  | { kind: 'approval'; id: string };

/** A first request's claim on an `Idempotency-Key`: whose key, for which request, by which replica, when. */
export interface IdempotencyKeyClaim {
  principal: string;
  key: string;
  requestHash: string;
  requestId: string;
  replica: string;
  at: string;
}

/** What claiming an `Idempotency-Key` found. */
export type IdempotencyClaim =
  | { kind: 'claimed' }
  /** The key was used for another request: 422. */
  | { kind: 'mismatch' }
  /** The first request with this key is still being answered: 409. */
  | { kind: 'in_flight' }
  | { kind: 'answered'; answer: IdempotentAnswer };

/** An `Idempotency-Key` whose first request was still being answered when its replica stopped. */
export interface UnansweredKey {
  principal: string;
  key: string;
  requestId: string;
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
  /** Approvals, newest first, filtered; each with the cursor that pages on after it. */
  queryApprovals(query: ApprovalQuery): Promise<Array<{ cursor: number; record: ApprovalRecord }>>;
  /** Withdraws a pending approval (its requester, or an admin); returns it after. */
  withdraw(id: string, by: { principal: string; admin: boolean }, now: Date): Promise<ApprovalRecord>;
  /**
   * Takes an `Idempotency-Key` for a request (by its hash) in one transaction, forgetting one used
   * before `expiresBefore`: the first request with a key claims it; later ones learn what it got.
   */
  claimIdempotencyKey(claim: IdempotencyKeyClaim, expiresBefore: string): Promise<IdempotencyClaim>;
  /** Keeps the first request's answer for the key's reuse. */
  answerIdempotencyKey(principal: string, key: string, answer: IdempotentAnswer): Promise<void>;
  /** Lets the key go (nothing was done for it: the next request with it is a first one). */
  releaseIdempotencyKey(principal: string, key: string): Promise<void>;
  /** This replica's keys whose first request was never answered (it stopped meanwhile). */
  unansweredIdempotencyKeys(replica: string): Promise<UnansweredKey[]>;
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
