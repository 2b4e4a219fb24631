import { describe, expect, it } from 'vitest';
import {
  entries,
  graphStats,
  groupBody,
  groupPath,
  sim,
  start,
  userBody,
  userPath,
  useSimulator,
} from './harness.js';

useSimulator();

describe('the proxy keeps its promises when Graph or the network fails', () => {
  it.each([
    ['the connection drops', 'drop-after-processing', 502],
    ['a gateway answers 504', '504-after-processing', 502],
  ])(
    'sends nothing twice when %s after Graph ran the call: the caller hears it may have run',
    async (_, kind, status) => {
      const proxy = await start();
      const before = graphStats();
      sim.context.faults.add({ kind: kind as 'drop-after-processing', count: 1, path: 'provisionOnDemand' });
      const answer = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
      expect(answer.status).toBe(status);
      expect(answer.headers.get('x-ondemand-outcome')).toBe('unknown');
      expect(answer.json.error.message).toMatch(
        /may have run in Graph, and the proxy will not send it again\. Check before sending it again/,
      );
      const after = graphStats();
      expect(after.processed - before.processed).toBe(1);
      expect(after.received - before.received).toBe(1);
      expect(after.duplicates).toBe(before.duplicates);
      const requestId = answer.headers.get('request-id');
      const mine = (await entries(proxy))
        .filter((entry) => entry.requestId === requestId)
        .map((entry) => entry.action);
      expect(mine).toEqual(['request', 'decision', 'forward', 'outcome']);
      expect((await entries(proxy, '&action=outcome')).at(-1)?.detail).toMatchObject({ sent: 'unknown' });
    },
  );

  it('never sends an approved run again when its answer was lost: it ends interrupted', async () => {
    const proxy = await start();
    const held = await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    const before = graphStats();
    sim.context.faults.add({ kind: '504-after-processing', count: 1, path: 'provisionOnDemand' });
    await proxy.call(`/approvals/${held.json.id}/approve`, {
      key: proxy.keys.approver,
      body: '{"reason":"ok"}',
    });
    await proxy.approvals.drain();
    await proxy.approvals.sweep();
    await proxy.approvals.drain();
    expect((await proxy.call(`/approvals/${held.json.id}`, { key: proxy.keys.requester })).json.state).toBe(
      'interrupted',
    );
    expect(graphStats().processed - before.processed).toBe(1);
  });

  it('audits every attempt: a call Graph throttled once has two forwards and one outcome', async () => {
    const proxy = await start();
    sim.context.faults.add({ kind: '429', count: 1, path: 'provisionOnDemand', retryAfterSeconds: 0.01 });
    const answer = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    expect(answer.status).toBe(200);
    const requestId = answer.headers.get('request-id');
    const mine = (await entries(proxy)).filter((entry) => entry.requestId === requestId);
    expect(mine.map((entry) => [entry.action, entry.detail.attempt ?? null])).toEqual([
      ['request', null],
      ['decision', null],
      ['forward', 1],
      ['forward', 2],
      ['outcome', null],
    ]);
    expect(mine.at(-1)?.detail).toMatchObject({ status: 200, sent: 'yes', attempts: 2 });
  });

  it("passes Graph's answer as Graph gave it when the decoder cannot read it, and says so in the audit", async () => {
    const proxy = await start();
    const novel = '{"key":"a shape Graph sends tomorrow","value":[1,2]}';
    sim.context.faults.add({ kind: 'answer', count: 1, path: 'provisionOnDemand', status: 200, body: novel });
    const answer = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(novel);
    expect((await entries(proxy, '&action=outcome')).at(-1)?.detail).toMatchObject({
      status: 200,
      decoded: false,
    });
  });

  it("answers a bodiless error from Graph in Graph's shape, with the code its status has", async () => {
    const proxy = await start();
    sim.context.faults.add({ kind: 'answer', count: 1, path: 'provisionOnDemand', status: 431 });
    const answer = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    expect(answer.status).toBe(431);
    expect(answer.json.error.code).toBe('RequestHeaderFieldsTooLarge');
  });
});
