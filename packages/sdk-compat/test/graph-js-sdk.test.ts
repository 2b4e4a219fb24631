import { type GraphError, PageIterator, ResponseType } from '@microsoft/microsoft-graph-client';
import { groupRequest, userRequest } from '@ondemand/core';
import { documentedIds as ids } from '@ondemand/simulator';
import { until } from '@ondemand/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionOnDemand, proxyClient } from '../snippets/graph-js-sdk-proxy.js';
import { type Servers, startServers } from './servers.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(() => servers.stop());

const userPath = `/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`;
const groupPath = `/servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/${ids.groupJob}/provisionOnDemand`;
const groupBody = groupRequest({
  ruleId: ids.groupRule,
  groupId: ids.group,
  memberIds: [ids.groupMembers[0]],
});

describe('the Graph JS SDK 3.x, default middleware, against the proxy over HTTPS', () => {
  it('provisions a user with only a base URL, the CA and an auth provider that returns the API key', async () => {
    const client = proxyClient(servers.proxy.url, servers.keys.requester!);
    const before = servers.graphCalls();
    const answer = await provisionOnDemand(
      client,
      userPath,
      userRequest({ ruleId: ids.saasRule, userId: servers.assignedUsers[2]! }),
    );
    expect(JSON.parse(answer.key).result).toBe('Success');
    expect(answer['@odata.context']).toMatch(new RegExp(`^${servers.proxy.url}/v1.0/\\$metadata#`));
    expect(servers.graphCalls().processed - before.processed).toBe(1);
  });

  it('pauses and starts a job through the proxy with the SDK as it would with Graph (204, no body), audited', async () => {
    const client = proxyClient(servers.proxy.url, servers.keys.requester!);
    const job = `/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}`;
    const paused: Response = await client.api(`${job}/pause`).responseType(ResponseType.RAW).post({});
    expect(paused.status).toBe(204);
    expect((await client.api(job).get()).status.code).toBe('Paused');
    // The SDK's plain post() reads the empty 204 without complaint.
    await expect(client.api(`${job}/start`).post({})).resolves.toBeFalsy();
    expect((await client.api(job).get()).status.code).toBe('Active');
    // A restart the demo policy holds for an approver is a 202 the SDK cannot take for Graph's answer.
    const held: Response = await client
      .api(`${job}/restart`)
      .responseType(ResponseType.RAW)
      .post({ criteria: { resetScope: 'Escrows' } });
    expect(held.status).toBe(202);
    const approval = (await held.json()) as { '@odata.type': string; id: string };
    expect(approval['@odata.type']).toBe('#ondemand.approval');
    // Withdrawn, so the tests after this one find no restart of ours waiting.
    await client.api(`${servers.proxy.url}/approvals/${approval.id}/withdraw`).post({});
  });

  it('pages service principals with PageIterator and $top=1, following the proxy’s absolute nextLinks', async () => {
    const client = proxyClient(servers.proxy.url, servers.keys.requester!);
    const first = await client.api('/servicePrincipals').top(1).get();
    expect(first['@odata.nextLink']).toMatch(new RegExp(`^${servers.proxy.url}/v1.0/servicePrincipals\\?`));
    const names: string[] = [];
    await new PageIterator(client, first, (servicePrincipal) => {
      names.push(servicePrincipal.displayName);
      return true;
    }).iterate();
    const seeded = [...servers.sim.context.tenant.servicePrincipals.values()].map((sp) => sp.displayName);
    expect(seeded.length).toBeGreaterThan(1);
    expect(names.sort()).toEqual([...seeded].sort());
  });

  it('sees a held request as held (202, Location, #ondemand.approval) and follows it to Graph’s answer', async () => {
    const client = proxyClient(servers.proxy.url, servers.keys.requester!);
    const raw: Response = await client.api(groupPath).responseType(ResponseType.RAW).post(groupBody);
    expect(raw.status).toBe(202);
    const held = (await raw.json()) as { '@odata.type': string; id: string; url: string };
    expect(held['@odata.type']).toBe('#ondemand.approval');
    expect(raw.headers.get('location')).toBe(held.url);
    expect(raw.headers.get('retry-after')).toBe('5');
    expect(held).not.toHaveProperty('key');

    const before = servers.graphCalls();
    const answer = provisionOnDemand(client, groupPath, groupBody);
    // The same request again shares the pending approval: once that 202 is out, the snippet follows it.
    await until('the snippet’s POST is held', () => servers.answered('POST', `/v1.0${groupPath}`, 202) >= 2);
    await servers.approve(held.id);
    const result = await answer;
    expect(JSON.parse(result.key).result).toBeTruthy();
    expect(servers.graphCalls().received - before.received).toBe(1);
  });

  it('hears a denial as a 403 GraphError carrying the approver’s reason', async () => {
    const client = proxyClient(servers.proxy.url, servers.keys.requester!);
    const body = groupRequest({
      ruleId: ids.groupRule,
      groupId: ids.group,
      memberIds: [ids.groupMembers[1]],
    });
    const answer = provisionOnDemand(client, groupPath, body).catch((error: GraphError) => error);
    const [held] = await until('the request is held', async () => {
      const pending = await servers.pending();
      return pending.length > 0 && pending;
    });
    await servers.deny(held!, 'not this quarter');
    const refused = (await answer) as GraphError;
    expect(refused.statusCode).toBe(403);
    expect(refused.message).toMatch(/^Denied by approver: not this quarter/);
  });

  it('reaches Graph once for a retried POST with the same Idempotency-Key', async () => {
    const client = proxyClient(servers.proxy.url, servers.keys.requester!);
    const body = userRequest({ ruleId: ids.saasRule, userId: servers.assignedUsers[0]! });
    const before = servers.graphCalls();
    const first = await client.api(userPath).header('Idempotency-Key', 'sdk-retry-1').post(body);
    const again = await client.api(userPath).header('Idempotency-Key', 'sdk-retry-1').post(body);
    expect(again).toEqual(first);
    expect(servers.graphCalls().received - before.received).toBe(1);
  });

  it('does not send a POST again when its answer was lost: its retry handler leaves the proxy’s 502 alone', async () => {
    const client = proxyClient(servers.proxy.url, servers.keys.requester!);
    const before = servers.graphCalls();
    servers.sim.context.faults.add({ kind: '504-after-processing', count: 1, path: 'provisionOnDemand' });
    const lost: GraphError = await client
      .api(userPath)
      .post(userRequest({ ruleId: ids.saasRule, userId: servers.assignedUsers[1]! }))
      .catch((error) => error);
    expect(lost.statusCode).toBe(502);
    expect(lost.message).toMatch(/may have run in Graph, and the proxy will not send it again/);
    expect(servers.graphCalls().received - before.received).toBe(1);
  });
});
