import { createHash, randomUUID } from 'node:crypto';
import {
  type ApiVersion,
  type Clock,
  isFinalApprovalState,
  type JobAction,
  type JobActionBody,
  type ProvisionOnDemandRequest,
  systemClock,
} from '@ondemand/core';
import type { Role } from '../auth/roles.js';
import type { PolicyRule } from '../policy/policy-schema.js';
import { type ApprovalNames, type ApprovalRecord, DEFAULT_REPLICA, type Review } from './approval.js';
import type { ApprovalQuery, ApprovalStore, ReplicaStore } from './approval-store.js';
import { ApprovedRuns, type AuditWriter, type EntryFor, type Executor } from './approved-runs.js';

export type { AuditWriter, EntryFor, Execution, Executor } from './approved-runs.js';

export interface ApprovalServiceOptions {
  store: ApprovalStore & ReplicaStore;
  execute: Executor;
  /** Builds an entry written in the same transaction as the change it records (both or neither). */
  entry: EntryFor;
  /** Writes an entry on its own: a review the log lacks (stored before reviews and entries were one). */
  audit: AuditWriter;
  /** Who has a `review` entry in the audit log for this approval: nothing runs before its reviews do. */
  auditedReviewers: (record: ApprovalRecord) => Promise<string[]>;
  /** Time for expiry, long-polls, leases and retries (a fake one in tests). */
  clock?: Clock;
  notify?: (event: 'approval.created' | 'approval.decided', record: ApprovalRecord) => void;
  /** This process's name among replicas: its claims are its own to recover after a restart. */
  replica?: string | undefined;
  /** How often a long-poll re-reads the store: another replica may decide the approval. */
  pollMs?: number;
  /** How long a silent replica keeps its claimed runs before others take them back (default 60 s). */
  leaseMs?: number;
  /** How long a run keeps retrying store writes before it gives up (default 60 s). */
  storeRetryMs?: number;
  /** Told about failures of background runs (the caller that approved has its answer already). */
  onError?: (message: string) => void;
}

/** What a requester asks to be approved. */
export interface ApprovalRequest {
  requester: string;
  reason: string | null;
  apiVersion: ApiVersion;
  servicePrincipalId: string;
  jobId: string;
  /** A job action (`restart`); absent for a provisionOnDemand. */
  action?: JobAction;
  /** What runs: a provisionOnDemand's body, or the action's (a restart's criteria). */
  body: ProvisionOnDemandRequest | JobActionBody;
  rule: string;
  approvals: NonNullable<PolicyRule['approvals']>;
  /** Display names for the approvers. */
  names?: ApprovalNames;
}

/**
 * The approval life cycle: create (binding the exact body by its hash), review (the store enforces
 * who may and when), run once when the threshold is met, keep the result for the requester.
 */
export class ApprovalService {
  readonly #runs: ApprovedRuns;
  /** Long-polls waiting for a change; every change wakes them all, and each re-reads what it waits on. */
  readonly #waiters = new Set<() => void>();
  /** Changes this process made to approvals (see {@link changeStamp}). */
  #changes = 0;
  readonly #store: ApprovalStore & ReplicaStore;
  readonly #clock: Clock;

  constructor(private readonly options: ApprovalServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#runs = new ApprovedRuns({
      ...options,
      clock: this.#clock,
      replica: options.replica ?? DEFAULT_REPLICA,
      onChange: () => this.#wake(),
      expireDue: (id) => this.get(id),
    });
  }

  #now(): Date {
    return new Date(this.#clock.now());
  }

  async create(request: ApprovalRequest): Promise<ApprovalRecord> {
    const body = JSON.stringify(request.body);
    const created = this.#now();
    const record: ApprovalRecord = {
      id: randomUUID(),
      state: 'pending',
      requester: request.requester,
      reason: request.reason,
      createdAt: created.toISOString(),
      expiresAt: new Date(created.getTime() + request.approvals.expiresInMinutes * 60_000).toISOString(),
      apiVersion: request.apiVersion,
      servicePrincipalId: request.servicePrincipalId,
      jobId: request.jobId,
      ...(request.action ? { action: request.action } : {}),
      body,
      bodyHash: createHash('sha256').update(body).digest('hex'),
      rule: request.rule,
      required: { count: request.approvals.count, roles: request.approvals.roles as Role[] },
      reviews: [],
      result: null,
      ...(request.names ? { names: request.names } : {}),
    };
    await this.#store.createApproval(record);
    this.#wake();
    this.options.notify?.('approval.created', record);
    return record;
  }

  /**
   * A pending request of this requester for exactly this call, if there is one: asking again while
   * one waits gets that one, not a second for an approver to run as well.
   */
  async findPending(request: ApprovalRequest): Promise<ApprovalRecord | undefined> {
    const body = JSON.stringify(request.body);
    const now = this.#now().toISOString();
    return (await this.#store.listApprovals('pending')).find(
      (record) =>
        record.requester === request.requester &&
        record.apiVersion === request.apiVersion &&
        record.servicePrincipalId === request.servicePrincipalId &&
        record.jobId === request.jobId &&
        record.action === request.action &&
        record.body === body &&
        record.expiresAt > now,
    );
  }

  /** How many of this requester's requests wait for approval. */
  async pendingOf(requester: string): Promise<number> {
    return (await this.#store.listApprovals('pending')).filter((record) => record.requester === requester)
      .length;
  }

  /** Withdraws a pending request (by whoever asked for it, or an admin): it never runs. */
  async withdraw(id: string, by: { principal: string; admin: boolean }): Promise<ApprovalRecord> {
    const withdrawn = await this.#store.withdraw(id, by, this.#now(), (written) => [
      this.options.entry('withdrawn', written, { by: by.principal }),
    ]);
    this.options.notify?.('approval.decided', withdrawn);
    this.#wake();
    return withdrawn;
  }

  /** The approval as stored, nothing written (who may see it is decided on this, before any expiry). */
  stored(id: string): Promise<ApprovalRecord | undefined> {
    return this.#store.getApproval(id);
  }

  /** A page of approvals, newest first, filtered; each with the cursor that pages on after it. */
  page(query: ApprovalQuery): Promise<Array<{ cursor: number; record: ApprovalRecord }>> {
    return this.#store.queryApprovals(query);
  }

  /** The approval as it is now (a pending one past its time becomes expired on read). */
  async get(id: string): Promise<ApprovalRecord | undefined> {
    const record = await this.#store.getApproval(id);
    if (
      record?.state === 'pending' &&
      this.#now().toISOString() >= record.expiresAt &&
      (await this.#store.expire(id, this.#now(), (written) => [this.options.entry('expired', written, {})]))
    ) {
      const expired = (await this.#store.getApproval(id))!;
      this.options.notify?.('approval.decided', expired);
      this.#wake();
      return expired;
    }
    return record;
  }

  /**
   * Waits up to `ms` for the approval to reach a final state (for `Prefer: wait=N` on a held POST and
   * its result). The caller has already checked that it may see this approval.
   */
  waitForDecision(id: string, ms: number): Promise<ApprovalRecord | undefined> {
    return this.waitWhile(
      () => this.get(id),
      (current) => current !== undefined && !isFinalApprovalState(current.state),
      ms,
    );
  }

  /**
   * Waits up to `ms` while the approval's tag (`tagOf`, one that changes with each review and state)
   * is still `known`: for a caller that follows every change, not only the decision.
   */
  waitForChange(
    id: string,
    ms: number,
    known: string,
    tagOf: (record: ApprovalRecord) => string,
  ): Promise<ApprovalRecord | undefined> {
    return this.waitWhile(
      () => this.get(id),
      (current) => current !== undefined && tagOf(current) === known,
      ms,
    );
  }

  /**
   * Reads with `read` until `unchanged` says what it read has changed, or `ms` pass, and gives the
   * last read. Woken at once by any change this process makes to an approval; re-reads now and then
   * for changes made by another replica.
   */
  async waitWhile<T>(read: () => Promise<T>, unchanged: (value: T) => boolean, ms: number): Promise<T> {
    const deadline = this.#clock.now() + ms;
    for (;;) {
      const current = await read();
      const left = deadline - this.#clock.now();
      if (!unchanged(current) || left <= 0) return current;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#clock.clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = this.#clock.setTimeout(wake, Math.min(left, this.options.pollMs ?? 1_000));
        this.#waiters.add(wake);
      });
    }
  }

  /** Records a review; when it completes the threshold, runs the request (once) in the background. */
  async review(
    id: string,
    reviewer: { principal: string; roles: Role[] },
    decision: Review['decision'],
    reason: string,
  ): Promise<ApprovalRecord> {
    // The review and its entry in one transaction: a review the log cannot take is not stored either.
    const updated = await this.#store.addReview(
      id,
      {
        principal: reviewer.principal,
        roles: reviewer.roles,
        decision,
        reason,
        at: this.#now().toISOString(),
      },
      this.#now(),
      (written) => [
        this.options.entry('review', written, {
          reviewer: reviewer.principal,
          decision,
          reason,
          state: written.state,
        }),
      ],
    );
    if (updated.state !== 'pending') this.options.notify?.('approval.decided', updated);
    if (updated.state === 'approved') this.#runs.start(id);
    this.#wake();
    return updated;
  }

  /** Runs an approved request if nobody else has (see {@link ApprovedRuns.run}). */
  run(id: string): Promise<void> {
    return this.#runs.run(id);
  }

  /** After a restart: this replica's runs taken back, then a sweep (see {@link ApprovedRuns.recover}). */
  recover(): Promise<void> {
    return this.#runs.recover();
  }

  /** Heartbeat, expiry, lease take-backs and runs nobody started (see {@link ApprovedRuns.sweep}). */
  sweep(): Promise<void> {
    return this.#runs.sweep();
  }

  /** Resolves when every run in flight has finished (graceful shutdown). */
  drain(): Promise<void> {
    return this.#runs.drain();
  }

  /**
   * What changed, as a stamp: this process's changes, and the poll interval it is in (another
   * replica's changes are seen only by reading again). Reads shared under one stamp see the same data.
   */
  changeStamp(): string {
    return `${this.#changes}:${Math.floor(this.#clock.now() / (this.options.pollMs ?? 1_000))}`;
  }

  #wake(): void {
    this.#changes += 1;
    for (const wake of [...this.#waiters]) wake();
  }
}
