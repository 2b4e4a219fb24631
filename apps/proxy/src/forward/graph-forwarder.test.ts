import { join } from 'node:path';
import { until } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { AuthError, type GraphAnswer, type GraphClient, OutcomeUnknownError } from '@ondemand/transport';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.js';
import { OutcomeSpool } from '../audit/outcome-spool.js';
import { Metrics } from '../metrics.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { GraphForwarder } from './graph-forwarder.js';

type Forward = GraphClient['forwardProvisionOnDemand'];

/** A forwarder over a fake Graph client (`send` answers each attempt) and a real audit log in memory. */
function forwarderWith(
  send: Forward,
  options: { maxQueuedCalls?: number; maxQueuedCallsPerPrincipal?: number } = {},
) {
  const store = new SqliteStore(':memory:');
  const audit = new AuditLog({
    store,
    metrics: new Metrics(),
    now: () => new Date(),
    say: () => {},
    spool: new OutcomeSpool(join(tempDir('forwarder-'), 'outcomes.ndjson')),
  });
  const forwarder = new GraphForwarder({
    graph: { forwardProvisionOnDemand: send } as GraphClient,
    audit,
    metrics: new Metrics(),
    maxQueuedCalls: options.maxQueuedCalls ?? 10,
    ...(options.maxQueuedCallsPerPrincipal
      ? { maxQueuedCallsPerPrincipal: options.maxQueuedCallsPerPrincipal }
      : {}),
    rateLimit: { limit: 5, windowMs: 10_000 },
    replica: 'r1',
  });
  const call = {
    who: { principal: 'alice', requestId: 'req-1' },
    apiVersion: 'v1.0' as const,
    servicePrincipalId: 'sp',
    jobId: 'job',
    subject: 'User u',
    body: {},
  };
  const logged = async () =>
    (await store.queryAudit({ limit: 100 })).map(({ action, detail }) => ({ action, detail }));
  return { forwarder, call, logged };
}

const graphAnswer = (status: number, text: string): GraphAnswer => ({
  status,
  text,
  headers: { 'content-type': 'application/json', 'request-id': 'g-1' },
  requestId: 'g-1',
  clientRequestId: 'c-1',
  attempts: 1,
});

describe('GraphForwarder', () => {
  it("writes a forward entry before each attempt leaves and one outcome after, and passes Graph's answer on", async () => {
    const { forwarder, call, logged } = forwarderWith(async (_sp, _job, _body, options) => {
      await options?.beforeAttempt?.({ number: 1, clientRequestId: 'c-1' });
      return graphAnswer(200, '{"key":"{\\"result\\":\\"Success\\"}","value":"{}"}');
    });
    const forwarded = await forwarder.forward(call);
    expect(forwarded).toMatchObject({ sent: 'yes', graphRequestId: 'g-1', answer: { status: 200 } });
    expect(forwarded.answer.text).toBe('{"key":"{\\"result\\":\\"Success\\"}","value":"{}"}');
    expect(await logged()).toEqual([
      { action: 'forward', detail: { attempt: 1, clientRequestId: 'c-1', replica: 'r1' } },
      { action: 'outcome', detail: expect.objectContaining({ status: 200, sent: 'yes', attempts: 1 }) },
    ]);
  });

  it('says a call whose answer was lost may have run, never that it failed, and records it as unknown', async () => {
    const { forwarder, call, logged } = forwarderWith(async (_sp, _job, _body, options) => {
      await options?.beforeAttempt?.({ number: 1, clientRequestId: 'c-1' });
      throw new OutcomeUnknownError('connection', 'the connection broke after it was sent');
    });
    const forwarded = await forwarder.forward(call);
    expect(forwarded.sent).toBe('unknown');
    expect(forwarded.answer.status).toBe(502);
    expect(forwarded.answer.headers['x-ondemand-outcome']).toBe('unknown');
    expect(JSON.parse(forwarded.answer.text).error.message).toMatch(
      /^the connection broke after it was sent: the call may have run in Graph, and the proxy will not send it again/,
    );
    expect((await logged()).at(-1)).toEqual({
      action: 'outcome',
      detail: { status: null, sent: 'unknown', attempts: 1, lost: 'connection' },
    });
  });

  it('answers a sign-in failure as not sent (502), and a full queue at once (503 with Retry-After)', async () => {
    const signIn = forwarderWith(async () => {
      throw new AuthError('no token');
    });
    const refused = await signIn.forwarder.forward(signIn.call);
    expect(refused).toMatchObject({ sent: 'no', answer: { status: 502 } });
    let release: () => void = () => {};
    const slow = forwarderWith(
      () =>
        new Promise((resolve) => {
          release = () => resolve(graphAnswer(200, '{}'));
        }),
      { maxQueuedCalls: 1 },
    );
    const first = slow.forwarder.forward(slow.call);
    const second = await slow.forwarder.forward(slow.call);
    expect(second).toMatchObject({ sent: 'no', answer: { status: 503 } });
    expect(second.answer.headers['Retry-After']).toMatch(/^\d+$/);
    release();
    expect((await first).sent).toBe('yes');
  });

  it('keeps a share of the queue for everyone else: one principal holds at most half of it', async () => {
    const waiting: Array<() => void> = [];
    const slow = forwarderWith(
      () =>
        new Promise((resolve) => {
          waiting.push(() => resolve(graphAnswer(200, '{}')));
        }),
      { maxQueuedCalls: 4 },
    );
    const as = (principal: string) => ({
      ...slow.call,
      who: { principal, requestId: `${principal}-${waiting.length}` },
    });
    const first = [slow.forwarder.forward(as('hog')), slow.forwarder.forward(as('hog'))];
    const refused = await slow.forwarder.forward(as('hog'));
    expect(refused).toMatchObject({ sent: 'no', answer: { status: 503 } });
    expect(JSON.parse(refused.answer.text).error.message).toMatch(/^You already have 2 calls waiting/);
    const other = slow.forwarder.forward(as('someone-else'));
    await until('the other caller’s call is under way', () => waiting.length === 3);
    for (const release of waiting) release();
    expect((await other).sent).toBe('yes');
    for (const call of first) expect((await call).sent).toBe('yes');
  });
});
