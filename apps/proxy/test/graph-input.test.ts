import { userRequest } from '@ondemand/core';
import { documentedIds as ids } from '@ondemand/simulator';
import { describe, expect, it } from 'vitest';
import {
  entries,
  graphStats,
  groupBody,
  groupPath,
  sim,
  simPaths,
  start,
  userBody,
  userPath,
  useSimulator,
  verdict,
} from './harness.js';

useSimulator();

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

  it('passes the provisioning logs only to those who check, audited and paced in the reports limit; a user’s apps and groups to any role', async () => {
    const proxy = await start();
    sim.context.service.log.visibilityDelayMs = 0;
    await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    const logs = `/v1.0/auditLogs/provisioning?$filter=${encodeURIComponent(`sourceIdentity/id eq '${ids.saasUser}'`)}`;
    const refused = await proxy.call(logs, { key: proxy.keys.requester });
    expect(refused.status).toBe(403);
    expect(await entries(proxy, '&action=forbidden')).toHaveLength(1);
    const throttledBefore = sim.context.stats.snapshot().throttled;
    // More reads at once than Graph's reports limit lets through in one window: they wait, none is a 429.
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => proxy.call(logs, { key: proxy.keys.auditor })),
    );
    for (const answer of answers) expect(answer.status).toBe(200);
    expect(answers[0]!.json.value[0]).toMatchObject({
      sourceIdentity: { id: ids.saasUser },
      jobId: ids.saasJob,
    });
    expect(sim.context.stats.snapshot().throttled).toBe(throttledBefore);
    const reads = await entries(proxy, '&action=read');
    expect(
      reads.filter((entry) => String(entry.detail?.path).includes('auditLogs/provisioning')),
    ).toHaveLength(8);
    for (const path of [
      `/v1.0/users/${ids.saasUser}/appRoleAssignments`,
      `/v1.0/users/${ids.saasUser}/memberOf`,
    ]) {
      const answer = await proxy.call(path, { key: proxy.keys.requester });
      expect(answer.status, path).toBe(200);
    }
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

  it('serves /metrics to anyone by default, and with metricsNeedKey only to a caller with a key', async () => {
    const open = await start();
    expect((await open.call('/metrics')).status).toBe(200);
    const closed = await start({ config: { metricsNeedKey: true } });
    const before = (await entries(closed)).length;
    const refused = await closed.call('/metrics');
    expect(refused.status).toBe(401);
    expect(refused.text).not.toContain('ondemand_proxy_');
    // A scraper without its key adds nothing to the log (the README says so).
    expect(await entries(closed, '&action=rejected')).toEqual([]);
    expect((await entries(closed)).length).toBe(before);
    const scraped = await closed.call('/metrics', { key: closed.keys.auditor });
    expect(scraped.status).toBe(200);
    expect(scraped.text).toMatch(/^ondemand_proxy_approvals_pending \d+$/m);
  });

  it('records unauthenticated calls one by one only up to a budget a minute, and counts the rest in the next entry', async () => {
    let now = Date.parse('2026-12-07T10:00:00Z');
    const proxy = await start({
      now: () => new Date(now),
      config: { audit: { unauthenticatedPerMinute: 5 } },
    });
    const knock = () => proxy.call(userPath, { body: userBody });
    for (let call = 0; call < 12; call++) expect((await knock()).status).toBe(401);
    const failures = () => entries(proxy, '&action=auth_failure');
    expect(await failures()).toHaveLength(5);
    now += 61_000;
    expect((await knock()).status).toBe(401);
    const recorded = await failures();
    expect(recorded).toHaveLength(6);
    expect(recorded.at(-1)!.detail).toMatchObject({ notRecordedBefore: 7 });
  });

  it('tells an unauthenticated /readyz only whether it is ready', async () => {
    const proxy = await start();
    const open = await proxy.call('/readyz');
    expect(open.json).toEqual({ status: 'ready' });
    expect(open.text).not.toContain(sim.clientId);
  });
});
