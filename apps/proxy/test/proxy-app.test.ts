import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditFields } from '@ondemand/audit-log';
import { groupRequest, NOT_RUN_STATUSES, userRequest } from '@ondemand/core';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { until } from '@ondemand/test-utils';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_REPLICA } from '../src/approvals/approval.js';
import { requestHash } from '../src/idempotency/idempotency.js';
import { AuditLogBehindWitness, assembleProxy, demoConfig, parseConfig } from '../src/index.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { demoProxy, tempDir } from './demo-proxy.js';

let sim: RunningSimulator;
const userPath = `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`;
const groupPath = `/v1.0/servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/${ids.groupJob}/provisionOnDemand`;
const userBody = JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }));
const groupBody = JSON.stringify(groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [] }));
const proxies: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 20 });
});
beforeEach(() => {
  sim.context.faults.clear();
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.close().catch(() => {});
  await sim.stop();
});

async function start(options: Parameters<typeof demoProxy>[1] = {}) {
  const proxy = await demoProxy(sim, options);
  proxies.push(proxy);
  return proxy;
}

const graphStats = () => sim.context.stats.snapshot().provisionOnDemand;
const simPaths = () => sim.context.requestLog.map((entry) => entry.path);

async function verdict(proxy: Awaited<ReturnType<typeof start>>) {
  return (await proxy.call('/audit/verify', { key: proxy.keys.auditor })).json;
}

async function entries(proxy: Awaited<ReturnType<typeof start>>, query = '') {
  return (await proxy.call(`/audit?limit=1000${query}`, { key: proxy.keys.auditor })).json.value as Array<
    AuditFields & { seq: number }
  >;
}

describe('the proxy keeps its promises under odd input', () => {
  it('refuses an id holding a lone surrogate with a 400 naming the field, audits it, and the chain still verifies', async () => {
    const proxy = await start();
    const before = graphStats().received;
    const answer = await proxy.call(userPath, {
      key: proxy.keys.requester,
      // By hand: core's builders refuse it before it could be sent.
      body: JSON.stringify({
        parameters: [{ ruleId: ids.saasRule, subjects: [{ objectId: 'a\ud800', objectTypeName: 'User' }] }],
      }),
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(
      /parameters\[0\]\.subjects\[0\]\.objectId: objectId contains a lone UTF-16 surrogate/,
    );
    expect(graphStats().received).toBe(before);
    expect((await entries(proxy, '&action=rejected')).map((entry) => entry.detail)).toEqual([
      expect.objectContaining({ status: 400, code: 'BadRequest', method: 'POST' }),
    ]);
    expect(await verdict(proxy)).toMatchObject({ valid: true, problems: [] });
  });

  it('records a request without a key and a long path in a bounded entry: its start, length and hash', async () => {
    const proxy = await start();
    const long = `/v1.0/${'x'.repeat(14_000)}`;
    const answer = await proxy.call(long, { method: 'POST', body: '{}' });
    expect(answer.status).toBe(401);
    const [entry] = await entries(proxy, '&action=auth_failure');
    const detail = entry!.detail as Record<string, unknown>;
    expect(String(detail.path).length).toBeLessThanOrEqual(513);
    expect(detail).toMatchObject({
      pathLength: long.length,
      pathSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('refuses a body nested 10 000 levels deep with an audited 400, not a 500', async () => {
    const proxy = await start();
    // 20 KB: an objectTypeName nested in 10 000 arrays.
    const deep = `${'['.repeat(10_000)}"User"${']'.repeat(10_000)}`;
    const answer = await proxy.call(userPath, {
      key: proxy.keys.requester,
      body: `{"parameters":[{"ruleId":"r","subjects":[{"objectId":"${ids.saasUser}","objectTypeName":${deep}}]}]}`,
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.message).toMatch(/nests deeper than 400 levels/);
    expect((await entries(proxy, '&action=rejected')).map((entry) => entry.detail.status)).toEqual([400]);
  });

  it('refuses a reason header holding C1 or C0 controls, and takes one in UTF-8 as the text it is', async () => {
    const proxy = await start();
    const before = graphStats().received;
    // A raw 0x9B byte (not UTF-8), C1 sent as UTF-8, and C0: header bytes arrive as Latin-1.
    const asHeader = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    for (const bytes of ['ok \u009b2J', asHeader('ok \u009b2J'), asHeader('ok \u001b]52;c;SGk=\u0007')]) {
      const answer = await proxy.call(groupPath, {
        key: proxy.keys.requester,
        body: groupBody,
        headers: { 'X-Ondemand-Reason': bytes },
      });
      expect(answer.status).toBe(400);
      expect(answer.json.error.message).toMatch(
        /X-Ondemand-Reason header holds (a control character \(U\+00(9B|1B)\)|text that is not UTF-8)/,
      );
    }
    expect(graphStats().received).toBe(before);
    const utf8 = asHeader('neue Mitarbeiterin – Zoë');
    const held = await proxy.call(groupPath, {
      key: proxy.keys.requester,
      body: groupBody,
      headers: { 'X-Ondemand-Reason': utf8 },
    });
    expect(held.status).toBe(202);
    expect((await proxy.call(`/approvals/${held.json.id}`, { key: proxy.keys.approver })).json.reason).toBe(
      'neue Mitarbeiterin – Zoë',
    );
  });

  it.each([
    ['in braces', `{${ids.saasServicePrincipal}}`],
    ['without hyphens', ids.saasServicePrincipal.replaceAll('-', '')],
    ['in upper case with spaces', `%20${ids.saasServicePrincipal.toUpperCase()}%20`],
    ['with %00 on the end', `${ids.saasServicePrincipal}%00`],
  ])('refuses a service principal id %s instead of judging it by a looser rule', async (_, spelled) => {
    const proxy = await start();
    const before = graphStats().received;
    const answer = await proxy.call(
      `/v1.0/servicePrincipals/${spelled}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`,
      {
        key: proxy.keys.requester,
        body: userBody,
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.json.error.details[0].target).toBe('servicePrincipals/{id}');
    expect(graphStats().received).toBe(before);
  });

  it('judges the upper-case spelling of an id as the id it is, and sends Graph the canonical one', async () => {
    const proxy = await start();
    const answer = await proxy.call(
      `/v1.0/servicePrincipals/${ids.saasServicePrincipal.toUpperCase()}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`,
      {
        key: proxy.keys.requester,
        body: JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.saasUser.toUpperCase() })),
      },
    );
    expect(answer.status).toBe(200);
    expect(simPaths().at(-1)).toBe(userPath);
  });

  it('judges a group sent as a User as the group it is: refused, naming objectTypeName', async () => {
    const proxy = await start();
    const before = graphStats().received;
    const answer = await proxy.call(userPath, {
      key: proxy.keys.requester,
      body: JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.group })),
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.details[0]).toMatchObject({
      target: 'parameters[0].subjects[0].objectTypeName',
      message: expect.stringMatching(
        /is a group in the directory, not a User: send it with objectTypeName "Group"/,
      ),
    });
    expect(graphStats().received).toBe(before);
  });

  it.each(['user', 'Worker'])(
    'judges a group sent as objectTypeName %s as the group it is: refused before any rule or Graph',
    async (spelling) => {
      const proxy = await start();
      const before = graphStats().received;
      const answer = await proxy.call(userPath, {
        key: proxy.keys.requester,
        body: JSON.stringify({
          parameters: [
            { ruleId: ids.saasRule, subjects: [{ objectId: ids.group, objectTypeName: spelling }] },
          ],
        }),
      });
      expect(answer.status).toBe(400);
      expect(answer.json.error.details[0].message).toMatch(
        new RegExp(`is a group in the directory, not a ${spelling}: send it with objectTypeName "Group"`),
      );
      expect(graphStats().received).toBe(before);
    },
  );

  // The directory look-up refused, and unreachable (its retries take ~5 s: run by `pnpm test` only).
  const directoryFails = async (fault: Record<string, unknown>) => {
    const proxy = await start();
    // Every look-up, retries included (cleared before the next test).
    sim.context.faults.add({ ...fault, percent: 100, path: 'getByIds' } as never);
    const answer = await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    expect(answer.status).toBe(502);
    expect(answer.json.error.message).toMatch(
      /could not ask the directory what the subjects are, so nothing was sent/,
    );
    return String(answer.json.error.message);
  };

  it('names the Graph permission when the directory look-up was refused (403)', async () => {
    const message = await directoryFails({
      kind: 'answer',
      status: 403,
      body: '{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges"}}',
    });
    expect(message).toMatch(/needs Directory\.Read\.All/);
  });

  it('does not name a permission when the directory could not be reached', { tags: ['slow'] }, async () => {
    expect(await directoryFails({ kind: 'drop' })).not.toMatch(/Directory\.Read\.All/);
  });

  it('has a body limit on every route: an approver cannot push a review of any size', async () => {
    const proxy = await start();
    const held = await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    const review = await proxy.call(`/approvals/${held.json.id}/approve`, {
      key: proxy.keys.approver,
      body: JSON.stringify({ reason: 'x'.repeat(20_000) }),
    });
    expect(review.status).toBe(413);
    expect(review.json.error.code).toBe('RequestEntityTooLarge');
    const declared = await proxy.call(`/approvals/${held.json.id}/deny`, {
      key: proxy.keys.approver,
      body: '{}',
      headers: { 'content-length': String(3 * 1024 ** 3) },
    });
    expect(declared.status).toBe(413);
  });

  it('keeps /beta as /beta end to end: direct calls, approved runs and reads', async () => {
    const proxy = await start();
    const beta = (path: string) => path.replace('/v1.0/', '/beta/');
    expect((await proxy.call(beta(userPath), { key: proxy.keys.requester, body: userBody })).status).toBe(
      200,
    );
    expect(simPaths().at(-1)).toBe(beta(userPath));
    const held = await proxy.call(beta(groupPath), { key: proxy.keys.requester, body: groupBody });
    expect(held.json.request.path).toBe(beta(groupPath));
    await proxy.call(`/approvals/${held.json.id}/approve`, {
      key: proxy.keys.approver,
      body: '{"reason":"ok"}',
    });
    await proxy.approvals.drain();
    expect(simPaths()).toContain(beta(groupPath));
    expect((await proxy.call('/beta/users?$top=1', { key: proxy.keys.requester })).status).toBe(200);
    expect(simPaths().at(-1)).toBe('/beta/users');
  });

  it('audits every refused call: a bad body, a wrong type, too large, a write to another path; reads keep their query', async () => {
    const proxy = await start();
    const key = proxy.keys.requester;
    await proxy.call(userPath, { key, body: '{"parameters":' });
    await proxy.call(userPath, { key, body: userBody, headers: { 'content-type': 'text/plain' } });
    await proxy.call(userPath, { key, body: 'x'.repeat(100 * 1024) });
    await proxy.call(`/v1.0/servicePrincipals/${ids.saasServicePrincipal}`, {
      key,
      method: 'PATCH',
      body: '{}',
    });
    await proxy.call('/v1.0/users?$top=2&$select=id', { key });
    const rejected = await entries(proxy, '&action=rejected');
    expect(rejected.map((entry) => entry.detail.status)).toEqual([400, 415, 413, 405]);
    expect((await entries(proxy, '&action=read')).at(-1)?.detail).toMatchObject({
      path: '/users',
      query: '?$top=2&$select=id',
    });
  });

  it('passes only the reads on its allow-list, decoded first: secrets and authentication methods are refused', async () => {
    const proxy = await start();
    const key = proxy.keys.requester;
    const before = simPaths().length;
    for (const path of [
      `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/secrets`,
      `/v1.0/users/${ids.saasUser}/authentication/methods`,
      `/v1.0/users/${ids.saasUser}%2Fauthentication%2Fmethods`,
      '/v1.0/applications',
    ]) {
      const answer = await proxy.call(path, { key });
      expect(answer.status, path).toBe(404);
      expect(answer.json.error.message).toMatch(/Not passed through/);
    }
    expect(simPaths().length).toBe(before);
    expect(await entries(proxy, '&action=rejected')).toHaveLength(4);
  });

  it("checks who may see an approval before anything else: someone else's answers at once, like a missing one, and expires nothing", async () => {
    let time = Date.parse('2026-12-01T10:00:00Z');
    const proxy = await start({ now: () => new Date(time) });
    const held = await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    time += 2 * 60 * 60_000; // past its expiry (an hour in the demo policy)
    const stranger = proxy.keys['requester-2']!;
    const started = performance.now();
    const someoneElses = await proxy.call(`/approvals/${held.json.id}`, {
      key: stranger,
      headers: { Prefer: 'wait=5' },
    });
    const missing = await proxy.call('/approvals/00000000-0000-4000-8000-000000000000', {
      key: stranger,
      headers: { Prefer: 'wait=5' },
    });
    expect([someoneElses.status, missing.status]).toEqual([404, 404]);
    expect(someoneElses.json.error.message.replace(held.json.id, 'ID')).toBe(
      missing.json.error.message.replace('00000000-0000-4000-8000-000000000000', 'ID'),
    );
    // Neither waited out its five seconds.
    expect(performance.now() - started).toBeLessThan(4_000);
    expect((await proxy.store.getApproval(held.json.id))?.state).toBe('pending');
    expect((await proxy.call(`/approvals/${held.json.id}`, { key: proxy.keys.requester })).json.state).toBe(
      'expired',
    );
  });

  it('shows the path that runs, encoded as it is sent', async () => {
    const proxy = await start({
      config: {
        policy: {
          rules: [
            { name: 'all', decision: 'require_approval', approvals: { count: 1, roles: ['approver'] } },
          ],
        },
      },
    });
    const odd = `/v1.0/servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/a%20b%3Fc/provisionOnDemand`;
    const held = await proxy.call(odd, { key: proxy.keys.requester, body: groupBody });
    expect(held.status).toBe(202);
    expect(held.json.request.path).toBe(odd);
    await proxy.call(`/approvals/${held.json.id}/approve`, {
      key: proxy.keys.approver,
      body: '{"reason":"ok"}',
    });
    await proxy.approvals.drain();
    // The simulator logs the path as Hono reads it (decodeURI: reserved characters stay encoded).
    expect(simPaths()).toContain(decodeURI(odd));
  });

  it('tells an unauthenticated /readyz only whether it is ready', async () => {
    const proxy = await start();
    const open = await proxy.call('/readyz');
    expect(open.json).toEqual({ status: 'ready' });
    expect(open.text).not.toContain(sim.clientId);
  });
});

describe('the proxy keeps its promises when the store fails', () => {
  it('answers 503 with Retry-After when the store cannot be written, approvals included, and is not ready', async () => {
    const proxy = await start({ store: (database) => new SqliteStore(database, { busyTimeoutMs: 20 }) });
    const held = await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    // Another connection holds the write lock: every write of the proxy's now fails, as on a full disk.
    const blocker = new Database(join(proxy.dir, 'proxy.sqlite'));
    blocker.exec('BEGIN EXCLUSIVE');
    try {
      const review = await proxy.call(`/approvals/${held.json.id}/approve`, {
        key: proxy.keys.approver,
        body: '{"reason":"ok"}',
      });
      expect(review.status).toBe(503);
      expect(review.headers.get('retry-after')).toBe('5');
      const ready = await proxy.call('/readyz', { key: proxy.keys.auditor });
      expect(ready.status).toBe(503);
      expect(ready.json.store).toMatch(/SQLite cannot write: database is locked/);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect((await proxy.call('/readyz')).status).toBe(200);
  });

  it('runs no approved request before the log says who approved it: a review stored while the log was away is written first', async () => {
    let failReviews = 0;
    const proxy = await start({
      store: (database) =>
        new (class extends SqliteStore {
          override appendAudit(entries: AuditFields[]) {
            if (failReviews > 0 && entries.some((entry) => entry.action === 'review')) {
              failReviews--;
              return Promise.reject(new Error('connection terminated unexpectedly'));
            }
            return super.appendAudit(entries);
          }
        })(database),
    });
    const held = await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    failReviews = 1;
    const review = await proxy.call(`/approvals/${held.json.id}/approve`, {
      key: proxy.keys.approver,
      body: '{"reason":"CHG-7"}',
    });
    expect(review.status).toBe(503);
    expect(review.json.error.message).toMatch(
      /Your review is stored, but the audit log cannot be written now/,
    );
    await proxy.approvals.sweep();
    await proxy.approvals.drain();
    const log = (await entries(proxy)).filter((entry) => entry.detail?.approval === held.json.id);
    const actions = log.map((entry) => entry.action);
    expect(actions).toContain('forward');
    expect(actions.indexOf('review')).toBeGreaterThanOrEqual(0);
    expect(actions.indexOf('review')).toBeLessThan(actions.indexOf('forward'));
    expect(log.find((entry) => entry.action === 'review')).toMatchObject({
      principal: 'approver',
      detail: expect.objectContaining({ reason: 'CHG-7', recordedLate: expect.any(String) }),
    });
  });

  it("gives the caller Graph's answer when the outcome cannot be written, keeps it on disk, and writes it once the store is back", async () => {
    let failOutcomes = false;
    const proxy = await start({
      store: (database) =>
        new (class extends SqliteStore {
          override appendAudit(entries: AuditFields[]) {
            if (failOutcomes && entries.some((entry) => entry.action === 'outcome'))
              return Promise.reject(new Error('disk full'));
            return super.appendAudit(entries);
          }
        })(database),
    });
    failOutcomes = true;
    const answer = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.json.key).result).toBeTruthy();
    const requestId = answer.headers.get('request-id')!;
    expect(readFileSync(join(proxy.dir, 'proxy.sqlite.outcomes.ndjson'), 'utf8')).toContain(requestId);
    failOutcomes = false;
    await proxy.audit.flushSpool();
    const outcomes = (await entries(proxy, '&action=outcome')).filter(
      (entry) => entry.requestId === requestId,
    );
    expect(outcomes).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ status: 200, sent: 'yes', spooled: true }),
      }),
    ]);
    await proxy.audit.flushSpool();
    expect(
      (await entries(proxy, '&action=outcome')).filter((entry) => entry.requestId === requestId),
    ).toHaveLength(1);
  });

  it("stops writing with 503 when the chain's head row is deleted under it, and its log says why", async () => {
    const lines: string[] = [];
    const proxy = await start({ log: (line) => lines.push(String(line.message ?? '')) });
    expect((await proxy.call(userPath, { key: proxy.keys.requester, body: userBody })).status).toBe(200);
    const db = new Database(join(proxy.dir, 'proxy.sqlite'));
    db.prepare('DELETE FROM audit_head').run();
    db.close();
    const before = graphStats().received;
    const answer = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    expect(answer.status).toBe(503);
    expect(graphStats().received).toBe(before);
    expect(lines.join('\n')).toMatch(
      /the audit log cannot be written \(the audit chain's head row is missing/,
    );
    const ready = await proxy.call('/readyz', { key: proxy.keys.auditor });
    expect(ready.json.audit).toMatch(/head row is missing/);
  });
});

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

describe("the audit log's anchor outside the database", () => {
  async function signed() {
    const dir = tempDir();
    const keyFile = join(dir, 'signing-key.pem');
    const keys = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const witnessFile = join(dir, 'witness.ndjson');
    return {
      witnessFile,
      audit: { signingKeyFile: keyFile, witnessFile, checkpointEvery: { entries: 4, seconds: 3600 } },
    };
  }

  it('signs checkpoints into the database and the witness file; /audit/verify checks them with its own key', async () => {
    const { audit, witnessFile } = await signed();
    const proxy = await start({ config: { audit } });
    for (let call = 0; call < 3; call++)
      await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    await until('a checkpoint is in the witness file', () => existsSync(witnessFile));
    const checked = await verdict(proxy);
    expect(checked).toMatchObject({ valid: true });
    expect(checked.checkpoints.checked).toBeGreaterThan(0);
    expect(checked.unchecked.join(' ')).not.toMatch(/checkpoint signatures|witness file/);
  });

  it('takes the signing key from the environment variable the config names, and refuses to start without it', async () => {
    const keys = generateKeyPairSync('ed25519');
    const pem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const lines: string[] = [];
    const proxy = await start({
      config: { audit: { signingKeyEnv: 'ONDEMAND_AUDIT_KEY' } },
      env: { ONDEMAND_AUDIT_KEY: pem },
      log: (line) => lines.push(JSON.stringify(line)),
    });
    await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    await proxy.close();
    const db = new Database(join(proxy.dir, 'proxy.sqlite'), { readonly: true });
    const [checkpoint] = db.prepare('SELECT * FROM audit_checkpoints').all() as Array<Record<string, string>>;
    db.close();
    expect(checkpoint).toBeDefined();
    expect(lines.join('\n')).not.toContain(pem.split('\n')[1]!);
    await expect(start({ config: { audit: { signingKeyEnv: 'ONDEMAND_AUDIT_KEY' } } })).rejects.toThrow(
      'audit.signingKeyEnv names ONDEMAND_AUDIT_KEY, which is not set',
    );
  });

  it('starts past a witness line its own key never signed, and says which line it ignored', async () => {
    const { audit, witnessFile } = await signed();
    const lines: string[] = [];
    const first = await start({ config: { audit } });
    await first.call(userPath, { key: first.keys.requester, body: userBody });
    await first.close();
    // Anyone who can write the folder appends a checkpoint "signed" far beyond the log's end.
    const [last] = readFileSync(witnessFile, 'utf8').trim().split('\n').slice(-1);
    const forged = { ...JSON.parse(last!), seq: 1_000_000, signature: Buffer.alloc(64).toString('base64') };
    writeFileSync(witnessFile, `${readFileSync(witnessFile, 'utf8')}${JSON.stringify(forged)}\n`);
    const again = await assembleProxy({
      config: parseConfig({
        ...demoConfig(
          { baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId },
          join(first.dir, 'proxy.sqlite'),
        ).config,
        audit,
      }),
      ca: sim.caPem!,
      env: { AZURE_CLIENT_SECRET: sim.clientSecret },
      log: (line) => lines.push(String(line.message ?? '')),
    });
    await again.close();
    expect(lines.join('\n')).toMatch(
      /witness file .* line \d+ is not signed by this proxy's audit key: ignored/,
    );
  });

  it('refuses to start on a database that is behind its witness file, saying what to do', async () => {
    const { audit, witnessFile } = await signed();
    const first = await start({ config: { audit } });
    const database = join(first.dir, 'proxy.sqlite');
    const older = join(first.dir, 'older.sqlite');
    await first.call(userPath, { key: first.keys.requester, body: userBody });
    await first.close();
    copyFileSync(database, older);
    const second = await assembleProxy({
      config: parseConfig({
        ...demoConfig({ baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId }, database).config,
        audit,
      }),
      ca: sim.caPem!,
      env: { AZURE_CLIENT_SECRET: sim.clientSecret },
      log: () => {},
    });
    for (let call = 0; call < 3; call++)
      await second.app.request(userPath, {
        method: 'POST',
        headers: { authorization: `Bearer ${first.keys.requester}`, 'content-type': 'application/json' },
        body: userBody,
      });
    await second.close();
    expect(readFileSync(witnessFile, 'utf8').trim().split('\n').length).toBeGreaterThan(1);
    await expect(
      assembleProxy({
        config: parseConfig({
          ...demoConfig({ baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId }, older).config,
          audit,
        }),
        ca: sim.caPem!,
        env: { AZURE_CLIENT_SECRET: sim.clientSecret },
        log: () => {},
      }),
    ).rejects.toThrow(AuditLogBehindWitness);
  });
});

describe('what services and SDKs need', () => {
  const held = (proxy: Awaited<ReturnType<typeof start>>, headers: Record<string, string> = {}) =>
    proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody, headers });

  it('answers a held request 202 with an absolute Location and Retry-After, typed so no SDK takes it for Graph’s answer', async () => {
    const proxy = await start({ config: { publicUrl: 'https://ondemand.example.com' } });
    const answer = await held(proxy);
    expect(answer.status).toBe(202);
    expect(answer.headers.get('location')).toBe(`https://ondemand.example.com/approvals/${answer.json.id}`);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.json).toMatchObject({
      '@odata.type': '#ondemand.approval',
      state: 'pending',
      url: answer.headers.get('location'),
    });
    expect(answer.json).not.toHaveProperty('key');
    expect(answer.json).not.toHaveProperty('value');
  });

  it('holds a POST with Prefer: wait=N until it is decided, then answers as Graph answered the run', async () => {
    const proxy = await start();
    const waiting = held(proxy, { Prefer: 'wait=20' });
    const id = await until(
      'the request is held',
      async () => (await proxy.store.listApprovals('pending'))[0]?.id,
    );
    await proxy.call(`/approvals/${id}/approve`, { key: proxy.keys.approver, body: '{"reason":"ok"}' });
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.headers.get('preference-applied')).toBe('wait=20');
    expect(JSON.parse(answer.json.key).result).toBe('Success');
    expect(answer.json['@odata.context']).not.toContain(sim.url);

    const denied = held(proxy, { Prefer: 'wait=20' });
    const other = await until(
      'the second request is held',
      async () => (await proxy.store.listApprovals('pending'))[0]?.id,
    );
    await proxy.call(`/approvals/${other}/deny`, {
      key: proxy.keys.approver,
      body: '{"reason":"not this quarter"}',
    });
    const refused = await denied;
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/^Denied by approver: not this quarter/);
  });

  it('answers at the approval’s resultUrl as Graph answered the run: 202 until decided, Prefer: wait holds it', async () => {
    const proxy = await start();
    const asked = await held(proxy);
    const resultPath = new URL(asked.json.resultUrl).pathname;
    expect(resultPath).toBe(`/approvals/${asked.json.id}/result`);
    const early = await proxy.call(resultPath, { key: proxy.keys.requester });
    expect(early.status).toBe(202);
    expect(early.json['@odata.type']).toBe('#ondemand.approval');
    // Another requester may not follow it.
    expect((await proxy.call(resultPath, { key: proxy.keys['requester-2'] })).status).toBe(404);

    const waiting = proxy.call(resultPath, { key: proxy.keys.requester, headers: { Prefer: 'wait=20' } });
    await proxy.call(`/approvals/${asked.json.id}/approve`, {
      key: proxy.keys.approver,
      body: '{"reason":"ok"}',
    });
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.json.key).result).toBe('Success');
    expect(answer.json['@odata.context']).toMatch(/#microsoft.graph.stringKeyStringValuePair$/);
  });

  it("answers an approved run with Graph's own text and headers, as a direct call is answered", async () => {
    const proxy = await start();
    const asked = await held(proxy);
    // Graph's text as Graph spaces it: a run's answer must not be re-serialised on its way back.
    const graphText = '{ "key": "{\\"result\\":\\"Success\\",\\"details\\":{}}",\n  "value": "{}" }';
    sim.context.faults.add({
      kind: 'answer',
      count: 1,
      path: 'provisionOnDemand',
      status: 200,
      body: graphText,
    });
    await proxy.call(`/approvals/${asked.json.id}/approve`, {
      key: proxy.keys.approver,
      body: '{"reason":"ok"}',
    });
    const done = await until('the approved run finished', async () => {
      const record = await proxy.store.getApproval(asked.json.id);
      return record?.state === 'completed' && record;
    });
    const answer = await proxy.call(new URL(asked.json.resultUrl).pathname, { key: proxy.keys.requester });
    // Byte for byte as Graph sent it (its links naming the proxy), with Graph's own headers.
    expect(answer.text).toBe(graphText);
    expect(answer.headers.get('graph-request-id')).toBe(done.result!.graphRequestId);
    expect(answer.headers.get('graph-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('content-type')).toBe(done.result!.headers!['content-type']);
  });

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

  it('gives the same pending approval for the same request, with or without a key, instead of piling them up', async () => {
    const proxy = await start();
    const first = await held(proxy);
    const second = await held(proxy);
    const keyed = await held(proxy, { 'Idempotency-Key': 'group-1' });
    const keyedAgain = await held(proxy, { 'Idempotency-Key': 'group-1' });
    expect(new Set([first.json.id, second.json.id, keyed.json.id, keyedAgain.json.id]).size).toBe(1);
    expect(await proxy.store.listApprovals('pending')).toHaveLength(1);
  });

  it('lets the requester (or an admin) withdraw a pending request, audited; it then never runs', async () => {
    const proxy = await start();
    const answer = await held(proxy);
    // Another requester cannot see it: missing to them, as to GET, and nobody's name is given away.
    const theirs = await proxy.call(`/approvals/${answer.json.id}/withdraw`, {
      key: proxy.keys['requester-2'],
      method: 'POST',
    });
    const missing = await proxy.call('/approvals/no-such-id/withdraw', {
      key: proxy.keys['requester-2'],
      method: 'POST',
    });
    expect([theirs.status, missing.status]).toEqual([404, 404]);
    expect(theirs.json.error.message).toBe(`no approval has the id ${answer.json.id}`);
    expect(theirs.text).not.toContain('only requester');
    // An approver, who sees it, is told whose it is.
    expect(
      (
        await proxy.call(`/approvals/${answer.json.id}/withdraw`, {
          key: proxy.keys.approver,
          method: 'POST',
        })
      ).status,
    ).toBe(403);
    const withdrawn = await proxy.call(`/approvals/${answer.json.id}/withdraw`, {
      key: proxy.keys.requester,
      method: 'POST',
    });
    expect(withdrawn.json).toMatchObject({ state: 'withdrawn', withdrawn: { principal: 'requester' } });
    const review = await proxy.call(`/approvals/${answer.json.id}/approve`, {
      key: proxy.keys.approver,
      body: '{"reason":"ok"}',
    });
    expect(review.status).toBe(409);
    expect(
      (
        await proxy.call(`/approvals/${answer.json.id}/withdraw`, {
          key: proxy.keys.requester,
          method: 'POST',
        })
      ).status,
    ).toBe(409);
    expect(
      (await entries(proxy, '&action=withdrawn')).map((entry) => entry.detail.refused ?? 'withdrawn'),
    ).toEqual(['not_found', 'not_found', 'not_requester', 'withdrawn', 'decided']);
    const listed = await proxy.call('/approvals?state=withdrawn', { key: proxy.keys.approver });
    expect(listed.json.value.map((view: { id: string }) => view.id)).toEqual([answer.json.id]);
  });

  it('tells each caller what they may do with an approval, and why not, as a review would be decided', async () => {
    const proxy = await start();
    const held = await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    const asSeenBy = async (principal: string) =>
      (await proxy.call(`/approvals/${held.json.id}`, { key: proxy.keys[principal] })).json.youMay;
    expect(await asSeenBy('approver')).toEqual({
      review: { allowed: true, why: null },
      withdraw: { allowed: false, why: expect.stringMatching(/only requester \(or an admin\) can withdraw/) },
    });
    expect(await asSeenBy('requester')).toEqual({
      review: { allowed: false, why: expect.stringMatching(/nobody approves or denies their own request/) },
      withdraw: { allowed: true, why: null },
    });
    expect((await asSeenBy('auditor')).review.why).toMatch(/needs the role approver/);
    await proxy.call(`/approvals/${held.json.id}/deny`, {
      key: proxy.keys.approver,
      body: '{"reason":"no"}',
    });
    expect((await asSeenBy('approver-2')).review.why).toMatch(/already denied/);
  });

  it('names what it holds: the app, the job, the rule, each subject and member, next to the ids', async () => {
    const proxy = await start();
    const body = JSON.stringify(
      groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [ids.groupMembers[0]] }),
    );
    const answer = await proxy.call(groupPath, { key: proxy.keys.requester, body });
    const names = answer.json.names;
    expect(names.servicePrincipal).toBeTruthy();
    expect(names.job).toBeTruthy();
    expect(names.rules[ids.groupRule]).toBeTruthy();
    expect(names.objects[ids.group]).toMatchObject({ type: 'group', displayName: expect.any(String) });
    expect(names.objects[ids.groupMembers[0]]).toMatchObject({
      type: 'user',
      displayName: expect.any(String),
    });
  });

  it('lists approvals with validated filters and a cursor; a requester sees their own; a denial carries its reason', async () => {
    const proxy = await start();
    const made: string[] = [];
    for (const member of ids.groupMembers) {
      const body = JSON.stringify(
        groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [member] }),
      );
      made.push((await proxy.call(groupPath, { key: proxy.keys.requester, body })).json.id);
    }
    await proxy.call(`/approvals/${made[0]}/deny`, {
      key: proxy.keys.approver,
      body: '{"reason":"not this quarter"}',
    });
    const page = await proxy.call('/approvals?limit=1', { key: proxy.keys.approver });
    expect(page.json.value.map((view: { id: string }) => view.id)).toEqual([made[1]]);
    const next = await proxy.call(page.json['@odata.nextLink'].replace(/^https?:\/\/[^/]+/, ''), {
      key: proxy.keys.approver,
    });
    expect(next.json.value[0]).toMatchObject({
      id: made[0],
      state: 'denied',
      denial: { principal: 'approver', reason: 'not this quarter' },
    });
    expect(
      (
        await proxy.call(
          `/approvals?requester=requester&servicePrincipal=${ids.groupServicePrincipal.toUpperCase()}`,
          { key: proxy.keys.auditor },
        )
      ).json.value,
    ).toHaveLength(2);
    expect((await proxy.call('/approvals', { key: proxy.keys['requester-2'] })).json.value).toEqual([]);
    const unknown = await proxy.call('/approvals?state=lost', { key: proxy.keys.approver });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toMatch(/state is one of pending, approved/);
    expect(
      (await proxy.call('/approvals?color=red', { key: proxy.keys.approver })).json.error.message,
    ).toMatch(/unknown color/);
  });

  it('holds a list call with If-None-Match and Prefer: wait until the list changes, so an inbox stays current', async () => {
    const proxy = await start();
    const inbox = () => proxy.call('/approvals?state=pending', { key: proxy.keys.approver });
    const first = await inbox();
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    // Nothing changed: at once 304 without a wait, and 304 after a short one.
    const same = { key: proxy.keys.approver, headers: { 'If-None-Match': etag } };
    expect((await proxy.call('/approvals?state=pending', same)).status).toBe(304);
    const waited = await proxy.call('/approvals?state=pending', {
      ...same,
      headers: { ...same.headers, Prefer: 'wait=1' },
    });
    expect(waited.status).toBe(304);
    // A new request wakes the held call with the new page and its new ETag.
    const holding = proxy.call('/approvals?state=pending', {
      ...same,
      headers: { ...same.headers, Prefer: 'wait=20' },
    });
    const held = await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    const changed = await holding;
    expect(changed.status).toBe(200);
    expect(changed.json.value.map((view: { id: string }) => view.id)).toContain(held.json.id);
    expect(changed.headers.get('etag')).not.toBe(etag);
    // So does its decision.
    const decided = proxy.call('/approvals?state=pending', {
      key: proxy.keys.approver,
      headers: { 'If-None-Match': changed.headers.get('etag')!, Prefer: 'wait=20' },
    });
    await proxy.call(`/approvals/${held.json.id}/deny`, {
      key: proxy.keys.approver,
      body: '{"reason":"no"}',
    });
    expect((await decided).json.value.map((view: { id: string }) => view.id)).not.toContain(held.json.id);
  });

  it('describes in /openapi.json what it serves: the approval routes, their filters, the headers SDKs send', async () => {
    const proxy = await start();
    const { paths } = (await proxy.call('/openapi.json')).json;
    const list = paths['/approvals'].get.parameters;
    expect(list.map((parameter: { name: string }) => parameter.name)).toEqual([
      'state',
      'requester',
      'servicePrincipal',
      'from',
      'to',
      'cursor',
      'limit',
      'If-None-Match',
      'Prefer',
    ]);
    expect(list[0].schema.enum).toContain('withdrawn');
    expect(paths['/approvals/{id}/withdraw'].post).toBeDefined();
    expect(paths['/approvals/{id}/result'].get.responses['202']).toBeDefined();
    const provision = paths['/v1.0/servicePrincipals/{sp}/synchronization/jobs/{job}/provisionOnDemand'].post;
    expect(provision.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
      expect.arrayContaining(['Prefer', 'Idempotency-Key']),
    );
    const approval = paths['/approvals/{id}'].get.responses['200'].content['application/json'].schema;
    expect(Object.keys(approval.properties)).toEqual(
      expect.arrayContaining(['url', 'resultUrl', 'names', 'denial', 'withdrawn']),
    );
  });

  it('writes every URL from its public address, or a trusted proxy’s Forwarded headers, never from the Host header', async () => {
    const open = await start();
    const spoofed = await open.call('/v1.0/servicePrincipals?$top=1', {
      key: open.keys.requester,
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    });
    expect(spoofed.json['@odata.nextLink']).not.toContain('evil.example');
    expect(spoofed.json['@odata.nextLink']).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const published = await start({ config: { publicUrl: 'https://ondemand.example.com/' } });
    const page = await published.call('/v1.0/servicePrincipals?$top=1', { key: published.keys.requester });
    expect(page.json['@odata.nextLink']).toMatch(
      /^https:\/\/ondemand\.example\.com\/v1\.0\/servicePrincipals\?/,
    );
    expect(page.json['@odata.context']).toMatch(/^https:\/\/ondemand\.example\.com\//);
  });
});
