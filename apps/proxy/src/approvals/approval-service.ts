import { createHash, randomUUID } from 'node:crypto';
import type { ProvisionOnDemandRequest } from '@ondemand/core';
import type { PolicyRule, Role } from '../config.js';
import type { ApprovalRecord, ProxyStore, Review } from '../store/proxy-store.js';
import { claimHolder, DEFAULT_REPLICA } from './review-rules.js';

/** What running an approved request yields: Graph's status and body. */
export interface Execution {
  status: number;
  body: unknown;
  graphRequestId: string | null;
}

/** Runs the request; awaits `beforeSend` after the rate limit's grant, just before it reaches Graph. */
export type Executor = (record: ApprovalRecord, beforeSend: () => Promise<void>) => Promise<Execution>;
export type AuditWriter = (
  action: 'review' | 'forward' | 'outcome' | 'expired' | 'interrupted',
  record: ApprovalRecord,
  detail: Record<string, unknown>,
) => Promise<void>;

/**
 * The approval life cycle: create (binding the exact body by its hash), review (the store enforces
 * who may and when), run once when the threshold is met, keep the result for the requester.
 */
export class ApprovalService {
  readonly #running = new Set<Promise<void>>();
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly store: ProxyStore,
    private readonly execute: Executor,
    private readonly audit: AuditWriter,
    private readonly now: () => Date = () => new Date(),
    private readonly notify: (
      event: 'approval.created' | 'approval.decided',
      record: ApprovalRecord,
    ) => void = () => {},
    private readonly options: {
      /** This process's name among replicas: its claims are its own to recover after a restart. */
      replica?: string;
      /** How often a long-poll re-reads the store: another replica may decide the approval. */
      pollMs?: number;
      /** How long a silent replica keeps its claimed runs before others take them back (default 60 s). */
      leaseMs?: number;
      /** How long a run keeps retrying store writes before it gives up (default 60 s). */
      storeRetryMs?: number;
      /** Told about failures of background runs (the caller that approved has its answer already). */
      onError?: (message: string) => void;
    } = {},
  ) {}

  get #replica(): string {
    return this.options.replica ?? DEFAULT_REPLICA;
  }

  async create(request: {
    requester: string;
    reason: string | null;
    apiVersion: 'v1.0' | 'beta';
    servicePrincipalId: string;
    jobId: string;
    body: ProvisionOnDemandRequest;
    rule: string;
    approvals: NonNullable<PolicyRule['approvals']>;
  }): Promise<ApprovalRecord> {
    const body = JSON.stringify(request.body);
    const created = this.now();
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
    };
    await this.store.createApproval(record);
    this.notify('approval.created', record);
    return record;
  }

  /** The approval as it is now (a pending one past its time becomes expired on read). */
  async get(id: string): Promise<ApprovalRecord | undefined> {
    const record = await this.store.getApproval(id);
    if (
      record?.state === 'pending' &&
      this.now().toISOString() >= record.expiresAt &&
      (await this.store.expire(id, this.now()))
    ) {
      const expired = (await this.store.getApproval(id))!;
      await this.audit('expired', expired, {});
      this.notify('approval.decided', expired);
      this.#wake(id);
      return expired;
    }
    return record;
  }

  /** Waits up to `ms` for the approval to reach a final state (for `Prefer: wait=N`). */
  async waitForDecision(id: string, ms: number): Promise<ApprovalRecord | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const current = await this.get(id);
      const left = deadline - Date.now();
      if (!current || isFinal(current.state) || left <= 0) return current;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.get(id)?.delete(wake);
          resolve();
        };
        // Woken at once by a review in this process; re-reads now and then for one in another replica.
        const timer = setTimeout(wake, Math.min(left, this.options.pollMs ?? 1_000));
        if (!this.#waiters.has(id)) this.#waiters.set(id, new Set());
        this.#waiters.get(id)!.add(wake);
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
    const updated = await this.store.review(
      id,
      {
        principal: reviewer.principal,
        roles: reviewer.roles,
        decision,
        reason,
        at: this.now().toISOString(),
      },
      this.now(),
    );
    await this.audit('review', updated, {
      reviewer: reviewer.principal,
      decision,
      reason,
      state: updated.state,
    });
    if (updated.state !== 'pending') this.notify('approval.decided', updated);
    if (updated.state === 'approved') this.#track(this.run(id));
    this.#wake(id);
    return updated;
  }

  /** Runs an approved request if nobody else has: the store's claim makes it exactly once. */
  async run(id: string): Promise<void> {
    if (!(await this.store.claimForExecution(id, this.#replica))) return;
    const record = (await this.store.getApproval(id))!;
    let execution: Execution;
    let sending = false;
    // Just before the call reaches Graph (after the rate limit's grant): the mark that makes a crash
    // from here on end `interrupted` (refused if the claim was lost), then the forward entry (no
    // entry, no call: fail closed).
    const beforeSend = async () => {
      if (!(await this.store.markSending(id, this.now().toISOString(), this.#replica)))
        throw new Error('this replica no longer holds the run (its lease ran out): not sent');
      await this.audit('forward', record, { bodyHash: record.bodyHash });
      sending = true;
    };
    try {
      execution = await this.execute(record, beforeSend);
    } catch (error) {
      execution = {
        status: 502,
        body: { error: { code: 'UpstreamFailed', message: (error as Error).message } },
        graphRequestId: null,
      };
    }
    if (!sending && execution.status >= 500) {
      // Failed before it reached Graph (the limiter's or the store's backend away, no token): nothing
      // was sent, so it goes back to approved and a later sweep runs it.
      await this.#persisting(async () => {
        await this.store.releaseClaim(id, this.#replica, true);
      });
      return;
    }
    await this.#finish(record, execution);
  }

  /** Keeps the result and audits the outcome, waiting out a store that is briefly away. */
  async #finish(record: ApprovalRecord, execution: Execution): Promise<void> {
    const state = execution.status >= 200 && execution.status < 300 ? 'completed' : 'failed';
    const finishedAt = this.now().toISOString();
    await this.#persisting(() => this.store.finishExecution(record.id, state, { ...execution, finishedAt }));
    await this.#persisting(() =>
      this.audit(
        'outcome',
        { ...record, state },
        { status: execution.status, graphRequestId: execution.graphRequestId },
      ),
    );
    this.#wake(record.id);
  }

  /**
   * Retries a store write for a while (a database restarting takes seconds). If it never lands the
   * approval stays `executing` until this replica restarts or its lease runs out; then it is taken
   * back (interrupted, since it was sent): never run twice.
   */
  async #persisting(write: () => Promise<void>): Promise<void> {
    const deadline = Date.now() + (this.options.storeRetryMs ?? 60_000);
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        return await write();
      } catch (error) {
        if (Date.now() + delay > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
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
    await this.store.heartbeat(this.#replica, this.now().toISOString());
    // Another replica's run is its own business while its lease lasts: it may still be running.
    for (const record of await this.store.listApprovals('executing'))
      if (claimHolder(record) === this.#replica) await this.#takeBack(record);
    await this.sweep();
  }

  /**
   * Says this replica is alive, takes back the runs of replicas silent for longer than the lease,
   * and runs approved requests nobody has started (the replica that took the deciding review may
   * have died before it claimed the run). Called at start and now and then; claims keep it to once.
   */
  async sweep(): Promise<void> {
    const now = this.now();
    await this.store.heartbeat(this.#replica, now.toISOString());
    const silent = new Set(
      await this.store.staleReplicas(
        new Date(now.getTime() - (this.options.leaseMs ?? 60_000)).toISOString(),
      ),
    );
    silent.delete(this.#replica);
    if (silent.size > 0)
      for (const record of await this.store.listApprovals('executing'))
        if (silent.has(claimHolder(record))) await this.#takeBack(record);
    for (const record of await this.store.listApprovals('approved')) this.#track(this.run(record.id));
  }

  /** A dead replica's run: back to approved if it never reached Graph, else interrupted. */
  async #takeBack(record: ApprovalRecord): Promise<void> {
    const owner = claimHolder(record);
    if (!record.sendingAt) {
      await this.store.releaseClaim(record.id, owner);
      return;
    }
    if (await this.store.interrupt(record.id, owner))
      await this.audit('interrupted', record, {
        note: 'the replica running this request stopped while it was being sent; it was not sent again',
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

  #wake(id: string): void {
    for (const wake of this.#waiters.get(id) ?? []) wake();
  }
}

export function isFinal(state: ApprovalRecord['state']): boolean {
  return state !== 'pending' && state !== 'approved' && state !== 'executing';
}
