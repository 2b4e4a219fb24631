import { documentedIds as ids } from '@ondemand/simulator';
import { until } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';
import { entries, simPaths, start, useSimulator } from './harness.js';

useSimulator();

const job = `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}`;
const jobStatus = async (proxy: Awaited<ReturnType<typeof start>>) =>
  (await proxy.call(job, { key: proxy.keys.requester })).json.status.code as string;
const sentToGraph = (action: string) => simPaths().filter((path) => path.endsWith(`/${action}`)).length;

describe('job actions through the proxy: judged by the policy, audited, run once', () => {
  it('passes an allowed pause and start on to Graph and audits each with its action', async () => {
    const proxy = await start();
    const paused = await proxy.call(`${job}/pause`, { key: proxy.keys.requester, method: 'POST' });
    expect(paused.status).toBe(204);
    expect(await jobStatus(proxy)).toBe('Paused');
    const started = await proxy.call(`${job}/start`, { key: proxy.keys.requester, body: '{}' });
    expect(started.status).toBe(204);
    expect(await jobStatus(proxy)).toBe('Active');

    const log = await entries(proxy);
    const pause = log.filter((entry) => entry.subject === 'pause');
    expect(pause.map((entry) => entry.action)).toEqual(['request', 'decision', 'forward', 'outcome']);
    expect(pause[0]!.detail).toMatchObject({ action: 'pause', body: {} });
    expect(pause[1]!.detail).toMatchObject({ decision: 'allow', rule: 'start, pause and credential tests' });
    expect(pause[3]!.detail).toMatchObject({ status: 204, sent: 'yes', action: 'pause' });
    expect((await proxy.call('/audit/verify', { key: proxy.keys.auditor })).json.valid).toBe(true);
  });

  it('holds a restart for an approver, shows what runs, and runs it once when approved', async () => {
    const proxy = await start();
    const before = sentToGraph('restart');
    const asked = await proxy.call(`${job}/restart`, {
      key: proxy.keys.requester,
      body: JSON.stringify({ criteria: { resetScope: ' watermark, escrows ' } }),
      headers: { 'x-ondemand-reason': 'the new mapping must reach everyone' },
    });
    expect(asked.status).toBe(202);
    expect(asked.json.request).toMatchObject({
      path: `${job}/restart`,
      body: { criteria: { resetScope: 'Watermark,Escrows' } },
    });
    expect(asked.json.names.servicePrincipal).toBeTruthy();
    expect(asked.json.names.rules).toEqual({});
    expect(sentToGraph('restart')).toBe(before);

    // The same restart asked again while it waits is the same approval, not a second run.
    const again = await proxy.call(`${job}/restart`, {
      key: proxy.keys.requester,
      body: JSON.stringify({ criteria: { resetScope: 'Watermark,Escrows' } }),
    });
    expect(again.json.id).toBe(asked.json.id);

    const self = await proxy.call(`/approvals/${asked.json.id}/approve`, {
      key: proxy.keys.requester,
      body: '{"reason":"mine"}',
    });
    expect(self.status).toBe(403);
    await proxy.call(`/approvals/${asked.json.id}/approve`, {
      key: proxy.keys.approver,
      body: '{"reason":"agreed in the change board"}',
    });
    const done = await until('the restart has run', async () => {
      const view = (await proxy.call(`/approvals/${asked.json.id}`, { key: proxy.keys.requester })).json;
      return view.state === 'completed' ? view : undefined;
    });
    expect(done.result.status).toBe(204);
    expect(sentToGraph('restart')).toBe(before + 1);

    const restart = (await entries(proxy)).filter(
      (entry) => entry.subject === 'restart Watermark,Escrows' || entry.detail?.approval === asked.json.id,
    );
    // Asked twice (the second answered with the first's approval), reviewed, run once.
    expect(restart.map((entry) => entry.action)).toEqual([
      'request',
      'decision',
      'request',
      'decision',
      'review',
      'forward',
      'outcome',
    ]);
    expect(restart[0]!.detail).toMatchObject({
      action: 'restart',
      body: { criteria: { resetScope: 'Watermark,Escrows' } },
    });
    expect(restart[1]!.detail).toMatchObject({
      decision: 'require_approval',
      rule: 'job restarts need an approver',
    });
    expect(restart[6]!.detail).toMatchObject({ status: 204, approval: asked.json.id, action: 'restart' });
  });

  it('refuses the scopes Microsoft marks DO NOT USE and credentials in a body, sending nothing and keeping no secret', async () => {
    const proxy = await start();
    const before = simPaths().length;
    const doNotUse = await proxy.call(`${job}/restart`, {
      key: proxy.keys.requester,
      body: JSON.stringify({ criteria: { resetScope: 'ConnectorDataStore' } }),
    });
    expect(doNotUse.status).toBe(400);
    expect(doNotUse.json.error.message).toMatch(
      /criteria\.resetScope: ConnectorDataStore .*Microsoft Support/,
    );

    const secret = 'p4ss-\u001b]0;owned\u0007-word';
    const withCredentials = await proxy.call(`${job}/validateCredentials`, {
      key: proxy.keys.requester,
      body: JSON.stringify({
        useSavedCredentials: false,
        credentials: [{ key: 'SecretToken', value: secret }],
      }),
    });
    expect(withCredentials.status).toBe(400);
    expect(withCredentials.json.error.message).toMatch(/save them on the job/);
    expect(withCredentials.text).not.toContain('p4ss');
    expect(JSON.stringify(await entries(proxy))).not.toContain('p4ss');
    expect(simPaths().length).toBe(before);

    const tested = await proxy.call(`${job}/validateCredentials`, {
      key: proxy.keys.requester,
      body: '{"useSavedCredentials":true}',
    });
    expect(tested.status).toBe(204);
  });

  it('answers a retry with the same Idempotency-Key once, and refuses the key for another action', async () => {
    const proxy = await start();
    const headers = { 'idempotency-key': 'pause-once' };
    const before = sentToGraph('pause');
    const first = await proxy.call(`${job}/pause`, { key: proxy.keys.requester, method: 'POST', headers });
    const retry = await proxy.call(`${job}/pause`, { key: proxy.keys.requester, method: 'POST', headers });
    expect([first.status, retry.status]).toEqual([204, 204]);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(sentToGraph('pause')).toBe(before + 1);
    const other = await proxy.call(`${job}/start`, { key: proxy.keys.requester, method: 'POST', headers });
    expect(other.status).toBe(422);
    await proxy.call(`${job}/start`, { key: proxy.keys.requester, method: 'POST' });
  });
});
