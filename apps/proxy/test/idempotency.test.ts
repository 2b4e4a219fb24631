import { join } from 'node:path';
import { NOT_RUN_STATUSES, userRequest } from '@ondemand/core';
import { documentedIds as ids } from '@ondemand/simulator';
import { until } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLICA } from '../src/approvals/approval.js';
import { requestHash } from '../src/idempotency/idempotency.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { entries, graphStats, sim, start, userBody, userPath, useSimulator } from './harness.js';

useSimulator();

describe('Idempotency-Key: one answer per key, whatever fails', () => {
  it('answers a retried POST with the same Idempotency-Key from the first answer, without calling Graph again', async () => {
    const proxy = await start();
    const headers = { 'Idempotency-Key': 'a7b3c1d0-retry-1' };
    const first = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody, headers });
    const before = graphStats().received;
    const again = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody, headers });
    expect(again.status).toBe(first.status);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(graphStats().received).toBe(before);
    // The same key for another body is a mistake, said as such; another principal's key is its own.
    const otherBody = JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.groupMembers[0] }));
    const mismatch = await proxy.call(userPath, { key: proxy.keys.requester, body: otherBody, headers });
    expect(mismatch.status).toBe(422);
    expect(mismatch.json.error.message).toMatch(/first used for another request/);
    const theirs = await proxy.call(userPath, { key: proxy.keys['requester-2'], body: userBody, headers });
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect((await entries(proxy, '&action=replayed')).length).toBe(1);
  });

  it('keeps the key when storing its answer fails after Graph ran: the caller gets Graph’s answer, a retry never reaches Graph', async () => {
    let failures = 1;
    const logged: Array<Record<string, unknown>> = [];
    const proxy = await start({
      log: (line) => logged.push(line),
      store: (database) =>
        new (class extends SqliteStore {
          override answerIdempotencyKey(...args: Parameters<SqliteStore['answerIdempotencyKey']>) {
            // A dropped database connection, once, just after Graph answered.
            if (failures-- > 0) return Promise.reject(new Error('connection terminated unexpectedly'));
            return super.answerIdempotencyKey(...args);
          }
        })(database),
    });
    const headers = { 'Idempotency-Key': 'store-fails-once-1' };
    // What Graph ran for this proxy: its forward entries, and Graph's own record of their ids.
    const reachedGraph = async () => {
      const sent = (await entries(proxy, '&action=forward')).map((entry) =>
        String(entry.detail?.clientRequestId),
      );
      // Calls Graph turned away (429, 503) did not run: a shared simulator's window may be full.
      return sim.context.requestLog.filter(
        (entry) => sent.includes(String(entry.clientRequestId)) && !NOT_RUN_STATUSES.has(entry.status),
      ).length;
    };
    const first = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody, headers });
    // The call ran: its answer, not "503 nothing was changed" (which the SDKs resend on their own).
    expect(first.status).toBe(200);
    expect(await reachedGraph()).toBe(1);
    // Retries with the key get the first answer once it is kept, and never reach Graph again.
    const again = await until('the retry gets the first answer', async () => {
      const answer = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody, headers });
      return answer.status === 409 ? undefined : answer;
    });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expect(await reachedGraph()).toBe(1);
    expect(logged.some((line) => /not kept yet/.test(String(line.msg)))).toBe(true);
  });

  it("keeps on this machine's disk an answer the store cannot take: after a crash, a retry gets Graph's answer, not 'may have run'", async () => {
    const first = await start({
      store: (database) =>
        new (class extends SqliteStore {
          override answerIdempotencyKey(): Promise<void> {
            // The store stays away until the proxy dies.
            return Promise.reject(new Error('connection terminated unexpectedly'));
          }
        })(database),
    });
    const database = join(first.dir, 'proxy.sqlite');
    const headers = { 'Idempotency-Key': 'store-away-then-crash-1' };
    const answered = await first.call(userPath, { key: first.keys.requester, body: userBody, headers });
    expect(answered.status).toBe(200);
    await first.close();

    // A new process on the same database and folder: nothing of the first one's memory survives.
    const second = await start({ config: { database }, store: () => new SqliteStore(database) });
    const before = graphStats().received;
    const again = await second.call(userPath, { key: second.keys.requester, body: userBody, headers });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(answered.text);
    expect(graphStats().received).toBe(before);
  });

  it("answers a retry with Graph's answer while that answer waits to be kept, never 409 nor a resend", async () => {
    let failures = 2;
    const proxy = await start({
      store: (database) =>
        new (class extends SqliteStore {
          override answerIdempotencyKey(...args: Parameters<SqliteStore['answerIdempotencyKey']>) {
            if (failures-- > 0) return Promise.reject(new Error('connection terminated unexpectedly'));
            return super.answerIdempotencyKey(...args);
          }
        })(database),
    });
    const headers = { 'Idempotency-Key': 'store-fails-twice-1' };
    const first = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody, headers });
    expect(first.status).toBe(200);
    // At once, while the answer is not yet kept (the next try is a second away).
    const again = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody, headers });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
  });

  it('sends a key’s request again when nothing ran the first time, and never when its answer was lost', async () => {
    const proxy = await start();
    sim.context.faults.add({ kind: '504-after-processing', count: 1, path: 'provisionOnDemand' });
    const headers = { 'Idempotency-Key': 'lost-answer-1' };
    const lost = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody, headers });
    expect(lost.status).toBe(502);
    const before = graphStats().received;
    const again = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody, headers });
    expect(again.status).toBe(502);
    expect(again.headers.get('x-ondemand-outcome')).toBe('unknown');
    expect(graphStats().received).toBe(before);

    sim.context.faults.add({ kind: '503', count: 20, path: 'provisionOnDemand', retryAfterSeconds: 0.001 });
    const turnedAway = await proxy.call(userPath, {
      key: proxy.keys.requester,
      body: userBody,
      headers: { 'Idempotency-Key': 'turned-away-1' },
    });
    expect(turnedAway.status).toBe(503);
    sim.context.faults.clear();
    const retried = await proxy.call(userPath, {
      key: proxy.keys.requester,
      body: userBody,
      headers: { 'Idempotency-Key': 'turned-away-1' },
    });
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('settles at start the keys a stopped proxy was still answering: one sent to Graph is never sent again, one not sent runs', async () => {
    const first = await start();
    const database = join(first.dir, 'proxy.sqlite');
    const at = new Date().toISOString();
    const otherBody = JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.groupMembers[1] }));
    const cutShort = async (key: string, body: string, requestId: string) =>
      first.store.claimIdempotencyKey(
        {
          principal: 'requester',
          key,
          requestHash: requestHash({
            apiVersion: 'v1.0',
            servicePrincipalId: ids.saasServicePrincipal,
            jobId: ids.saasJob,
            body: JSON.parse(body),
          }),
          requestId,
          replica: DEFAULT_REPLICA,
          at,
        },
        at,
      );
    // As a proxy killed mid-call leaves them: one key whose call was written as sent, one not yet.
    await cutShort('cut-after-sending', userBody, 'cut-request-1');
    await first.audit.append([
      first.audit.entry(
        'forward',
        { principal: 'requester', requestId: 'cut-request-1' },
        { detail: { attempt: 1 } },
      ),
    ]);
    await cutShort('cut-before-sending', otherBody, 'cut-request-2');
    await first.close();

    const second = await start({ store: () => new SqliteStore(database) });
    const before = graphStats().received;
    const sent = await second.call(userPath, {
      key: second.keys.requester,
      body: userBody,
      headers: { 'Idempotency-Key': 'cut-after-sending' },
    });
    expect(sent.status).toBe(502);
    expect(sent.headers.get('x-ondemand-outcome')).toBe('unknown');
    expect(graphStats().received).toBe(before);
    const unsent = await second.call(userPath, {
      key: second.keys.requester,
      body: otherBody,
      headers: { 'Idempotency-Key': 'cut-before-sending' },
    });
    expect(unsent.status).toBe(200);
    expect(graphStats().received).toBe(before + 1);
  });
});
