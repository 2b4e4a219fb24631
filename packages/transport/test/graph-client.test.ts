import { inspect } from 'node:util';
import { decodeProvisionResponse, userRequest } from '@ondemand/core';
import {
  createClientCertificate,
  documentedIds as ids,
  READER_CLIENT_ID,
  type RunningSimulator,
} from '@ondemand/simulator';
import { documentedExamples, until } from '@ondemand/test-utils';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeviceCodeCredential } from '../src/credentials/msal-credentials.js';
import {
  AuthError,
  collect,
  GraphRequestError,
  OutcomeUnknownError,
  RequestValidationError,
  type TokenCredential,
  TransportError,
} from '../src/index.js';
import { clientFor, control, startTestSimulator } from './helpers.js';

let sim: RunningSimulator;
let certificate: { certPem: string; keyPem: string };

beforeAll(async () => {
  certificate = await createClientCertificate();
  sim = await startTestSimulator(certificate.certPem);
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(async () => {
  await control(sim, 'POST', '/reset');
});

describe('GraphClient against the simulator', () => {
  it.each(documentedExamples().map((example) => [example.file, example]))(
    'sends documented %s and decodes the documented result',
    async (_, example) => {
      const graph = clientFor(sim);
      const [, sp, job] = /servicePrincipals\/([^/]+)\/synchronization\/jobs\/([^/]+)\//.exec(
        example.request.url,
      )!;
      const result = await graph.provisionOnDemand(sp!, job!, example.request.body);
      const documented = decodeProvisionResponse(example.response.body);
      expect([result.result, result.report.action, result.details.errorCode]).toEqual([
        documented.result,
        documented.report.action,
        documented.details.errorCode,
      ]);
      expect(result.requestId).toBeTruthy();
      expect(result.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.raw).toHaveProperty('key');
      await graph.close();
    },
  );

  it('lists jobs, reads rules, finds apps, searches users and groups, pages through members', async () => {
    const graph = clientFor(sim);
    expect(
      (await collect(graph.listSynchronizationJobs(ids.githubServicePrincipal))).map((job) => job.id),
    ).toEqual([ids.githubJob]);
    const schema = await graph.getSynchronizationSchema(ids.groupServicePrincipal, ids.groupJob);
    expect(schema.synchronizationRules.map((rule) => rule.id)).toEqual([ids.groupRule]);
    const apps = await collect(graph.findServicePrincipals({ search: 'github' }));
    expect(apps.map((app) => app.id)).toEqual([ids.githubServicePrincipal]);
    const everyone = await collect(graph.searchUsers('', { top: 7 }));
    expect(everyone.length).toBeGreaterThan(50);
    expect(new Set(everyone.map((user) => user.id)).size).toBe(everyone.length);
    expect((await collect(graph.searchUsers('adele'))).length).toBeGreaterThan(0);
    expect((await collect(graph.searchGroups('project'))).map((group) => group.id)).toEqual([ids.group]);
    expect((await collect(graph.listGroupMembers(ids.group))).map((user) => user.id)).toEqual(
      expect.arrayContaining([...ids.groupMembers]),
    );
    expect(await collect(graph.searchUsers('', { top: 3 }), 2)).toHaveLength(2);
    await graph.close();
  });

  it('queues a burst instead of earning 429s', async () => {
    const graph = clientFor(sim);
    const users = await collect(graph.searchUsers('', { top: 20 }), 12);
    const results = await Promise.all(
      users.map((user) =>
        graph.provisionOnDemand(
          ids.saasServicePrincipal,
          ids.saasJob,
          userRequest({ ruleId: ids.saasRule, userId: user.id }),
        ),
      ),
    );
    expect(results).toHaveLength(12);
    const stats = await control(sim, 'GET', '/stats');
    if (stats.throttled)
      console.log(
        (await control(sim, 'GET', '/requests')).value
          .map((r: any) => `${r.at} ${r.status} ${r.path.slice(-20)}`)
          .join('\n'),
      );
    expect(stats.throttled).toBe(0);
    expect(stats.provisionOnDemand.maxInWindow).toBeLessThanOrEqual(5);
    await graph.close();
  });

  it('validates the body before sending, listing every problem', async () => {
    const graph = clientFor(sim);
    const body = {
      parameters: [{ ruleId: '', subjects: [{ objectId: ids.group, objectTypeName: 'Group' }] }],
    };
    const error = await graph
      .provisionOnDemand(ids.groupServicePrincipal, ids.groupJob, body)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect(error.details.issues[0].path).toBe('parameters[0].ruleId');
    expect((await control(sim, 'GET', '/stats')).provisionOnDemand.accepted).toBe(0);
    await graph.close();
  });

  it('awaits beforeAttempt before every attempt, after the grant; if it throws nothing more is sent', async () => {
    const graph = clientFor(sim, { retry: { baseDelayMs: 5 } });
    const body = userRequest({ ruleId: ids.saasRule, userId: ids.saasUser });
    await control(sim, 'POST', '/faults', {
      kind: '503',
      count: 1,
      path: 'provisionOnDemand',
      retryAfterSeconds: 0.01,
    });
    const seen: Array<{ number: number; clientRequestId: string; processed: number }> = [];
    const result = await graph.provisionOnDemand(ids.saasServicePrincipal, ids.saasJob, body, {
      beforeAttempt: async (attempt) => {
        const { processed } = (await control(sim, 'GET', '/stats')).provisionOnDemand;
        seen.push({ ...attempt, processed });
      },
    });
    // One call, one client-request-id: Graph sees the retry as the same call.
    expect(seen).toEqual([
      { number: 1, clientRequestId: result.clientRequestId, processed: 0 },
      { number: 2, clientRequestId: result.clientRequestId, processed: 0 },
    ]);
    const refused = await graph
      .provisionOnDemand(ids.saasServicePrincipal, ids.saasJob, body, {
        beforeAttempt: async () => {
          throw new Error('the store is away');
        },
      })
      .catch((caught) => caught);
    expect(refused.message).toBe('the store is away');
    expect((await control(sim, 'GET', '/stats')).provisionOnDemand.processed).toBe(1);
    await graph.close();
  });

  it('calls the version each call names: a beta call stays beta', async () => {
    const graph = clientFor(sim);
    await graph.provisionOnDemand(
      ids.saasServicePrincipal,
      ids.saasJob,
      userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
      { apiVersion: 'beta' },
    );
    await graph.getSynchronizationSchema(ids.saasServicePrincipal, ids.saasJob, { apiVersion: 'beta' });
    const paths = (await control(sim, 'GET', '/requests')).value.map((entry: { path: string }) => entry.path);
    expect(paths.filter((path: string) => /^\/(beta|v1\.0)\//.test(path))).toEqual([
      `/beta/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`,
      `/beta/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/schema`,
    ]);
    await graph.close();
  });

  it('resolves ids to directory objects with their types', async () => {
    const graph = clientFor(sim);
    const objects = await graph.getDirectoryObjects([ids.group, ids.saasUser]);
    expect(objects.map((object) => [object.id, object.type])).toEqual([
      [ids.group, 'group'],
      [ids.saasUser, 'user'],
    ]);
    await graph.close();
  });

  it('wraps a failing credential of the caller’s own as an auth error', async () => {
    const graph = clientFor(sim, {
      credential: {
        getToken: async () => {
          throw new Error('ClientSecretCredential authentication failed: AADSTS7000215');
        },
      },
    });
    const error = await collect(graph.listSynchronizationJobs(ids.saasServicePrincipal)).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('auth');
    expect(error.message).toMatch(
      /the credential could not get a token: ClientSecretCredential authentication failed/,
    );
    await graph.close();
  });

  it('says what to do about a wrong secret, without the secret', async () => {
    const graph = clientFor(sim, { clientSecret: 'not-the-secret-123' });
    const error = await collect(graph.listSynchronizationJobs(ids.saasServicePrincipal)).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/AADSTS7000215.*the client secret is wrong/);
    expect(error.message).not.toContain('not-the-secret-123');
    await graph.close();
  });

  it('gets a fresh token when Graph says the cached one expired', async () => {
    await control(sim, 'PATCH', '/settings', { tokenLifetimeSeconds: -60 });
    const inner = clientFor(sim);
    let calls = 0;
    // Hands out a token Graph will find expired first, then good ones (the settings are restored below).
    const credential: TokenCredential = {
      async getToken() {
        calls += 1;
        const body = new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: sim.clientId,
          client_secret: sim.clientSecret,
          scope: 'https://graph.microsoft.com/.default',
        });
        const { Agent, request } = await import('undici');
        const answer = await request(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`, {
          method: 'POST',
          body: body.toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          dispatcher: new Agent({ connect: { ca: sim.caPem } }),
        });
        const json = (await answer.body.json()) as { access_token: string };
        if (calls === 1) await control(sim, 'PATCH', '/settings', { tokenLifetimeSeconds: 3600 });
        return { token: json.access_token, expiresOnTimestamp: Date.now() + 3_600_000 };
      },
    };
    const graph = clientFor(sim, { credential });
    expect(await collect(graph.listSynchronizationJobs(ids.saasServicePrincipal))).toHaveLength(1);
    expect(calls).toBe(2);
    await Promise.all([graph.close(), inner.close()]);
  });

  it('refuses without the permission (403) and on an unknown job (404), saying why', async () => {
    const reader = sim.context.tenant.seed.clients.find((each) => each.clientId === READER_CLIENT_ID)!;
    const graph = clientFor(sim, { clientId: reader.clientId, clientSecret: reader.secret! });
    const forbidden = await graph
      .provisionOnDemand(
        ids.saasServicePrincipal,
        ids.saasJob,
        userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
      )
      .catch((caught) => caught);
    expect(forbidden).toBeInstanceOf(GraphRequestError);
    expect(forbidden.status).toBe(403);
    expect(forbidden.message).toMatch(/Grant the app Synchronization\.ReadWrite\.All/);
    const demo = clientFor(sim);
    const missing = await demo
      .getSynchronizationSchema(ids.saasServicePrincipal, 'no.such.job')
      .catch((caught) => caught);
    expect(missing.status).toBe(404);
    expect(missing.message).toMatch(
      /check the service principal id and the job id; request-id [0-9a-f-]{36}/,
    );
    await Promise.all([graph.close(), demo.close()]);
  });

  it.each([
    ['a 429', { kind: '429', count: 2, retryAfterSeconds: 0.05 }],
    ['a 503', { kind: '503', count: 2, retryAfterSeconds: 0.05 }],
  ])(
    'sends a provisionOnDemand again after %s (Graph did not run it), and it runs once',
    async (_, fault) => {
      const graph = clientFor(sim, { retry: { baseDelayMs: 10 } });
      await control(sim, 'POST', '/faults', { ...fault, path: 'provisionOnDemand' });
      const result = await graph.provisionOnDemand(
        ids.saasServicePrincipal,
        ids.saasJob,
        userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
      );
      expect(result.result).toBe('Skipped');
      expect(result.attempts).toBe(3);
      expect((await control(sim, 'GET', '/stats')).provisionOnDemand.processed).toBe(1);
      await graph.close();
    },
  );

  it.each([
    ['answers 504', '504-after-processing', 'gateway'],
    ['drops the connection', 'drop-after-processing', 'connection'],
    ['drops the connection (before it ran)', 'drop', 'connection'],
  ])(
    'never sends a provisionOnDemand again when Graph %s after it was sent: the outcome is unknown',
    async (_, kind, lost) => {
      const graph = clientFor(sim, { retry: { baseDelayMs: 10 } });
      await control(sim, 'POST', '/faults', { kind, count: 1, path: 'provisionOnDemand' });
      const error = await graph
        .provisionOnDemand(
          ids.saasServicePrincipal,
          ids.saasJob,
          userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
        )
        .catch((caught) => caught);
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect(error).toMatchObject({ code: 'outcome_unknown', details: { lost, attempts: 1 } });
      expect(error.message).toMatch(/Graph may have run it\. Check before sending it again/);
      const stats = (await control(sim, 'GET', '/stats')).provisionOnDemand;
      expect(stats.received).toBe(kind === 'drop' ? 0 : 1);
      expect(stats.duplicates).toBe(0);
      await graph.close();
    },
  );

  it('sends it again after a lost answer only when the caller asks, and Graph then runs it twice', async () => {
    const graph = clientFor(sim, { retry: { baseDelayMs: 10, resendUnknownOutcome: true } });
    await control(sim, 'POST', '/faults', {
      kind: '504-after-processing',
      count: 1,
      path: 'provisionOnDemand',
    });
    const result = await graph.provisionOnDemand(
      ids.saasServicePrincipal,
      ids.saasJob,
      userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
    );
    expect(result.attempts).toBe(2);
    expect((await control(sim, 'GET', '/stats')).provisionOnDemand).toMatchObject({
      processed: 2,
      duplicates: 1,
    });
    await graph.close();
  });

  it.each([
    ['a 504', { kind: '504', count: 1 }],
    ['a dropped connection', { kind: 'drop', count: 1 }],
  ])('retries a read past %s and succeeds', async (_, fault) => {
    const graph = clientFor(sim, { retry: { baseDelayMs: 10 } });
    await control(sim, 'POST', '/faults', { ...fault, path: 'schema' });
    const schema = await graph.getSynchronizationSchema(ids.saasServicePrincipal, ids.saasJob);
    expect(schema.synchronizationRules.length).toBeGreaterThan(0);
    await graph.close();
  });

  it('gives up after its retry budget with a typed error that names the request', async () => {
    const graph = clientFor(sim, { retry: { maxRetries: 2, baseDelayMs: 5 } });
    await control(sim, 'POST', '/faults', { kind: '500', count: 1, path: 'schema' });
    const error = await graph
      .getSynchronizationSchema(ids.saasServicePrincipal, ids.saasJob)
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error.status).toBe(500);
    expect(error.details.attempts).toBe(1);
    await control(sim, 'POST', '/faults', { kind: '503', count: 5, path: 'schema', retryAfterSeconds: 0.01 });
    const unavailable = await graph
      .getSynchronizationSchema(ids.saasServicePrincipal, ids.saasJob)
      .catch((caught) => caught);
    expect(unavailable.details.attempts).toBe(3);
    await graph.close();
  });

  it('times out a slow read, and calls a slow provisionOnDemand unknown rather than sending it again', async () => {
    const graph = clientFor(sim, { timeoutMs: 100, retry: { maxRetries: 0 } });
    await control(sim, 'POST', '/faults', { kind: 'slow', count: 1, delayMs: 1_000, path: 'schema' });
    const read = await graph
      .getSynchronizationSchema(ids.saasServicePrincipal, ids.saasJob)
      .catch((caught) => caught);
    expect(read).toBeInstanceOf(TransportError);
    expect(read.code).toBe('timeout');
    const patient = clientFor(sim, { timeoutMs: 100 });
    await control(sim, 'POST', '/faults', {
      kind: 'slow',
      count: 1,
      delayMs: 1_000,
      path: 'provisionOnDemand',
    });
    const error = await patient
      .provisionOnDemand(
        ids.saasServicePrincipal,
        ids.saasJob,
        userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
      )
      .catch((caught) => caught);
    expect(error).toMatchObject({ code: 'outcome_unknown', details: { lost: 'timeout', attempts: 1 } });
    expect(error.message).toMatch(/did not answer within 100 ms .*Graph may have run it/);
    await Promise.all([graph.close(), patient.close()]);
  });

  it('cancels a call waiting for the window', async () => {
    const graph = clientFor(sim, { rateLimit: { limit: 1, windowMs: 60_000 } });
    await graph.provisionOnDemand(
      ids.saasServicePrincipal,
      ids.saasJob,
      userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
    );
    const controller = new AbortController();
    const waiting = graph.provisionOnDemand(
      ids.saasServicePrincipal,
      ids.saasJob,
      userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
      { signal: controller.signal },
    );
    await until(
      'the call waits in the limiter',
      async () => (await graph.limiterSnapshot(ids.saasServicePrincipal))?.queued === 1,
    );
    setTimeout(() => controller.abort(new Error('operator pressed Esc')), 20);
    const error = await waiting.catch((caught) => caught);
    expect(error.code).toBe('aborted');
    expect(error.message).toContain('operator pressed Esc');
    await graph.close();
  });

  it('signs in with a certificate through MSAL', async () => {
    const graph = clientFor(sim, {
      clientId: 'd9c5b4f3-8a6e-4fbe-9c9d-3a4f5e6d7c8b',
      clientSecret: undefined,
      certificate: certificate.certPem + certificate.keyPem,
    });
    const result = await graph.provisionOnDemand(
      ids.saasServicePrincipal,
      ids.saasJob,
      userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
    );
    expect(result.details.errorCode).toBe('RedundantExport');
    expect(inspect(graph, { depth: 5 })).not.toContain('PRIVATE KEY');
    await graph.close();
  });

  it('signs an operator in with a device code, then provisions as them', async () => {
    const prompts: string[] = [];
    const graph = clientFor(sim, {
      clientSecret: undefined,
      deviceCode: {
        onPrompt: (prompt) => {
          prompts.push(prompt.message);
          void control(sim, 'POST', '/device-codes/approve', {
            userCode: prompt.userCode,
            user: 'admin@contoso.onmicrosoft.com',
          });
        },
      },
    });
    const result = await graph.provisionOnDemand(
      ids.saasServicePrincipal,
      ids.saasJob,
      userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
    );
    expect(result.result).toBe('Skipped');
    expect(prompts[0]).toMatch(/enter the code/);
    await graph.close();
  }, 20_000);

  it('never shows its secret in inspect or JSON', async () => {
    const graph = clientFor(sim);
    await collect(graph.listSynchronizationJobs(ids.saasServicePrincipal));
    const shown = inspect(graph, { depth: 10, showHidden: true });
    expect(shown).not.toContain(sim.clientSecret);
    expect(JSON.stringify(graph)).not.toContain(sim.clientSecret);
    await graph.close();
  });
});

describe('cancelling provisionOnDemand calls', () => {
  it('stops the calls still waiting for the rate limit, never one already sent: that one runs to its answer', async () => {
    const graph = clientFor(sim, { rateLimit: { limit: 1, windowMs: 60_000 } });
    await control(sim, 'POST', '/faults', {
      kind: 'slow',
      count: 1,
      delayMs: 300,
      path: 'provisionOnDemand',
    });
    const stop = new AbortController();
    const before = (await control(sim, 'GET', '/stats')).provisionOnDemand.received;
    const body = (userId: string) => userRequest({ ruleId: ids.saasRule, userId });
    const sent = graph.provisionOnDemand(ids.saasServicePrincipal, ids.saasJob, body(ids.saasUser), {
      signal: stop.signal,
    });
    const waiting = graph
      .provisionOnDemand(ids.saasServicePrincipal, ids.saasJob, body(ids.groupMembers[0]), {
        signal: stop.signal,
      })
      .catch((error) => error);
    await until(
      'the first call reached the simulator',
      async () => (await control(sim, 'GET', '/stats')).provisionOnDemand.received > before,
    );
    stop.abort(new Error('stopped by Ctrl-C'));
    expect((await sent).result).toBeTruthy();
    const cancelled = await waiting;
    expect(cancelled).toBeInstanceOf(TransportError);
    expect(cancelled.code).toBe('aborted');
    expect((await control(sim, 'GET', '/stats')).provisionOnDemand.received - before).toBe(1);
    await graph.close();
  });
});

describe('what a failed sign-in or connection says to do', () => {
  it('names an untrusted certificate and says to pass --ca, not MSAL’s endpoints_resolution_error', async () => {
    const graph = clientFor(sim, { ca: undefined });
    const error = await graph.checkSignIn().catch((caught) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(
      /could not reach the sign-in authority at https:\/\/127\.0\.0\.1:\d+ \(\w+\): its certificate is not signed by a CA this machine trusts: pass --ca FILE/,
    );
    expect(error.message).not.toMatch(/endpoints_resolution_error: /);
    await graph.close();
  });

  it('says which sign-in authority a device-code sign-in could not reach, not MSAL’s network_error', async () => {
    const graph = clientFor(sim, {
      clientSecret: undefined,
      loginUrl: 'https://127.0.0.1:1',
      deviceCode: { onPrompt: () => {} },
    });
    const error = await graph.checkSignIn().catch((caught) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(
      /^signing in with a device code failed \(\w+\): could not reach the sign-in authority at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/,
    );
    expect(error.message).not.toMatch(/aka\.ms\/msal/);
    await graph.close();
  });

  it('says so when Entra itself cannot be reached, not MSAL’s network_error (a known authority: no metadata read first)', async () => {
    // A network on which nothing answers: every connection is refused.
    const offline = new Agent({
      connect: (_options, callback) =>
        callback(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), null),
    });
    const credential = new DeviceCodeCredential({
      tenantId: 'contoso.onmicrosoft.com',
      clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
      loginUrl: 'https://login.microsoftonline.com',
      dispatcher: offline,
      onPrompt: () => {},
    });
    const error = await credential.getToken('https://graph.microsoft.com/.default').catch((caught) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(
      /^signing in with a device code failed \(network_error\): could not reach the sign-in authority at https:\/\/login\.microsoftonline\.com \(ECONNREFUSED\)/,
    );
    await offline.close();
  });

  it('says Entra does not know the tenant (AADSTS90002), and what to check', async () => {
    const graph = clientFor(sim, { tenantId: '00000000-0000-0000-0000-00000000abcd' });
    const error = await graph.checkSignIn().catch((caught) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/AADSTS90002/);
    expect(error.message).toMatch(/no such tenant: check --tenant/);
    await graph.close();
  });

  it('gives a credential of the caller’s own that fails back as an AuthError, from checkSignIn too', async () => {
    const failing: TokenCredential = {
      getToken: async () => {
        throw new Error('ManagedIdentityCredential: no managed identity endpoint');
      },
    };
    const graph = clientFor(sim, { credential: failing });
    const error = await graph.checkSignIn().catch((caught) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.code).toBe('auth');
    expect(error.message).toMatch(/^the credential could not get a token: ManagedIdentityCredential/);
    await graph.close();
  });
});

describe('the rate window’s scope', () => {
  it('counts each app on its own by default, and every app of the tenant together with rateLimitScope: tenant', async () => {
    const body = userRequest({ ruleId: ids.saasRule, userId: ids.saasUser });
    for (const [scope, leftForAnotherApp] of [
      [undefined, 5],
      ['tenant', 4],
    ] as const) {
      const graph = clientFor(sim, scope ? { rateLimitScope: scope } : {});
      await graph.provisionOnDemand(ids.saasServicePrincipal, ids.saasJob, body);
      expect((await graph.limiterSnapshot(ids.groupServicePrincipal))!.remaining, scope ?? 'default').toBe(
        leftForAnotherApp,
      );
      await graph.close();
    }
  });
});
