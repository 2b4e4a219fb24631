import type { ApprovalStore, ReplicaStore } from '../approvals/approval-store.js';
import type { ApprovalRecords, ApprovalTransitions } from '../approvals/approval-transitions.js';
import type { AuditStore } from '../audit/audit-store.js';
import type { ConsoleSessionStore } from '../console/console-session-store.js';
import type { IdempotencyStore } from '../idempotency/idempotency-store.js';

/** The store cannot be reached or written right now (a database restarting, a full disk): try again later. */
export class StoreUnavailable extends Error {}

/** A store's own life: whether it can take a write now, and closing it. */
export interface StoreLifecycle {
  /** Resolves when a write commits; throws {@link StoreUnavailable} when it cannot. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Where the proxy keeps its audit log, approvals, `Idempotency-Key`s and replicas: the concepts'
 * ports together, each service taking only its own. SQLite by default; PostgreSQL for replicas.
 */
export type ProxyStore = AuditStore &
  ApprovalStore &
  IdempotencyStore &
  ReplicaStore &
  ConsoleSessionStore &
  StoreLifecycle;

/** A backend's concept stores, each owning its own tables. */
export interface ConceptStores {
  audit: AuditStore;
  approvals: ApprovalRecords;
  transitions: ApprovalTransitions;
  idempotency: IdempotencyStore;
  replicas: ReplicaStore;
  consoleSessions: ConsoleSessionStore;
}

/**
 * A backend as one {@link ProxyStore}: each method handed to the concept store that owns it. Written
 * out rather than copied in a loop, so the compiler checks every one.
 */
export abstract class ComposedStore implements ProxyStore {
  constructor(readonly parts: ConceptStores) {}

  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;

  appendAudit(...args: Parameters<AuditStore['appendAudit']>) {
    return this.parts.audit.appendAudit(...args);
  }
  queryAudit(...args: Parameters<AuditStore['queryAudit']>) {
    return this.parts.audit.queryAudit(...args);
  }
  openChain() {
    return this.parts.audit.openChain();
  }
  addCheckpoint(...args: Parameters<AuditStore['addCheckpoint']>) {
    return this.parts.audit.addCheckpoint(...args);
  }
  forwardsWithoutOutcome() {
    return this.parts.audit.forwardsWithoutOutcome();
  }

  createApproval(...args: Parameters<ApprovalStore['createApproval']>) {
    return this.parts.approvals.createApproval(...args);
  }
  getApproval(...args: Parameters<ApprovalStore['getApproval']>) {
    return this.parts.approvals.getApproval(...args);
  }
  listApprovals(...args: Parameters<ApprovalStore['listApprovals']>) {
    return this.parts.approvals.listApprovals(...args);
  }
  countApprovals(...args: Parameters<ApprovalStore['countApprovals']>) {
    return this.parts.approvals.countApprovals(...args);
  }
  queryApprovals(...args: Parameters<ApprovalStore['queryApprovals']>) {
    return this.parts.approvals.queryApprovals(...args);
  }
  withdraw(...args: Parameters<ApprovalStore['withdraw']>) {
    return this.parts.transitions.withdraw(...args);
  }
  addReview(...args: Parameters<ApprovalStore['addReview']>) {
    return this.parts.transitions.addReview(...args);
  }
  expire(...args: Parameters<ApprovalStore['expire']>) {
    return this.parts.transitions.expire(...args);
  }
  claimForExecution(...args: Parameters<ApprovalStore['claimForExecution']>) {
    return this.parts.transitions.claimForExecution(...args);
  }
  markSending(...args: Parameters<ApprovalStore['markSending']>) {
    return this.parts.transitions.markSending(...args);
  }
  releaseClaim(...args: Parameters<ApprovalStore['releaseClaim']>) {
    return this.parts.transitions.releaseClaim(...args);
  }
  interrupt(...args: Parameters<ApprovalStore['interrupt']>) {
    return this.parts.transitions.interrupt(...args);
  }
  finishExecution(...args: Parameters<ApprovalStore['finishExecution']>) {
    return this.parts.transitions.finishExecution(...args);
  }

  claimIdempotencyKey(...args: Parameters<IdempotencyStore['claimIdempotencyKey']>) {
    return this.parts.idempotency.claimIdempotencyKey(...args);
  }
  answerIdempotencyKey(...args: Parameters<IdempotencyStore['answerIdempotencyKey']>) {
    return this.parts.idempotency.answerIdempotencyKey(...args);
  }
  releaseIdempotencyKey(...args: Parameters<IdempotencyStore['releaseIdempotencyKey']>) {
    return this.parts.idempotency.releaseIdempotencyKey(...args);
  }
  unansweredIdempotencyKeys(...args: Parameters<IdempotencyStore['unansweredIdempotencyKeys']>) {
    return this.parts.idempotency.unansweredIdempotencyKeys(...args);
  }

  putConsoleRecord(...args: Parameters<ConsoleSessionStore['putConsoleRecord']>) {
    return this.parts.consoleSessions.putConsoleRecord(...args);
  }
  getConsoleRecord(...args: Parameters<ConsoleSessionStore['getConsoleRecord']>) {
    return this.parts.consoleSessions.getConsoleRecord(...args);
  }
  deleteConsoleRecord(...args: Parameters<ConsoleSessionStore['deleteConsoleRecord']>) {
    return this.parts.consoleSessions.deleteConsoleRecord(...args);
  }
  deleteExpiredConsoleRecords(...args: Parameters<ConsoleSessionStore['deleteExpiredConsoleRecords']>) {
    return this.parts.consoleSessions.deleteExpiredConsoleRecords(...args);
  }

  heartbeat(...args: Parameters<ReplicaStore['heartbeat']>) {
    return this.parts.replicas.heartbeat(...args);
  }
  staleReplicas(...args: Parameters<ReplicaStore['staleReplicas']>) {
    return this.parts.replicas.staleReplicas(...args);
  }
}
