import type { AuditEntry, AuditFields, ChainHead } from '../audit/hash-chain.js';
import type { Role } from '../config.js';

export type ApprovalState =
  | 'pending'
  | 'approved'
  | 'denied'
  | 'expired'
  | 'executing'
  | 'completed'
  | 'failed'
  | 'interrupted';

export interface Review {
  principal: string;
  decision: 'approve' | 'deny';
  reason: string;
  at: string;
}

/** A gated request: exactly what was asked (the body, bound by its hash), who may decide, and what came of it. */
export interface ApprovalRecord {
  id: string;
  state: ApprovalState;
  requester: string;
  reason: string | null;
  createdAt: string;
  expiresAt: string;
  apiVersion: 'v1.0' | 'beta';
  servicePrincipalId: string;
  jobId: string;
  body: string;
  bodyHash: string;
  rule: string;
  required: { count: number; roles: Role[] };
  reviews: Review[];
  result: { status: number; body: unknown; graphRequestId: string | null; finishedAt: string } | null;
  /** The replica that claimed it for execution: after a restart it alone marks it interrupted. */
  executedBy?: string;
  /** When the claimed request was about to reach Graph; before it, a crash loses nothing. */
  sendingAt?: string;
}

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

/** The store cannot be reached right now (a database restarting, a network fault): try again later. */
export class StoreUnavailable extends Error {}

/** Why a review was refused; the HTTP layer maps these to 403/404/409. */
export class ReviewRefused extends Error {
  constructor(
    readonly reason: 'not_found' | 'self_review' | 'role' | 'decided' | 'expired' | 'duplicate',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Where the proxy keeps its audit log and approvals. SQLite by default; a shared database when
 * several replicas run. Appends to the audit log happen in one order decided by the store.
 */
export interface ProxyStore {
  /** Appends entries in one transaction (one disk sync), in order, chained. */
  appendAudit(entries: AuditFields[]): Promise<AuditEntry[]>;
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Every entry in `seq` order and the stored head, for verification. */
  readChain(): Promise<{ entries: AuditEntry[]; head: ChainHead | undefined }>;
  createApproval(record: ApprovalRecord): Promise<void>;
  getApproval(id: string): Promise<ApprovalRecord | undefined>;
  listApprovals(state?: ApprovalState): Promise<ApprovalRecord[]>;
  /** Adds a review in one transaction, enforcing every rule; returns the approval after it. */
  review(id: string, review: Review & { roles: Role[] }, now: Date): Promise<ApprovalRecord>;
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
  finishExecution(
    id: string,
    state: 'completed' | 'failed' | 'interrupted',
    result: ApprovalRecord['result'],
  ): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
