import type { AuditFields } from '@ondemand/audit-log';
import type { Role } from '../auth/roles.js';
import type { ApprovalRecord, ApprovalState, Review } from './approval.js';

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

/** The audit entries that record a change to an approval, made from the record as written. */
export type EntriesFor = (written: ApprovalRecord) => AuditFields[];

/** Approval records in and out, as every backend keeps them. */
export interface ApprovalReads {
  createApproval(record: ApprovalRecord): Promise<void>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  listApprovals(state?: ApprovalState): Promise<ApprovalRecord[]>;
  /** How many approvals are in `state` (of `requester`, when given): counted by the database, not read. */
  countApprovals(filter: { state: ApprovalState; requester?: string }): Promise<number>;
  /** Approvals, newest first, filtered; each with the cursor that pages on after it. */
  queryApprovals(query: ApprovalQuery): Promise<Array<{ cursor: number; record: ApprovalRecord }>>;
}

/** Where approvals are kept, and every change to them, each in one transaction. */
export interface ApprovalStore extends ApprovalReads {
  /**
   * Withdraws a pending approval (its requester, or an admin); returns it after. Here and below,
   * `entries` are the audit entries of the change, written in its transaction: both or neither.
   */
  withdraw(
    id: string,
    by: { principal: string; admin: boolean },
    now: Date,
    entries?: EntriesFor,
  ): Promise<ApprovalRecord>;
  /** Adds a review in one transaction, enforcing every rule; returns the approval after it. */
  addReview(
    id: string,
    review: Review & { roles: Role[] },
    now: Date,
    entries?: EntriesFor,
  ): Promise<ApprovalRecord>;
  /** Marks a pending approval past its time as expired; returns whether it did. */
  expire(id: string, now: Date, entries?: EntriesFor): Promise<boolean>;
  /** approved → executing by `replica`, once: true only for the one caller that gets to run it. */
  claimForExecution(id: string, replica: string): Promise<boolean>;
  /** Marks a claimed request as about to reach Graph; false when `replica` no longer holds it. */
  markSending(id: string, at: string, replica: string): Promise<boolean>;
  /** executing → approved for a request `owner` claimed that never reached Graph. */
  releaseClaim(id: string, owner: string, knownUnsent?: boolean): Promise<boolean>;
  /** executing → interrupted for a request `owner` claimed that may have reached Graph. */
  interrupt(id: string, owner: string, entries?: EntriesFor): Promise<boolean>;
  /** executing → completed or failed with Graph's answer, if `owner` still holds the run. */
  finishExecution(
    id: string,
    owner: string,
    state: 'completed' | 'failed',
    result: ApprovalRecord['result'],
  ): Promise<boolean>;
}

/** Which replicas are alive: a run's claim stays its replica's while the replica keeps saying so. */
export interface ReplicaStore {
  /** Says this replica is alive (its claims stay its own while it keeps saying so). */
  heartbeat(replica: string, at: string): Promise<void>;
  /** Replicas last heard from before `before`. */
  staleReplicas(before: string): Promise<string[]>;
}
