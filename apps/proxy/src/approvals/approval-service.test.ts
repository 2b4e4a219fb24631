import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AuditFields } from '@ondemand/audit-log';
import { FakeClock, testPostgresUrl, until } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { afterAll, describe, expect, it } from 'vitest';
import { approvalRequest, graphAnswer } from '../../test/approval-requests.js';
import type { Role } from '../auth/roles.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import type { ProxyStore } from '../store/proxy-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { ApprovalRecord } from './approval.js';
import { ApprovalService, type Executor } from './approval-service.js';

const requester = { principal: 'alice', roles: ['requester'] as Role[] };
const bob = { principal: 'bob', roles: ['approver'] as Role[] };
const carol = { principal: 'carol', roles: ['approver'] as Role[] };
const dave = { principal: 'dave', roles: ['auditor'] as Role[] };

/** Where a store keeps its data (a file, a schema) and how to open it there: the life cycle runs on each. */
type StoreKind = { fresh: () => string; open: (where: string) => Promise<ProxyStore> };

const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await PostgresStore.dropSchema(testPostgresUrl, schema);
});

const storeKinds: Array<[string, StoreKind]> = [
  [
    'SQLite',
    {
      fresh: () => join(tempDir('approvals-'), 'proxy.sqlite'),
      open: async (path) => new SqliteStore(path),
    },
  ],
  [
    'PostgreSQL',
    {
      fresh: () => {
        const schema = `test_${randomBytes(6).toString('hex')}`;
        schemas.push(schema);
        return schema;
      },
      open: (schema) => PostgresStore.open({ url: testPostgresUrl, schema }),
    },
  ],
];

describe.each(storeKinds)('the approval life cycle on %s', (_, kind) => {
  async function setup(where = kind.fresh(), executor?: Executor) {
    const clock = new FakeClock(Date.parse('2026-11-28T10:00:00Z'));
    const store = await kind.open(where);
    const runs: string[] = [];
    const audited: string[] = [];
    const reviewEntries: Array<{ approval: string; reviewer: string; recordedLate: boolean }> = [];
    const auditFails = { next: 0 };
    /** How many of the approval's reviews the audit log held as each run started. */
    const reviewsAtRun: number[] = [];
    const service = new ApprovalService({
      store,
      execute: async (record, beforeFirstAttempt) => {
        runs.push(record.id);
        reviewsAtRun.push(reviewEntries.filter((entry) => entry.approval === record.id).length);
        if (!executor) await beforeFirstAttempt();
        return executor
          ? executor(record, beforeFirstAttempt)
          : {
              sent: 'yes',
              answer: graphAnswer(200, { key: '{"result":"Success","details":{}}', value: '{}' }),
              graphRequestId: 'graph-1',
            };
      },
      // Built inside the change's transaction: a throw here is the audit log failing, and the change
      // with it is not stored.
      entry: (action, record, detail) => {
        if (auditFails.next > 0) {
          auditFails.next--;
          throw new Error('the audit log cannot be written');
        }
        audited.push(action);
        if (action === 'review')
          reviewEntries.push({
            approval: record.id,
            reviewer: String(detail.reviewer),
            recordedLate: detail.recordedLate !== undefined,
          });
        return entryFields(action, record, detail);
      },
      // Only a review the log lacks (stored before reviews and entries were one) is written on its own.
      audit: async (action, record, detail) => {
        audited.push(action);
        if (action === 'review')
          reviewEntries.push({ approval: record.id, reviewer: String(detail.reviewer), recordedLate: true });
      },
      auditedReviewers: async (record) =>
        reviewEntries.filter((entry) => entry.approval === record.id).map((entry) => entry.reviewer),
      clock,
    });
    const create = (count = 1, expiresInMinutes = 60) =>
      service.create(
        approvalRequest({
          requester: requester.principal,
          reason: 'new joiner',
          approvals: { count, roles: ['approver'], expiresInMinutes },
        }),
      );
    return { where, store, service, runs, audited, reviewEntries, reviewsAtRun, auditFails, clock, create };
  }

  it('expires a pending approval past its time on the sweep, with its entry, though nobody opened it', async () => {
    const { service, store, audited, clock, create } = await setup();
    const record = await create(1, 1);
    await clock.advance(2 * 60_000);
    expect((await store.getApproval(record.id))!.state).toBe('pending');
    await service.sweep();
    expect((await store.getApproval(record.id))!.state).toBe('expired');
    expect(audited).toEqual(['expired']);
    expect(await store.listApprovals('pending')).toEqual([]);
    expect(await store.countApprovals({ state: 'expired' })).toBe(1);
  });

  it('counts approvals by state and requester in the database', async () => {
    const { service, store, create } = await setup();
    await create(1, 60);
    await create(1, 60);
    expect(await store.countApprovals({ state: 'pending' })).toBe(2);
    expect(await service.pendingOf('alice')).toBe(2);
    expect(await service.pendingOf('bob')).toBe(0);
    expect(await store.countApprovals({ state: 'approved' })).toBe(0);
  });

  it('stores a review only with its audit entry: one the log cannot take is not stored, and nothing runs', async () => {
    const { service, store, runs, reviewEntries, reviewsAtRun, auditFails, create } = await setup();
    const record = await create();
    // The audit log is away for a moment: the review fails whole, and the approver is told so.
    auditFails.next = 1;
    await expect(service.review(record.id, bob, 'approve', 'ticket 1')).rejects.toThrow(
      /the audit log cannot be written/,
    );
    await service.sweep();
    await service.drain();
    expect(runs).toEqual([]);
    expect((await store.getApproval(record.id))!.reviews).toEqual([]);
    // Reviewed again once the log is back: stored with its entry, then run.
    await service.review(record.id, bob, 'approve', 'ticket 1');
    await service.drain();
    expect(reviewEntries).toEqual([{ approval: record.id, reviewer: 'bob', recordedLate: false }]);
    expect(runs).toEqual([record.id]);
    expect(reviewsAtRun).toEqual([1]);
  });

  it('withdraws and expires only with the entry that says so: while the log cannot take it, nothing changes', async () => {
    const { service, store, audited, auditFails, clock, create } = await setup();
    const withdrawing = await create();
    auditFails.next = 1;
    await expect(service.withdraw(withdrawing.id, { principal: 'alice', admin: false })).rejects.toThrow(
      /the audit log cannot be written/,
    );
    expect((await store.getApproval(withdrawing.id))!.state).toBe('pending');
    const expiring = await create(1, 1);
    await clock.advance(2 * 60_000);
    auditFails.next = 1;
    await expect(service.sweep()).rejects.toThrow(/the audit log cannot be written/);
    expect(await store.countApprovals({ state: 'expired' })).toBe(0);
    await service.sweep();
    expect((await store.getApproval(expiring.id))!.state).toBe('expired');
    expect(audited.filter((action) => action === 'expired')).toHaveLength(1);
  });

  it('writes a review the log lacks (stored by an older version, before reviews and entries were one) before the run', async () => {
    const { service, store, runs, reviewEntries, reviewsAtRun, create } = await setup();
    const record = await create();
    // As an older version left it: the approving review stored, its entry never written.
    await store.addReview(
      record.id,
      {
        principal: 'bob',
        roles: ['approver'],
        decision: 'approve',
        reason: 'ticket 1',
        at: '2026-11-28T10:00:00Z',
      },
      new Date('2026-11-28T10:00:00Z'),
    );
    await service.sweep();
    await service.drain();
    expect(reviewEntries).toEqual([{ approval: record.id, reviewer: 'bob', recordedLate: true }]);
    expect(runs).toEqual([record.id]);
    expect(reviewsAtRun).toEqual([1]);
  });

  it.each<
    [string, (context: Awaited<ReturnType<typeof setup>>, id: string) => Promise<unknown>, string, number]
  >([
    [
      'a requester approving their own request',
      ({ service }, id) => service.review(id, { principal: 'alice', roles: ['approver'] }, 'approve', 'mine'),
      'nobody approves or denies their own request',
      0,
    ],
    [
      'a reviewer without the role',
      ({ service }, id) => service.review(id, dave, 'approve', 'looks fine'),
      'needs the role approver',
      0,
    ],
    [
      'a second review by the same person',
      async ({ service }, id) => {
        await service.review(id, bob, 'approve', 'ok');
        return service.review(id, bob, 'approve', 'again');
      },
      'has already reviewed',
      0,
    ],
    [
      'a deny after the approval was decided',
      async ({ service }, id) => {
        await service.review(id, bob, 'approve', 'ok');
        await service.review(id, carol, 'approve', 'ok');
        return service.review(id, { principal: 'erin', roles: ['approver'] }, 'deny', 'too late');
      },
      'takes no more reviews',
      1,
    ],
    [
      'a review after expiry',
      async ({ service, clock }, id) => {
        await clock.advance(61 * 60_000);
        return service.review(id, bob, 'approve', 'late');
      },
      'expired',
      0,
    ],
  ])('refuses %s', async (_, act, message, expectedRuns) => {
    const context = await setup();
    const record = await context.create(2);
    await expect(act(context, record.id)).rejects.toThrow(message);
    await context.service.drain();
    expect(context.runs).toHaveLength(expectedRuns);
  });

  it('runs once the threshold of distinct approvers is met, and keeps the result', async () => {
    const { service, create, runs, audited } = await setup();
    const record = await create(2);
    expect((await service.review(record.id, bob, 'approve', 'ok')).state).toBe('pending');
    expect((await service.review(record.id, carol, 'approve', 'ok')).state).toBe('approved');
    await service.drain();
    const done = await service.get(record.id);
    expect(done?.state).toBe('completed');
    expect(done?.result).toMatchObject({ status: 200, graphRequestId: 'graph-1' });
    expect(runs).toEqual([record.id]);
    // The forward and the outcome are the path to Graph's to write (see GraphForwarder).
    expect(audited).toEqual(['review', 'review']);
  });

  it('a deny decides at once and the request never runs', async () => {
    const { service, create, runs } = await setup();
    const record = await create(2);
    expect((await service.review(record.id, bob, 'deny', 'not this one')).state).toBe('denied');
    await service.drain();
    expect(runs).toEqual([]);
  });

  it('an expired request never runs, and reads as expired', async () => {
    const { service, create, clock, runs, audited } = await setup();
    const record = await create(1, 1);
    await clock.advance(60_001);
    expect((await service.get(record.id))?.state).toBe('expired');
    expect(audited).toEqual(['expired']);
    expect(runs).toEqual([]);
  });

  it('writes no review entry for a review refused because the request expired meanwhile', async () => {
    const { service, store, create, clock, runs, audited } = await setup();
    const record = await create(1, 1);
    await clock.advance(60_001);
    await expect(service.review(record.id, bob, 'approve', 'too late')).rejects.toThrow(/expired/);
    expect((await store.getApproval(record.id))!.state).toBe('expired');
    expect(audited).not.toContain('review');
    expect(runs).toEqual([]);
  });

  it('runs exactly once when two approvals and two runners race', async () => {
    const { service, create, runs } = await setup();
    const record = await create(1);
    const outcomes = await Promise.allSettled([
      service.review(record.id, bob, 'approve', 'ok'),
      service.review(record.id, carol, 'approve', 'ok'),
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    await Promise.all([service.run(record.id), service.run(record.id), service.drain()]);
    expect(runs).toEqual([record.id]);
  });

  it('after a restart, runs what was approved or claimed but not sent, and never re-runs what was sent', async () => {
    const reachedGraph = new Set<string>();
    // Every run hangs: the ones in reachedGraph after announcing that they are being sent.
    const first = await setup(undefined, async (record, beforeFirstAttempt) => {
      if (reachedGraph.has(record.id)) await beforeFirstAttempt();
      return new Promise(() => {});
    });
    const approvedNotRun = await first.create(1);
    const waitingForLimit = await first.create(1);
    const sent = await first.create(1);
    const pending = await first.create(1);
    reachedGraph.add(sent.id);
    const at = new Date(first.clock.now());
    await first.store.addReview(
      approvedNotRun.id,
      { ...bob, decision: 'approve', reason: 'ok', at: at.toISOString() },
      at,
    );
    await first.service.review(waitingForLimit.id, bob, 'approve', 'ok');
    await first.service.review(sent.id, bob, 'approve', 'ok');
    await until('both runs are claimed and one is sending', async () => {
      const [waiting, sending] = [
        await first.store.getApproval(waitingForLimit.id),
        await first.store.getApproval(sent.id),
      ];
      return waiting?.state === 'executing' && sending?.sendingAt !== undefined;
    });
    expect((await first.service.get(waitingForLimit.id))?.state).toBe('executing');
    expect((await first.service.get(sent.id))?.sendingAt).toBeTruthy();
    await first.store.close();

    const second = await setup(first.where);
    await second.service.recover();
    await second.service.drain();
    expect((await second.service.get(approvedNotRun.id))?.state).toBe('completed');
    expect((await second.service.get(waitingForLimit.id))?.state).toBe('completed');
    expect((await second.service.get(sent.id))?.state).toBe('interrupted');
    expect((await second.service.get(pending.id))?.state).toBe('pending');
    expect(second.runs.sort()).toEqual([approvedNotRun.id, waitingForLimit.id].sort());
  });

  it('gives a run that failed before reaching Graph back to approved, and runs it on the next sweep', async () => {
    let attempt = 0;
    const context = await setup(undefined, async (_record, beforeFirstAttempt) => {
      attempt += 1;
      if (attempt === 1) return { sent: 'no' };
      await beforeFirstAttempt();
      return { sent: 'yes', answer: graphAnswer(200, {}), graphRequestId: 'graph-2' };
    });
    const record = await context.create(1);
    await context.service.review(record.id, bob, 'approve', 'ok');
    await context.service.drain();
    expect((await context.service.get(record.id))?.state).toBe('approved');
    await context.service.sweep();
    await context.service.drain();
    expect(await context.service.get(record.id)).toMatchObject({
      state: 'completed',
      result: { graphRequestId: 'graph-2' },
    });
    expect(context.runs).toEqual([record.id, record.id]);
  });

  it('takes back the runs of a replica silent past its lease: unsent ones run elsewhere once, sent ones end interrupted', async () => {
    const where = kind.fresh();
    const [storeA, storeB] = [await kind.open(where), await kind.open(where)];
    const clock = new FakeClock(Date.parse('2026-11-28T10:00:00Z'));
    const sent: string[] = [];
    const refused: string[] = [];
    let openGate = () => {};
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const replicaA = new ApprovalService({
      store: storeA,
      execute: async (record, beforeFirstAttempt) => {
        if (record.reason === 'sent') {
          await beforeFirstAttempt();
          sent.push(`a:${record.id}`);
          return new Promise(() => {});
        }
        await gate; // still waiting for the rate limit when its lease runs out
        try {
          await beforeFirstAttempt();
        } catch (error) {
          refused.push(record.id);
          throw error;
        }
        sent.push(`a:${record.id}`);
        return { sent: 'yes', answer: graphAnswer(200, {}), graphRequestId: null };
      },
      entry: entryFields,
      audit: async () => {},
      auditedReviewers: async () => [],
      clock,
      replica: 'a',
      leaseMs: 60_000,
      storeRetryMs: 0,
    });
    const replicaB = new ApprovalService({
      store: storeB,
      execute: async (_record, beforeFirstAttempt) => {
        await beforeFirstAttempt();
        sent.push(`b:${_record.id}`);
        return { sent: 'yes', answer: graphAnswer(200, {}), graphRequestId: 'graph-b' };
      },
      entry: entryFields,
      audit: async () => {},
      auditedReviewers: async () => [],
      clock,
      replica: 'b',
      leaseMs: 60_000,
    });
    const ask = (reason: string) => replicaA.create(approvalRequest({ reason }));
    const [waiting, inFlight] = [await ask('waiting'), await ask('sent')];
    await replicaA.recover();
    await replicaA.review(waiting.id, bob, 'approve', 'ok');
    await replicaA.review(inFlight.id, bob, 'approve', 'ok');
    await until('replica a holds both runs, one of them sending', async () => {
      const [held, sending] = [await storeA.getApproval(waiting.id), await storeA.getApproval(inFlight.id)];
      return held?.executedBy === 'a' && sending?.sendingAt !== undefined;
    });
    await replicaB.sweep();
    expect((await storeB.getApproval(waiting.id))?.state).toBe('executing'); // a's lease still holds

    await clock.advance(61_000);
    await replicaB.sweep();
    await replicaB.drain();
    expect(await storeB.getApproval(waiting.id)).toMatchObject({ state: 'completed', executedBy: 'b' });
    expect((await storeB.getApproval(inFlight.id))?.state).toBe('interrupted');

    openGate(); // replica a wakes up: it no longer holds the run, so it must not send it
    await until('replica a is refused the send', () => refused.length === 1);
    expect(sent.sort()).toEqual([`a:${inFlight.id}`, `b:${waiting.id}`].sort());
    expect((await storeB.getApproval(waiting.id))?.state).toBe('completed');
  });
});

describe('the approval service on a fake clock', () => {
  async function service(options: { execute?: Executor; store?: ProxyStore } = {}) {
    const clock = new FakeClock(Date.parse('2026-11-28T10:00:00Z'));
    const store = options.store ?? new SqliteStore(join(tempDir('approvals-'), 'proxy.sqlite'));
    const errors: string[] = [];
    const approvals = new ApprovalService({
      store,
      execute:
        options.execute ??
        (async (_record, beforeFirstAttempt) => {
          await beforeFirstAttempt();
          return { sent: 'yes', answer: graphAnswer(200, {}), graphRequestId: 'g' };
        }),
      entry: entryFields,
      audit: async () => {},
      auditedReviewers: async () => [],
      clock,
      pollMs: 1_000,
      storeRetryMs: 10_000,
      onError: (message) => errors.push(message),
    });
    return { clock, store, approvals, errors };
  }

  it('answers a long-poll as soon as a review decides it, re-reads the store each poll, and gives up at its deadline', async () => {
    const { clock, store, approvals } = await service();
    const decided = await approvals.create(approvalRequest());
    let answered: ApprovalRecord | undefined;
    void approvals.waitForDecision(decided.id, 30_000).then((record) => {
      answered = record;
    });
    await clock.advance(5_000);
    expect(answered).toBeUndefined();
    await approvals.review(decided.id, bob, 'deny', 'not now');
    await clock.advance(0);
    expect(answered?.state).toBe('denied');

    // A review written by another replica: seen at the next poll, not before.
    const elsewhere = await approvals.create(approvalRequest());
    let seen: ApprovalRecord | undefined;
    void approvals.waitForDecision(elsewhere.id, 30_000).then((record) => {
      seen = record;
    });
    await clock.advance(0);
    const at = new Date(clock.now());
    await store.addReview(elsewhere.id, { ...bob, decision: 'deny', reason: 'no', at: at.toISOString() }, at);
    expect(seen).toBeUndefined();
    await clock.advance(1_000);
    expect(seen?.state).toBe('denied');

    const undecided = await approvals.create(approvalRequest());
    let timedOut: ApprovalRecord | undefined;
    void approvals.waitForDecision(undecided.id, 3_000).then((record) => {
      timedOut = record;
    });
    await clock.advance(2_999);
    expect(timedOut).toBeUndefined();
    await clock.advance(1);
    expect(timedOut?.state).toBe('pending');
  });

  it('expires a pending request at its time, on read', async () => {
    const { clock, approvals } = await service();
    const record = await approvals.create(
      approvalRequest({ approvals: { count: 1, roles: ['approver'], expiresInMinutes: 1 } }),
    );
    await clock.advance(59_999);
    expect((await approvals.get(record.id))?.state).toBe('pending');
    await clock.advance(1);
    expect((await approvals.get(record.id))?.state).toBe('expired');
  });

  it('keeps retrying a result the store cannot take until it can, and gives up at storeRetryMs', async () => {
    let failing = 0;
    const path = join(tempDir('approvals-'), 'proxy.sqlite');
    const store = new (class extends SqliteStore {
      override finishExecution(...args: Parameters<SqliteStore['finishExecution']>) {
        if (failing > 0) {
          failing -= 1;
          return Promise.reject(new Error('the database is restarting'));
        }
        return super.finishExecution(...args);
      }
    })(path);
    const { clock, approvals, errors } = await service({ store });
    const record = await approvals.create(approvalRequest());
    failing = 3;
    await approvals.review(record.id, bob, 'approve', 'ok');
    // 100 + 200 + 400 ms of backoff, on the fake clock.
    await clock.advance(700);
    await approvals.drain();
    expect((await store.getApproval(record.id))?.state).toBe('completed');

    const other = await approvals.create(approvalRequest());
    failing = 1_000;
    await approvals.review(other.id, bob, 'approve', 'ok');
    await clock.advance(10_000);
    await approvals.drain();
    expect((await store.getApproval(other.id))?.state).toBe('executing');
    expect(errors.join('\n')).toMatch(/the database is restarting/);
  });
});

/** An approval's entry as the proxy builds it (the test's own, without an AuditLog). */
function entryFields(
  action: 'review' | 'expired' | 'interrupted' | 'withdrawn',
  record: ApprovalRecord,
  detail: Record<string, unknown>,
): AuditFields {
  return {
    at: new Date().toISOString(),
    action,
    principal: typeof detail.reviewer === 'string' ? detail.reviewer : null,
    requestId: record.id,
    graphRequestId: null,
    servicePrincipalId: record.servicePrincipalId,
    jobId: record.jobId,
    subject: null,
    detail: { approval: record.id, ...detail },
  };
}
