import { createHash, randomUUID } from 'node:crypto';
import {
  type ApiVersion,
  type Clock,
  isFinalApprovalState,
  type ProvisionOnDemandRequest,
  systemClock,
} from '@ondemand/core';
import type { PolicyRule, Role } from '../config/config.js';
import {
  type ApprovalNames,
  type ApprovalRecord,
  claimHolder,
  DEFAULT_REPLICA,
  type Review,
} from './approval.js';
import type { ApprovalStore, ReplicaStore } from './approval-store.js';

/**
 * What came of running an approved request: Graph answered (`yes`, with its answer), its answer was
 * lost after it may have reached Graph (`unknown`: never sent again), or nothing reached Graph (`no`).
 */
export type Execution =
  | { sent: 'yes'; status: number; body: unknown; graphRequestId: string | null }
  | { sent: 'unknown' }
  | { sent: 'no' };

/**
 * Runs the request through the proxy's one path to Graph (which audits the forward and the outcome);
 * awaits `beforeFirstAttempt` after the rate limit's grant, just before the first byte leaves.
 */
export type Executor = (
  record: ApprovalRecord,
  beforeFirstAttempt: () => Promise<void>,
) => Promise<Execution>;

/** The approval's own audit entries (the forwarder writes `forward` and `outcome`). */
export type AuditWriter = (
  action: 'review' | 'expired' | 'interrupted' | 'withdrawn',
  record: ApprovalRecord,
  detail: Record<string, unknown>,
) => Promise<void>;

export interface ApprovalServiceOptions {
  store: ApprovalStore & ReplicaStore;
  execute: Executor;
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

/**
 * A review that was stored but whose audit entry could not be written: it stands (reviewing again is
 * refused as a duplicate), and the request it decides runs only once the entry is written.
 */
export class ReviewNotYetAudited extends Error {
  readonly code = 'review_not_yet_audited';
  constructor(
    readonly approvalId: string,
    options: { cause: unknown },
  ) {
    super(
      `your review is stored, but the audit log cannot be written now: nothing is forwarded until your review is in it, which the proxy writes as soon as it can (do not review again)`,
      options,
    );
  }
}

/** What a requester asks to be approved. */
export interface ApprovalRequest {
  requester: string;
  reason: string | null;
  apiVersion: ApiVersion;
  servicePrincipalId: string;
  jobId: string;
  body: ProvisionOnDemandRequest;
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
  readonly #running = new Set<Promise<void>>();
  /** Long-polls waiting for a change; every change wakes them all, and each re-reads what it waits on. */
  readonly #waiters = new Set<() => void>();
  readonly #store: ApprovalStore & ReplicaStore;
  readonly #clock: Clock;
  readonly #replica: string;

  constructor(private readonly options: ApprovalServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? systemClock;
    this.#replica = options.replica ?? DEFAULT_REPLICA;
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
        record.body === body &&
        record.expiresAt > now,
    );
  }

  /** Withdraws a pending request (by whoever asked for it, or an admin): it never runs. */
  async withdraw(id: string, by: { principal: string; admin: boolean }): Promise<ApprovalRecord> {
    const withdrawn = await this.#store.withdraw(id, by, this.#now());
    await this.options.audit('withdrawn', withdrawn, { by: by.principal });
    this.options.notify?.('approval.decided', withdrawn);
    this.#wake();
    return withdrawn;
  }

  /** The approval as it is now (a pending one past its time becomes expired on read). */
  async get(id: string): Promise<ApprovalRecord | undefined> {
    const record = await this.#store.getApproval(id);
    if (
      record?.state === 'pending' &&
      this.#now().toISOString() >= record.expiresAt &&
      (await this.#store.expire(id, this.#now()))
    ) {
      const expired = (await this.#store.getApproval(id))!;
      await this.options.audit('expired', expired, {});
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
    );
    try {
      await this.options.audit('review', updated, {
        reviewer: reviewer.principal,
        decision,
        reason,
        state: updated.state,
      });
    } catch (error) {
      // Stored, not yet in the log: nothing runs until it is (`run` writes it first), so say that.
      throw new ReviewNotYetAudited(id, { cause: error });
    }
    if (updated.state !== 'pending') this.options.notify?.('approval.decided', updated);
    if (updated.state === 'approved') this.#track(this.run(id));
    this.#wake();
    return updated;
  }

  /**
   * Runs an approved request if nobody else has: the store's claim makes it exactly once. First, every
   * review of it must be in the audit log (one whose entry could not be written when it was given is
   * written now): no request runs without the log saying who approved it.
   */
  async run(id: string): Promise<void> {
    if (!(await this.#store.claimForExecution(id, this.#replica))) return;
    const record = (await this.#store.getApproval(id))!;
    try {
      await this.#auditMissingReviews(record);
    } catch (error) {
      this.options.onError?.(
        `approval ${id}: its reviews are not all in the audit log yet (${(error as Error).message}); it runs once they are`,
      );
      await this.#persisting(async () => {
        await this.#store.releaseClaim(id, this.#replica, true);
      });
      return;
    }
    let marked = false;
    // Just before the first attempt reaches Graph (after the rate limit's grant): from here on a
    // crash ends `interrupted`; refused (and so not sent) when this replica lost its claim.
    const beforeFirstAttempt = async () => {
      if (!(await this.#store.markSending(id, this.#now().toISOString(), this.#replica)))
        throw new Error('this replica no longer holds the run (its lease ran out): not sent');
      marked = true;
    };
    let execution: Execution;
    try {
      execution = await this.options.execute(record, beforeFirstAttempt);
    } catch (error) {
      this.options.onError?.(`approval ${id}: ${(error as Error).message}`);
      execution = marked ? { sent: 'unknown' } : { sent: 'no' };
    }
    if (execution.sent === 'no') {
      // Nothing reached Graph (the limiter's or the store's backend away, no token, a full queue):
      // back to approved, and a later sweep runs it.
      await this.#persisting(async () => {
        await this.#store.releaseClaim(id, this.#replica, true);
      });
    } else if (execution.sent === 'unknown') {
      await this.#persisting(() =>
        this.#interrupt(record, this.#replica, 'its answer was lost after it was sent'),
      );
    } else {
      const state = execution.status >= 200 && execution.status < 300 ? 'completed' : 'failed';
      const { sent: _sent, ...result } = execution;
      await this.#persisting(async () => {
        await this.#store.finishExecution(id, this.#replica, state, {
          ...result,
          finishedAt: this.#now().toISOString(),
        });
      });
    }
    this.#wake();
  }

  /**
   * Retries a store write for a while (a database restarting takes seconds). If it never lands the
   * approval stays `executing` until this replica restarts or its lease runs out; then it is taken
   * back (interrupted, since it was sent): never run twice.
   */
  async #persisting(write: () => Promise<void>): Promise<void> {
    const deadline = this.#clock.now() + (this.options.storeRetryMs ?? 60_000);
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        return await write();
      } catch (error) {
        if (this.#clock.now() + delay > deadline) throw error;
        await new Promise((resolve) => this.#clock.setTimeout(() => resolve(undefined), delay));
      }
    }
  }

  /**
   * After a restart: approved requests that never started run now, and so do this replica's claimed
   * runs that never reached Graph; one that may have reached Graph is marked interrupted, never run
   * twice.
   */
  async recover(): Promise<void> {
    // Alive first, so no other replica's sweep takes these runs back while this one does.
    await this.#store.heartbeat(this.#replica, this.#now().toISOString());
    // Another replica's run is its own business while its lease lasts: it may still be running.
    for (const record of await this.#store.listApprovals('executing'))
      if (claimHolder(record) === this.#replica) await this.#takeBack(record);
    await this.sweep();
  }

  /**
   * Says this replica is alive, takes back the runs of replicas silent for longer than the lease,
   * expires pending approvals past their time (each with its `expired` entry), and runs approved
   * requests nobody has started (the replica that took the deciding review may
   * have died before it claimed the run). Called at start and now and then; claims keep it to once.
   */
  async sweep(): Promise<void> {
    const now = this.#now();
    await this.#store.heartbeat(this.#replica, now.toISOString());
    const silent = new Set(
      await this.#store.staleReplicas(
        new Date(now.getTime() - (this.options.leaseMs ?? 60_000)).toISOString(),
      ),
    );
    silent.delete(this.#replica);
    if (silent.size > 0)
      for (const record of await this.#store.listApprovals('executing'))
        if (silent.has(claimHolder(record))) await this.#takeBack(record);
    // Pending past its time: expired now, with its entry, not only when someone next opens it.
    for (const record of await this.#store.listApprovals('pending'))
      if (now.toISOString() >= record.expiresAt) await this.get(record.id);
    for (const record of await this.#store.listApprovals('approved')) this.#track(this.run(record.id));
  }

  /** Writes the `review` entries the audit log lacks for this approval (stored when the log was away). */
  async #auditMissingReviews(record: ApprovalRecord): Promise<void> {
    const audited = new Set(await this.options.auditedReviewers(record));
    for (const review of record.reviews)
      if (!audited.has(review.principal))
        await this.options.audit('review', record, {
          reviewer: review.principal,
          decision: review.decision,
          reason: review.reason,
          reviewedAt: review.at,
          recordedLate: 'stored when the audit log could not be written; written before the request ran',
        });
  }

  /** A dead replica's run: back to approved if it never reached Graph, else interrupted. */
  async #takeBack(record: ApprovalRecord): Promise<void> {
    const owner = claimHolder(record);
    if (!record.sendingAt) {
      await this.#store.releaseClaim(record.id, owner);
      return;
    }
    await this.#interrupt(record, owner, 'the replica running it stopped while it was being sent');
  }

  async #interrupt(record: ApprovalRecord, owner: string, why: string): Promise<void> {
    if (await this.#store.interrupt(record.id, owner))
      await this.options.audit('interrupted', record, {
        note: `${why}: it may have run, and it is not sent again`,
      });
  }

  /** Resolves when every run in flight has finished (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  #track(run: Promise<void>): void {
    this.#running.add(run);
    void run
      .catch((error: Error) => this.options.onError?.(`approval run: ${error.message}`))
      .finally(() => this.#running.delete(run));
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}
