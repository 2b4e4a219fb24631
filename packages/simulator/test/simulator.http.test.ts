import { decodeProvisionResponse, userRequest } from '@ondemand/core';
import { documentedExamples, until } from '@ondemand/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  documentedIds as ids,
  READER_CLIENT_ID,
  type RunningSimulator,
  startSimulator,
} from '../src/index.js';
import { simClient } from './sim-client.js';

let sim: RunningSimulator;
let client: ReturnType<typeof simClient>;
const provisionPath = (sp: string, job: string) =>
  `/servicePrincipals/${sp}/synchronization/jobs/${encodeURIComponent(job)}/provisionOnDemand`;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 100 });
  client = simClient(sim);
});
afterAll(async () => {
  await client.close();
  await sim.stop();
});
beforeEach(async () => {
  await client.control('POST', '/reset');
});

describe('the simulator over HTTPS', () => {
  it('issues tokens for the demo client and refuses a wrong secret as Entra does', async () => {
    const good = await client.token();
    expect(good.status).toBe(200);
    expect(good.json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const bad = await client.token(sim.clientId, 'wrong');
    expect(bad.status).toBe(401);
    expect(bad.json.error).toBe('invalid_client');
    expect(bad.json.error_description).toMatch(/^AADSTS7000215: Invalid client secret/);
    expect(bad.text).not.toContain(sim.clientSecret);
  });

  it.each(documentedExamples().map((example) => [example.file, example]))(
    'answers documented %s as documented',
    async (_, example) => {
      const path = new URL(example.request.url).pathname.replace(/^\/v1\.0/, '');
      const answer = await client.graph('POST', path, { body: example.request.body });
      expect(answer.status).toBe(200);
      expect(answer.headers['request-id']).toBeTruthy();
      const decoded = decodeProvisionResponse(answer.json);
      const documented = decodeProvisionResponse(example.response.body);
      expect([decoded.result, decoded.report.action, decoded.details.errorCode]).toEqual([
        documented.result,
        documented.report.action,
        documented.details.errorCode,
      ]);
    },
  );

  it('creates, then skips as redundant, then updates after the source changes', async () => {
    // Three calls in a row: the rate limit is not what this is about.
    sim.context.provisionLimit = null;
    const user = (await client.graph('GET', '/users?$top=1')).json.value[0];
    const body = userRequest({ ruleId: ids.saasRule, userId: user.id });
    const path = provisionPath(ids.saasServicePrincipal, ids.saasJob);
    expect(decodeProvisionResponse((await client.graph('POST', path, { body })).json).report.action).toBe(
      'Create',
    );
    expect(decodeProvisionResponse((await client.graph('POST', path, { body })).json).details.errorCode).toBe(
      'RedundantExport',
    );
    expect((await client.control('PATCH', `/users/${user.id}`, { displayName: 'New Name' })).status).toBe(
      200,
    );
    const updated = decodeProvisionResponse((await client.graph('POST', path, { body })).json);
    expect(updated.report.modifiedProperties).toEqual([
      { displayName: 'displayName', oldValue: user.displayName, newValue: 'New Name' },
    ]);
    const target = (await client.control('GET', `/jobs/${ids.saasServicePrincipal}/${ids.saasJob}/target`))
      .json.value;
    expect(target.some((object: any) => object.attributes.displayName === 'New Name')).toBe(true);
  });

  it('accepts job ids that are not GUIDs', async () => {
    const jobs = (
      await client.graph('GET', `/servicePrincipals/${ids.githubServicePrincipal}/synchronization/jobs`)
    ).json.value;
    expect(jobs[0].id).toBe(ids.githubJob);
    const schema = (
      await client.graph(
        'GET',
        `/servicePrincipals/${ids.githubServicePrincipal}/synchronization/jobs/${ids.githubJob}/schema`,
      )
    ).json;
    expect(schema.synchronizationRules[0].id).toBe(ids.githubRule);
  });

  it('answers 429 with Retry-After past 5 calls in a window, and counts it', async () => {
    // A window long enough that eight calls on fresh connections surely land in it, even on a busy machine.
    await client.control('PATCH', '/settings', { provisionLimit: { limit: 5, windowMs: 10_000 } });
    const body = userRequest({ ruleId: ids.saasRule, userId: ids.saasUser });
    const statuses: number[] = [];
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        client.graph('POST', provisionPath(ids.saasServicePrincipal, ids.saasJob), { body }),
      ),
    );
    for (const answer of answers) statuses.push(answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    const throttled = answers.find((answer) => answer.status === 429)!;
    expect(throttled.json.error.code).toBe('TooManyRequests');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    const stats = (await client.control('GET', '/stats')).json;
    expect(stats.throttled).toBe(3);
    expect(stats.provisionOnDemand).toMatchObject({ accepted: 5, maxInWindow: 5, maxReceivedInWindow: 8 });
  });

  it.each<[string, () => Promise<{ status: number; json: any }>, number, string]>([
    ['no token', () => client.call('GET', '/v1.0/users'), 401, 'InvalidAuthenticationToken'],
    [
      'a forged token',
      () => client.graph('GET', '/users', { accessToken: 'eyJhbGciOiJub25lIn0.e30.' }),
      401,
      'InvalidAuthenticationToken',
    ],
    [
      'an unknown service principal',
      () =>
        client.graph('GET', '/servicePrincipals/00000000-0000-0000-0000-000000000000/synchronization/jobs'),
      404,
      'Request_ResourceNotFound',
    ],
    [
      'an unknown job',
      () =>
        client.graph('POST', provisionPath(ids.saasServicePrincipal, 'nope'), {
          body: userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
        }),
      404,
      'NotFound',
    ],
    [
      'an unknown rule id',
      () =>
        client.graph('POST', provisionPath(ids.saasServicePrincipal, ids.saasJob), {
          body: userRequest({ ruleId: 'nope', userId: ids.saasUser }),
        }),
      400,
      'RequestParameterInvalid',
    ],
    [
      'an invalid body',
      () =>
        client.graph('POST', provisionPath(ids.saasServicePrincipal, ids.saasJob), {
          body: { parameters: [] },
        }),
      400,
      'BadRequest',
    ],
    [
      'invalid JSON',
      () =>
        client.graph('POST', provisionPath(ids.saasServicePrincipal, ids.saasJob), {
          body: '{"parameters":',
        }),
      400,
      'BadRequest',
    ],
    [
      'a wrong content type',
      () =>
        client.graph('POST', provisionPath(ids.saasServicePrincipal, ids.saasJob), {
          body: 'x',
          headers: { 'content-type': 'text/plain' },
        }),
      415,
      'UnsupportedMediaType',
    ],
    [
      'a huge body',
      () =>
        client.graph('POST', provisionPath(ids.saasServicePrincipal, ids.saasJob), {
          body: 'x'.repeat(5 * 1024 * 1024),
        }),
      413,
      'RequestEntityTooLarge',
    ],
    [
      '$search without ConsistencyLevel',
      () => client.graph('GET', '/users?$search="displayName:ada"'),
      400,
      'Request_UnsupportedQuery',
    ],
    [
      'an unsupported filter',
      () => client.graph('GET', "/users?$filter=jobTitle eq 'x'"),
      400,
      'Request_UnsupportedQuery',
    ],
  ])('answers %s in Graph error shape', async (_, send, status, code) => {
    const answer = await send();
    expect(answer.status).toBe(status);
    expect(answer.json.error.code).toBe(code);
    expect(answer.json.error.innerError['request-id']).toBeTruthy();
  });

  it('refuses provisioning to a client without the permission (403)', async () => {
    const reader = sim.context.tenant.seed.clients.find((each) => each.clientId === READER_CLIENT_ID)!;
    const accessToken = (await client.token(reader.clientId, reader.secret)).json.access_token;
    const answer = await client.graph('POST', provisionPath(ids.saasServicePrincipal, ids.saasJob), {
      body: userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
      accessToken,
    });
    expect(answer.status).toBe(403);
    expect(answer.json.error.code).toBe('Authorization_RequestDenied');
  });

  it('searches users as Graph does, with ConsistencyLevel and paging', async () => {
    const search = await client.graph('GET', '/users?$search="displayName:adele"&$select=id,displayName', {
      headers: { ConsistencyLevel: 'eventual' },
    });
    expect(search.status).toBe(200);
    expect(search.json.value.length).toBeGreaterThan(0);
    for (const user of search.json.value) expect(Object.keys(user).sort()).toEqual(['displayName', 'id']);
    const first = await client.graph('GET', '/users?$top=20');
    expect(first.json.value).toHaveLength(20);
    const next = new URL(first.json['@odata.nextLink']);
    const second = await client.graph('GET', `/users${next.search}`);
    expect(second.json.value[0].id).not.toBe(first.json.value[0].id);
    const members = await client.graph('GET', `/groups/${ids.group}/members`);
    expect(members.json.value.map((member: any) => member.id)).toEqual(
      expect.arrayContaining([...ids.groupMembers]),
    );
  });

  it('resolves ids to typed directory objects, in any case, leaving out what does not exist', async () => {
    const answer = await client.graph('POST', '/directoryObjects/getByIds', {
      body: { ids: [ids.group.toUpperCase(), ids.saasUser, '00000000-0000-0000-0000-000000000000'] },
    });
    expect(answer.status).toBe(200);
    expect(answer.json.value.map((each: any) => [each['@odata.type'], each.id])).toEqual([
      ['#microsoft.graph.group', ids.group],
      ['#microsoft.graph.user', ids.saasUser],
    ]);
    expect(answer.json.value[1].displayName).toBeTruthy();
    const groupsOnly = await client.graph('POST', '/directoryObjects/getByIds', {
      body: { ids: [ids.group, ids.saasUser], types: ['group'] },
    });
    expect(groupsOnly.json.value).toHaveLength(1);
  });

  it('injects faults: 503 for the next call, then a dropped connection', async () => {
    await client.control('POST', '/faults', { kind: '503', count: 1, path: '/users' });
    expect((await client.graph('GET', '/users')).status).toBe(503);
    expect((await client.graph('GET', '/users')).status).toBe(200);
    await client.control('POST', '/faults', { kind: 'drop', count: 1, path: '/users' });
    await expect(client.graph('GET', '/users')).rejects.toThrow();
    expect((await client.graph('GET', '/users')).status).toBe(200);
  });

  it("answers what no Graph route serves in Graph's shape: 405 for a wrong method, 400 for an unknown segment", async () => {
    const wrongMethod = await client.graph('GET', provisionPath(ids.saasServicePrincipal, ids.saasJob));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.json.error).toMatchObject({ code: 'Request_BadRequest' });
    const unknown = await client.graph('GET', '/servicePrincipals/x/nonsense');
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({
      code: 'BadRequest',
      message: "Resource not found for the segment 'nonsense'.",
    });
  });

  it('holds a slow answer after counting the call, as Graph counts calls when they arrive', async () => {
    await client.control('POST', '/faults', {
      kind: 'slow',
      count: 1,
      delayMs: 300,
      path: 'provisionOnDemand',
    });
    const sent = Date.now();
    const pending = client.graph('POST', provisionPath(ids.saasServicePrincipal, ids.saasJob), {
      body: userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
    });
    await until('the call is counted', () => sim.context.stats.snapshot().provisionOnDemand.accepted === 1);
    expect((await pending).status).toBe(200);
    expect(Date.now() - sent).toBeGreaterThanOrEqual(290);
  });

  it.each([
    ['drops the connection', 'drop-after-processing'],
    ['answers 504', '504-after-processing'],
  ])('runs a call and then %s, as a network failing after Graph answered would', async (_, kind) => {
    await client.control('POST', '/faults', { kind, count: 1, path: 'provisionOnDemand' });
    const before = sim.context.stats.snapshot().provisionOnDemand;
    const sent = client.graph('POST', provisionPath(ids.saasServicePrincipal, ids.saasJob), {
      body: userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
      headers: { 'client-request-id': `after-${kind}` },
    });
    if (kind === 'drop-after-processing') await expect(sent).rejects.toThrow();
    else expect((await sent).status).toBe(504);
    const after = sim.context.stats.snapshot().provisionOnDemand;
    expect(after.processed).toBe(before.processed + 1);
    expect(after.duplicates).toBe(before.duplicates);
  });

  it('counts a call run twice under one client-request-id as a duplicate', async () => {
    const before = sim.context.stats.snapshot().provisionOnDemand.duplicates;
    for (let time = 0; time < 2; time++)
      await client.graph('POST', provisionPath(ids.saasServicePrincipal, ids.saasJob), {
        body: userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
        headers: { 'client-request-id': 'the-same-call' },
      });
    expect(sim.context.stats.snapshot().provisionOnDemand.duplicates).toBe(before + 1);
  });

  it('guards the control API and validates what it is given', async () => {
    expect((await client.call('POST', '/_sim/reset')).status).toBe(401);
    const bad = await client.control('POST', '/faults', { kind: 'teapot', count: 1 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/kind/);
  });

  it('signs a user in with a device code once approved, and refuses a user without the role', async () => {
    const form = (fields: Record<string, string>) => ({
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const started = (
      await client.call(
        'POST',
        `/${sim.tenantId}/oauth2/v2.0/devicecode`,
        form({ client_id: sim.clientId, scope: 'https://graph.microsoft.com/.default offline_access' }),
      )
    ).json;
    expect(started.message).toContain(started.user_code);
    const poll = () =>
      client.call(
        'POST',
        `/${sim.tenantId}/oauth2/v2.0/token`,
        form({
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          client_id: sim.clientId,
          device_code: started.device_code,
        }),
      );
    expect((await poll()).json.error).toBe('authorization_pending');
    const plainUser = [...sim.context.tenant.users.values()][0]!;
    expect(
      (
        await client.control('POST', '/device-codes/approve', {
          userCode: started.user_code,
          user: plainUser.userPrincipalName,
        })
      ).status,
    ).toBe(200);
    const tokens = (await poll()).json;
    expect(tokens.id_token).toBeTruthy();
    const denied = await client.graph('POST', provisionPath(ids.saasServicePrincipal, ids.saasJob), {
      body: userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
      accessToken: tokens.access_token,
    });
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toMatch(/Application Administrator/);
  });
});
