import type { AuditFields } from '@ondemand/audit-log';
import { type Clock, tryJson } from '@ondemand/core';
import type { GraphShapedAnswer } from '../http/graph-shaped-answer.js';
import { type ApprovalRecord, claimHolder } from './approval.js';
import type { ApprovalStore, ReplicaStore } from './approval-store.js';

/**
 * What came of running an approved request: Graph answered (`yes`, with its answer), its answer was
 * lost after it may have reached Graph (`unknown`: never sent again), or nothing reached Graph (`no`).
 */
export type Execution =
  | { sent: 'yes'; answer: GraphShapedAnswer; graphRequestId: string | null }
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

/** One of the approval's own audit entries, built to be written with the change it records. */
export type EntryFor = (
  action: 'review' | 'expired' | 'interrupted' | 'withdrawn',
  record: ApprovalRecord,
  detail: Record<string, unknown>,
) => AuditFields;

/** The approval's own audit entries written on their own (a review the log lacks, written late). */
export type AuditWriter = (
  action: 'review' | 'expired' | 'interrupted' | 'withdrawn',
  record: ApprovalRecord,
  detail: Record<string, unknown>,
) => Promise<void>;

export interface ApprovedRunsOptions {
  store: ApprovalStore & ReplicaStore;
  execute: Executor;
  /** Builds the entry written in the same transaction as the change it records (both or neither). */
  entry: EntryFor;
  audit: AuditWriter;
  /** Who has a `review` entry in the audit log for this approval: nothing runs before its reviews do. */
  auditedReviewers: (record: ApprovalRecord) => Promise<string[]>;
  clock: Clock;
  /** This process's name among replicas: its claims are its own to recover after a restart. */
  replica: string;
  /** How long a silent replica keeps its claimed runs before others take them back (default 60 s). */
  leaseMs?: number | undefined;
  /** How long a run keeps retrying store writes before it gives up (default 60 s). */
  storeRetryMs?: number | undefined;
  /** Told about failures of background runs (the caller that approved has its answer already). */
  onError?: ((message: string) => void) | undefined;
  /** An approval changed (those waiting on it look again). */
  onChange: () => void;
  /** Expires a pending approval past its time, with its entry (the service's `get` does). */
  expireDue: (id: string) => Promise<unknown>;
}

/**
 * Approved requests run exactly once across replicas: claimed in the store, marked just before they
 * reach Graph, finished with Graph's answer; a replica's silence past its lease gives its runs back
 * (or marks them interrupted when they may have been sent). Never run twice.
 */
export class ApprovedRuns {
  readonly #running = new Set<Promise<void>>();
  readonly #store: ApprovalStore & ReplicaStore;
  readonly #clock: Clock;
  readonly #replica: string;

  constructor(private readonly options: ApprovedRunsOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#replica = options.replica;
  }

  #now(): Date {
    return new Date(this.#clock.now());
  }

  /** Runs it in the background (the caller's answer does not wait for Graph). */
  start(id: string): void {
    this.#track(this.run(id));
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
      const { status, text, headers } = execution.answer;
      const state = status >= 200 && status < 300 ? 'completed' : 'failed';
      await this.#persisting(async () => {
        await this.#store.finishExecution(id, this.#replica, state, {
          status,
          body: tryJson(text) ?? text,
          text,
          headers,
          graphRequestId: execution.graphRequestId,
          finishedAt: this.#now().toISOString(),
        });
      });
    }
    this.options.onChange();
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
      if (now.toISOString() >= record.expiresAt) await this.options.expireDue(record.id);
    for (const record of await this.#store.listApprovals('approved')) this.start(record.id);
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
    await this.#store.interrupt(record.id, owner, (written) => [
      this.options.entry('interrupted', written, {
        note: `${why}: it may have run, and it is not sent again`,
      }),
    ]);
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
}
