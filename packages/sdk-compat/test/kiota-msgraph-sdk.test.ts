import { HttpMethod, RequestInformation } from '@microsoft/kiota-abstractions';
import {
  createServicePrincipalCollectionResponseFromDiscriminatorValue,
  createStringKeyStringValuePairFromDiscriminatorValue,
  type ServicePrincipal,
  type ServicePrincipalCollectionResponse,
  type StringKeyStringValuePair,
} from '@microsoft/msgraph-sdk/models/index.js';
import {
  createODataErrorFromDiscriminatorValue,
  type ODataError,
} from '@microsoft/msgraph-sdk/models/oDataErrors/index.js';
import { PageIterator } from '@microsoft/msgraph-sdk-core';
import { groupRequest, userRequest } from '@ondemand/core';
import { documentedIds as ids } from '@ondemand/simulator';
import { until } from '@ondemand/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionOnDemand, proxyAdapter } from '../snippets/kiota-proxy.js';
import { type Servers, startServers } from './servers.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(() => servers.stop());

const userPath = `/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`;
const groupPath = `/servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/${ids.groupJob}/provisionOnDemand`;

describe("Kiota's @microsoft/msgraph-sdk, through its request adapter, against the proxy over HTTPS", () => {
  it('provisions a user, the answer deserialised into StringKeyStringValuePair', async () => {
    const adapter = proxyAdapter(servers.proxy.url, servers.keys.requester!);
    const answer = await provisionOnDemand(
      adapter,
      userPath,
      userRequest({ ruleId: ids.saasRule, userId: servers.assignedUsers[0]! }),
    );
    expect(JSON.parse(answer!.key!).result).toBe('Success');
    expect(JSON.parse(answer!.value!)).toHaveProperty('provisioningSteps');
  });

  it('pages service principals with msgraph-sdk-core’s PageIterator and $top=1', async () => {
    const adapter = proxyAdapter(servers.proxy.url, servers.keys.requester!);
    const errors = { XXX: createODataErrorFromDiscriminatorValue };
    const list = new RequestInformation(HttpMethod.GET, '{+baseurl}/servicePrincipals?%24top=1');
    const first = (await adapter.send(
      list,
      createServicePrincipalCollectionResponseFromDiscriminatorValue,
      errors,
    )) as ServicePrincipalCollectionResponse;
    expect(first.value).toHaveLength(1);
    const names: string[] = [];
    await new PageIterator<ServicePrincipal>(
      adapter,
      first as never,
      (servicePrincipal) => {
        names.push(servicePrincipal.displayName!);
        return true;
      },
      createServicePrincipalCollectionResponseFromDiscriminatorValue as never,
      errors,
    ).iterate();
    const seeded = [...servers.sim.context.tenant.servicePrincipals.values()].map((sp) => sp.displayName);
    expect(names.sort()).toEqual([...seeded].sort());
  });

  it('sees a held request as held: odataType #ondemand.approval, no key, no value', async () => {
    const adapter = proxyAdapter(servers.proxy.url, servers.keys.requester!);
    const post = new RequestInformation(HttpMethod.POST, `{+baseurl}${groupPath}`);
    const body = groupRequest({
      ruleId: ids.groupRule,
      groupId: ids.group,
      memberIds: [ids.groupMembers[0]],
    });
    post.setStreamContent(new TextEncoder().encode(JSON.stringify(body)).buffer, 'application/json');
    const held = await adapter.send<StringKeyStringValuePair>(
      post,
      createStringKeyStringValuePairFromDiscriminatorValue,
      {},
    );
    expect(held?.odataType).toBe('#ondemand.approval');
    expect(held?.key).toBeUndefined();
    expect(held?.value).toBeUndefined();
    expect(held?.additionalData?.state).toBe('pending');

    // The snippet follows the same (shared) approval to Graph's answer once it is approved.
    const before = servers.graphCalls();
    const answer = provisionOnDemand(adapter, groupPath, body);
    await until('the snippet’s POST is held', () => servers.answered('POST', `/v1.0${groupPath}`, 202) >= 2);
    await servers.approve(String(held!.additionalData!.id));
    expect(JSON.parse((await answer)!.key!).result).toBeTruthy();
    expect(servers.graphCalls().received - before.received).toBe(1);
  });

  it('throws an ODataError with the approver’s reason when the request is denied', async () => {
    const adapter = proxyAdapter(servers.proxy.url, servers.keys.requester!);
    const body = groupRequest({
      ruleId: ids.groupRule,
      groupId: ids.group,
      memberIds: [ids.groupMembers[1]],
    });
    const answer = provisionOnDemand(adapter, groupPath, body).catch((error: ODataError) => error);
    const [held] = await until('the request is held', async () => {
      const pending = await servers.pending();
      return pending.length > 0 && pending;
    });
    await servers.deny(held!, 'not this quarter');
    const refused = (await answer) as ODataError;
    expect(refused.responseStatusCode).toBe(403);
    expect(refused.errorEscaped?.message).toMatch(/^Denied by approver: not this quarter/);
  });
});
