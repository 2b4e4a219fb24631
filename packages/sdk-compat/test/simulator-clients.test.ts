import { readFileSync } from 'node:fs';
import { HttpMethod, RequestInformation } from '@microsoft/kiota-abstractions';
import {
  createServicePrincipalFromDiscriminatorValue,
  type ServicePrincipal,
} from '@microsoft/msgraph-sdk/models/index.js';
import { userRequest } from '@ondemand/core';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { TransportError } from '@ondemand/transport';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { graphJsClient, kiotaAdapter, ondemandClient } from '../snippets/simulator-clients.js';

let sim: RunningSimulator;
beforeAll(async () => {
  const certificate = inject('certificate');
  sim = await startSimulator({
    certificates: {
      caPem: readFileSync(certificate.caFile, 'utf8'),
      certPem: readFileSync(certificate.certificateFile, 'utf8'),
      keyPem: readFileSync(certificate.keyFile, 'utf8'),
    },
  });
});
afterAll(() => sim.stop());

const assignedUser = (index: number) =>
  sim.context.tenant.servicePrincipals
    .get(ids.saasServicePrincipal)!
    .assignedTo.filter((id) => id !== ids.saasUser && sim.context.tenant.users.has(id))[index]!;

describe('@azure/identity 4.13 against the simulator', () => {
  it('signs in with ClientSecretCredential, handed to createGraphClient({ credential })', async () => {
    const graph = ondemandClient(sim);
    try {
      const result = await graph.provisionOnDemand(
        ids.saasServicePrincipal,
        ids.saasJob,
        userRequest({ ruleId: ids.saasRule, userId: assignedUser(0) }),
      );
      expect(result.result).toBe('Success');
    } finally {
      await graph.close();
    }
  });

  it('fails as the documented TransportError with code auth, without the secret in its words', async () => {
    const secret = 'not-the-secret-~Qx8';
    const graph = ondemandClient(sim, secret);
    try {
      const error = await graph.getServicePrincipal(ids.saasServicePrincipal).catch((error) => error);
      expect(error).toBeInstanceOf(TransportError);
      expect(error.code).toBe('auth');
      expect(error.message).toMatch(/^the credential could not get a token: invalid_client: .*AADSTS7000215/);
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(secret);
    } finally {
      await graph.close();
    }
  });
});

describe('the Graph SDKs against the simulator, on @azure/identity', () => {
  it('the Graph JS SDK, its base URL the origin', async () => {
    const answer = await graphJsClient(sim)
      .api(
        `/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`,
      )
      .post(userRequest({ ruleId: ids.saasRule, userId: assignedUser(1) }));
    expect(JSON.parse(answer.key).result).toBe('Success');
  });

  it('Kiota’s request adapter, its base URL with /v1.0', async () => {
    const read = new RequestInformation(HttpMethod.GET, '{+baseurl}/servicePrincipals/{id}', {
      id: ids.saasServicePrincipal,
    });
    const servicePrincipal = (await kiotaAdapter(sim).send(
      read,
      createServicePrincipalFromDiscriminatorValue,
      {},
    )) as ServicePrincipal;
    expect(servicePrincipal.id).toBe(ids.saasServicePrincipal);
    expect(servicePrincipal.displayName).toBeTruthy();
  });
});
