import { join } from 'node:path';
import { groupRequest } from '@ondemand/core';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { until } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import {
  AuthError,
  createGraphClient,
  createProxyClient,
  type ProxyClient,
  ProxyRefusedError,
} from '@ondemand/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig, type RunningProxy, startProxy } from '../src/index.js';

let sim: RunningSimulator;
let proxy: RunningProxy;
let keys: Record<string, string>;
const clients: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 20 });
  const demo = demoConfig(
    { baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId },
    join(tempDir('proxy-client-'), 'proxy.sqlite'),
  );
  keys = demo.keys;
  proxy = await startProxy({
    config: parseConfig(demo.config),
    ca: sim.caPem!,
    env: { AZURE_CLIENT_SECRET: sim.clientSecret },
    log: () => {},
  });
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await proxy.stop();
  await sim.stop();
});

function as(principal: string): ProxyClient {
  const client = createProxyClient({ baseUrl: proxy.url, apiKey: keys[principal]! });
  clients.push(client);
  return client;
}

/** Holds a group request (the demo policy needs an approver for groups) and gives its approval id. */
async function hold(member: string, principal = 'requester'): Promise<string> {
  const answer = await fetch(
    `${proxy.url}/v1.0/servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/${ids.groupJob}/provisionOnDemand`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${keys[principal]}`, 'content-type': 'application/json' },
      body: JSON.stringify(groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [member] })),
    },
  );
  return ((await answer.json()) as { id: string }).id;
}

describe('job actions through a proxy with the Graph client', () => {
  it('follows a restart the proxy holds for approval and resolves once it ran', async () => {
    const graph = createGraphClient({ baseUrl: proxy.url, apiKey: keys.requester, env: {} });
    clients.push(graph);
    const states: string[] = [];
    const restarting = graph.restartJob(ids.saasServicePrincipal, ids.saasJob, 'QuarantineState', {
      onPending: (approval) => states.push(approval.state),
    });
    const id = await until(
      'the restart is held',
      async () =>
        (await as('approver').listApprovals({ state: 'pending' })).approvals.find((approval) =>
          approval.request.path.endsWith('/restart'),
        )?.id,
    );
    await as('approver').review(id, 'approve', 'ok');
    await expect(restarting).resolves.toBeUndefined();
    expect(states[0]).toBe('pending');
    expect(states.at(-1)).toBe('completed');
  });
});

describe("the proxy's own API through ProxyClient", () => {
  it('lists, reads, reviews and waits for approvals; the requester sees the run', async () => {
    const id = await hold(ids.groupMembers[0]);
    const { approvals } = await as('approver').listApprovals({ state: 'pending' });
    expect(approvals.map((approval) => approval.id)).toContain(id);
    expect((await as('approver').getApproval(id)).names?.servicePrincipal).toBeTruthy();

    const states: string[] = [];
    const waiting = as('requester').waitForApproval(id, {
      onChange: (approval) => states.push(approval.state),
    });
    await as('approver').review(id, 'approve', 'looks right');
    const done = await waiting;
    expect(done.state).toBe('completed');
    expect(states[0]).toBe('pending');
    expect(states.at(-1)).toBe('completed');
  });

  it('says a refusal as a ProxyRefusedError with the proxy’s status and words, a bad key as an AuthError', async () => {
    const id = await hold(ids.groupMembers[1]);
    const requester = await as('requester')
      .review(id, 'approve', 'mine')
      .catch((error) => error);
    expect(requester).toBeInstanceOf(ProxyRefusedError);
    expect(requester).toMatchObject({ status: 403, reason: 'role' });
    const own = await as('admin')
      .review(await hold(ids.groupMembers[0], 'admin'), 'approve', 'mine')
      .catch((error) => error);
    expect(own).toMatchObject({ status: 403, reason: 'self_review' });
    await as('approver').review(id, 'deny', 'not this quarter');
    const again = await as('approver-2')
      .review(id, 'approve', 'late')
      .catch((error) => error);
    expect(again).toBeInstanceOf(ProxyRefusedError);
    expect(again.status).toBe(409);
    expect(again.reason).toBe('decided');
    const missing = await as('approver')
      .getApproval('nope')
      .catch((error) => error);
    expect(missing.status).toBe(404);
    expect(missing.reason).toBeUndefined();
    const badKey = createProxyClient({ baseUrl: proxy.url, apiKey: 'odp_wrong' });
    clients.push(badKey);
    const refused = await badKey.listApprovals().catch((error) => error);
    expect(refused).toBeInstanceOf(AuthError);
    expect(refused.message).toMatch(
      /^the proxy refused the API key .*: check --api-key or ONDEMAND_API_KEY$/,
    );
  });

  it('watches the pending list: a new request and a withdrawal each bring a fresh page', async () => {
    const stop = new AbortController();
    const pages: string[][] = [];
    const watching = (async () => {
      try {
        for await (const page of as('approver').watchApprovals({ state: 'pending' }, { signal: stop.signal }))
          pages.push(page.map((approval) => approval.id));
      } catch (error) {
        if (!stop.signal.aborted) throw error;
      }
    })();
    await until('the first page', () => pages.length === 1);
    const id = await hold(ids.groupMembers[0]);
    await until('the new request shows', () => pages.at(-1)?.includes(id));
    await as('requester').withdraw(id);
    await until('the withdrawal shows', () => pages.length > 2 && !pages.at(-1)!.includes(id));
    stop.abort();
    await watching;
  });

  it('reads and follows the audit log, and verifies it', async () => {
    const auditor = as('auditor');
    const all: number[] = [];
    for await (const entry of auditor.auditEntries({ limit: 2 })) all.push(entry.seq);
    expect(all.length).toBeGreaterThan(3);
    expect(all).toEqual([...all].sort((a, b) => a - b));
    const stop = new AbortController();
    const followed: string[] = [];
    const following = (async () => {
      try {
        for await (const entry of auditor.auditEntries(
          { action: 'withdrawn' },
          { follow: true, pollMs: 50, signal: stop.signal },
        ))
          followed.push(entry.requestId);
      } catch (error) {
        if (!stop.signal.aborted) throw error;
      }
    })();
    const id = await hold(ids.groupMembers[0]);
    await as('requester').withdraw(id);
    await until('the withdrawal is followed', () => followed.length >= 2);
    stop.abort();
    await following;
    expect((await auditor.verifyAudit()).valid).toBe(true);
  });
});

// The requester's own client stops waiting at once when asked, and the request stays pending.
describe('a requester waiting for approval', () => {
  it('stops at once on abort; the request stays pending', async () => {
    const graph = createGraphClient({ baseUrl: proxy.url, apiKey: keys.requester, env: {} });
    clients.push(graph);
    const stop = new AbortController();
    let pendingId: string | undefined;
    const waiting = graph
      .provisionOnDemand(
        ids.groupServicePrincipal,
        ids.groupJob,
        groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [ids.groupMembers[1]] }),
        { signal: stop.signal, onPending: (approval) => (pendingId = approval.id) },
      )
      .catch((error) => error);
    await until('the request is held', () => pendingId);
    const stoppedAt = Date.now();
    stop.abort();
    const error = await waiting;
    expect(error.code).toBe('aborted');
    // Not a speed check: the proxy holds each long-poll 25 s, so anything but a cancel takes that long.
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect((await as('requester').getApproval(pendingId!)).state).toBe('pending');
  });
});
