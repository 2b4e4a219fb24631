import { groupRequest } from '@ondemand/core';
import { documentedIds as ids } from '@ondemand/simulator';
import { until } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { entries, groupBody, groupPath, held, sim, start, useSimulator } from './harness.js';

useSimulator();

describe('approvals as services and SDKs need them', () => {
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

  it("shares one page among one principal's held list calls, and holds at most ten of them", {
    tags: ['slow'],
  }, async () => {
    let pageReads = 0;
    const proxy = await start({
      store: (database) =>
        new (class extends SqliteStore {
          override queryApprovals(...args: Parameters<SqliteStore['queryApprovals']>) {
            pageReads += 1;
            return super.queryApprovals(...args);
          }
        })(database),
    });
    const first = await proxy.call('/approvals?state=pending', { key: proxy.keys.approver });
    const hold = {
      key: proxy.keys.approver,
      headers: { 'If-None-Match': first.headers.get('etag')!, Prefer: 'wait=20' },
    };
    const polls = Array.from({ length: 40 }, () => proxy.call('/approvals?state=pending', hold));
    // Thirty past the cap are answered at once (304: nothing changed), not held.
    const quick = await Promise.race([
      Promise.all(polls.slice(10)),
      new Promise((resolve) => setTimeout(resolve, 5_000)),
    ]);
    expect(Array.isArray(quick) && quick.every((answer) => answer.status === 304)).toBe(true);
    const readsBefore = pageReads;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // The ten held ones re-read about once a second together, not ten times a second.
    expect(pageReads - readsBefore).toBeLessThanOrEqual(6);
    await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    const woken = await Promise.all(polls.slice(0, 10));
    expect(woken.every((answer) => answer.status === 200)).toBe(true);
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

  it('holds at most maxPendingPerRequester requests of one requester: one more is refused (429) and audited, the same one again is not', async () => {
    const proxy = await start({ config: { maxPendingPerRequester: 2 } });
    const groupWith = (member: string) =>
      JSON.stringify(groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [member] }));
    const [first, second] = [ids.groupMembers[0]!, ids.groupMembers[1]!];
    for (const member of [first, second])
      expect(
        (await proxy.call(groupPath, { key: proxy.keys.requester, body: groupWith(member) })).status,
      ).toBe(202);
    const third = await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    expect(third.status).toBe(429);
    expect(third.json.error.message).toMatch(/^You have 2 requests waiting for approval/);
    expect((await entries(proxy, '&action=rejected')).at(-1)?.detail).toMatchObject({ status: 429 });
    // Asking again for one that waits gets that one, not a refusal.
    expect((await proxy.call(groupPath, { key: proxy.keys.requester, body: groupWith(first) })).status).toBe(
      202,
    );
    // Another requester has a share of their own.
    expect((await proxy.call(groupPath, { key: proxy.keys['requester-2'], body: groupBody })).status).toBe(
      202,
    );
    expect((await proxy.store.listApprovals('pending')).length).toBe(3);
  });

  it("records the Graph reads the proxy made with its own permissions for a request, in that request's entries", async () => {
    const proxy = await start();
    const asked = await held(proxy);
    const mine = (await entries(proxy)).filter(
      (entry) => entry.requestId === asked.headers.get('request-id'),
    );
    const request = mine.find((entry) => entry.action === 'request')!;
    const decision = mine.find((entry) => entry.action === 'decision')!;
    expect(request.detail.proxyReads).toEqual([
      { call: 'POST /directoryObjects/getByIds', for: 'subject types', objects: 2 },
    ]);
    expect(decision.detail.proxyReads).toEqual([
      { call: `GET /servicePrincipals/${ids.groupServicePrincipal}`, for: 'the names approvers read' },
      {
        call: `GET /servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs`,
        for: 'the names approvers read',
      },
      {
        call: `GET /servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/${ids.groupJob}/schema`,
        for: 'the names approvers read',
      },
    ]);
    // Asked again: the subjects are known from the first look-up, and the request that waits is
    // answered as it is, so the proxy reads nothing from Graph and records no reads.
    const again = await held(proxy);
    const second = (await entries(proxy)).filter(
      (entry) => entry.requestId === again.headers.get('request-id'),
    );
    expect(second.map((entry) => entry.action)).toEqual(['request', 'decision']);
    expect(second.every((entry) => entry.detail.proxyReads === undefined)).toBe(true);
  });
});
