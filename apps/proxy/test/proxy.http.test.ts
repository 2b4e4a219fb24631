import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, userRequest } from '@ondemand/core';
import {
  createServerCertificates,
  documentedIds as ids,
  type RunningSimulator,
  startSimulator,
} from '@ondemand/simulator';
import { until } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { createGraphClient } from '@ondemand/transport';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoConfig,
  parseConfig,
  type RunningProxy,
  SqliteStore,
  startProxy,
  verifyWebhookSignature,
} from '../src/index.js';
import type { ProxyStore } from '../src/store/proxy-store.js';

let sim: RunningSimulator;
let proxy: RunningProxy;
let keys: Record<string, string>;
const userPath = `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`;
const groupPath = `/v1.0/servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/${ids.groupJob}/provisionOnDemand`;
const userBody = JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }));

async function startDemo(store?: ProxyStore) {
  const database = join(tempDir('proxy-'), 'proxy.sqlite');
  const demo = demoConfig({ baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId }, database);
  const running = await startProxy({
    config: parseConfig(demo.config),
    ca: sim.caPem!,
    env: { AZURE_CLIENT_SECRET: sim.clientSecret },
    log: () => {},
    ...(store ? { store } : {}),
  });
  return { running, keys: demo.keys };
}

async function call(
  path: string,
  options: {
    key?: string;
    method?: 'GET' | 'POST';
    body?: string;
    headers?: Record<string, string>;
    base?: string;
  } = {},
) {
  const answer = await request(`${options.base ?? proxy.url}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.body,
  });
  const text = await answer.body.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: answer.statusCode, headers: answer.headers, json, text };
}

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 20 });
  ({ running: proxy, keys } = await startDemo());
});
afterAll(async () => {
  await proxy.stop();
  await sim.stop();
});

describe('ondemand-proxy', () => {
  it("forwards an allowed request and answers Graph's body, with request ids linking to the audit log", async () => {
    const answer = await call(userPath, { key: keys.requester, body: userBody });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.json.key).details.errorCode).toBe('RedundantExport');
    expect(answer.headers['graph-request-id']).toBeTruthy();
    const audit = await call(`/audit?action=outcome`, { key: keys.auditor });
    expect(audit.json.value.at(-1)).toMatchObject({
      requestId: answer.headers['request-id'],
      graphRequestId: answer.headers['graph-request-id'],
      detail: { status: 200, result: 'Skipped' },
    });
  });

  it('holds a group for approval (202), runs it once when approved, and hands the result to the requester', async () => {
    const body = JSON.stringify({
      parameters: [
        {
          ruleId: ids.groupRule,
          subjects: [
            {
              objectId: ids.group,
              objectTypeName: 'Group',
              links: { members: [{ objectId: ids.groupMembers[0], objectTypeName: 'User' }] },
            },
          ],
        },
      ],
    });
    const held = await call(groupPath, { key: keys.requester, body });
    expect(held.status).toBe(202);
    expect(held.headers.location).toBe(`${proxy.url}/approvals/${held.json.id}`);
    expect(held.json).toMatchObject({
      state: 'pending',
      requester: 'requester',
      required: { count: 1, roles: ['approver'] },
      request: { body: JSON.parse(body) },
    });
    const waiting = call(`/approvals/${held.json.id}`, {
      key: keys.requester,
      headers: { Prefer: 'wait=10' },
    });
    expect(
      (await call(`/approvals/${held.json.id}/approve`, { key: keys.requester, body: '{"reason":"mine"}' }))
        .status,
    ).toBe(403);
    const approved = await call(`/approvals/${held.json.id}/approve`, {
      key: keys.approver,
      body: '{"reason":"new project"}',
    });
    expect(approved.json.state).toBe('approved');
    const finished = await waiting;
    expect(finished.json.state).toBe('completed');
    expect(JSON.parse(finished.json.result.body.key).result).toBe('Success');
    expect(
      (
        await call(`/approvals/${held.json.id}/deny`, {
          key: keys['approver-2'],
          body: '{"reason":"too late"}',
        })
      ).status,
    ).toBe(409);
  });

  it('denies what the policy denies, and what a role may not do, auditing both', async () => {
    const twoUsers = JSON.stringify({
      parameters: [
        {
          ruleId: ids.saasRule,
          subjects: [
            { objectId: ids.groupMembers[0], objectTypeName: 'User' },
            { objectId: ids.groupMembers[1], objectTypeName: 'User' },
          ],
        },
      ],
    });
    const denied = await call(userPath, { key: keys.requester, body: twoUsers });
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toMatch(/Denied by policy: no policy rule allows this request/);
    const wrongRole = await call(userPath, { key: keys.auditor, body: userBody });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.json.error.message).toMatch(/needs the role requester/);
    const audit = await call('/audit?action=forbidden', { key: keys.auditor });
    expect(audit.json.value.length).toBeGreaterThan(0);
  });

  it.each<[string, () => Promise<{ status: number; json: any }>, number, string]>([
    ['no key', () => call(userPath, { body: userBody }), 401, 'InvalidAuthenticationToken'],
    ['a wrong key', () => call(userPath, { key: 'nope', body: userBody }), 401, 'InvalidAuthenticationToken'],
    [
      'a wrong content type',
      () =>
        call(userPath, { key: keys.requester, body: userBody, headers: { 'content-type': 'text/plain' } }),
      415,
      'UnsupportedMediaType',
    ],
    ['bad JSON', () => call(userPath, { key: keys.requester, body: '{"parameters":' }), 400, 'BadRequest'],
    [
      'an invalid body',
      () => call(userPath, { key: keys.requester, body: '{"parameters":[{"ruleId":"","subjects":[]}]}' }),
      400,
      'BadRequest',
    ],
    [
      'an oversized body',
      () => call(userPath, { key: keys.requester, body: 'x'.repeat(100 * 1024) }),
      413,
      'RequestEntityTooLarge',
    ],
    ['an unknown route', () => call('/v2/whatever', { key: keys.requester }), 404, 'NotFound'],
    [
      'an unknown job (Graph’s 404, passed on)',
      () =>
        call(
          `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/nope/provisionOnDemand`,
          { key: keys.requester, body: userBody },
        ),
      404,
      'NotFound',
    ],
  ])('answers %s in Graph’s error shape', async (_, send, status, code) => {
    const answer = await send();
    expect(answer.status).toBe(status);
    expect(answer.json.error.code).toBe(code);
  });

  it('serves a Graph SDK-style client pointed at its base URL: reads with paging, and provisioning', async () => {
    const graph = createGraphClient({
      baseUrl: proxy.url,
      apiKey: keys.requester,
      rateLimit: false,
      env: {},
    });
    const users = await collect(graph.searchUsers('', { top: 10 }));
    expect(users.length).toBeGreaterThan(50);
    const rules = await graph.getSynchronizationSchema(ids.groupServicePrincipal, ids.groupJob);
    expect(rules.synchronizationRules[0]?.id).toBe(ids.groupRule);
    const result = await graph.provisionOnDemand(ids.saasServicePrincipal, ids.saasJob, JSON.parse(userBody));
    expect(result.details.errorCode).toBe('RedundantExport');
    await graph.close();
  });

  it('lets a Graph client wait for approval and resolve with what ran, or fail with who denied it', async () => {
    const graph = createGraphClient({
      baseUrl: proxy.url,
      apiKey: keys.requester,
      rateLimit: false,
      env: {},
    });
    const states: string[] = [];
    const body = {
      parameters: [{ ruleId: ids.groupRule, subjects: [{ objectId: ids.group, objectTypeName: 'Group' }] }],
    };
    const result = await graph.provisionOnDemand(ids.groupServicePrincipal, ids.groupJob, body, {
      onPending: (approval) => {
        states.push(approval.state);
        if (approval.state === 'pending' && states.length === 1) {
          void call(`/approvals/${approval.id}/approve`, { key: keys.approver, body: '{"reason":"ok"}' });
        }
      },
    });
    expect(result.result).toBe('Success');
    expect(states[0]).toBe('pending');
    expect(states.at(-1)).toBe('completed');
    const denied = graph.provisionOnDemand(ids.groupServicePrincipal, ids.groupJob, body, {
      onPending: (approval) => {
        if (approval.state === 'pending')
          void call(`/approvals/${approval.id}/deny`, {
            key: keys['approver-2'],
            body: '{"reason":"not during the freeze"}',
          });
      },
    });
    await expect(denied).rejects.toThrow(/denied by approver-2: not during the freeze/);
    await graph.close();
  });

  it('keeps an audit log that verifies, exports as NDJSON, pages with a cursor, and holds no key', async () => {
    // Approved runs of earlier tests append in the background: compare once the log is quiet.
    let verdict = await call('/audit/verify', { key: keys.auditor });
    let exported = await call('/audit/export', { key: keys.auditor });
    await until('export and verify see the same log', async () => {
      verdict = await call('/audit/verify', { key: keys.auditor });
      exported = await call('/audit/export', { key: keys.auditor });
      return exported.text.trim().split('\n').length === verdict.json.entries;
    });
    expect(verdict.json).toMatchObject({ valid: true });
    for (const key of Object.values(keys)) expect(exported.text).not.toContain(key);
    expect(exported.text).not.toContain(sim.clientSecret);
    const first = await call('/audit?limit=3', { key: keys.auditor });
    expect(first.json.value).toHaveLength(3);
    expect(first.json['@odata.nextLink']).toMatch(new RegExp(`^${proxy.url}/audit\\?`));
    const next = await call(first.json['@odata.nextLink'].slice(proxy.url.length), { key: keys.auditor });
    expect(next.json.value[0].seq).toBe(4);
    expect((await call('/audit', { key: keys.requester })).status).toBe(403);
  });

  it('serves health, readiness, metrics and its OpenAPI document', async () => {
    expect((await call('/healthz')).json).toEqual({ status: 'ok' });
    // Why not ready is for callers with a key: sign-in errors name the app and the tenant.
    expect((await call('/readyz')).json).toEqual({ status: 'ready' });
    expect((await call('/readyz', { key: keys.auditor })).json).toEqual({
      status: 'ready',
      store: 'ok',
      audit: 'ok',
      graphToken: 'ok',
    });
    const metrics = await call('/metrics');
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.text).toMatch(/ondemand_proxy_decisions_total\{decision="allow"\} [1-9]/);
    expect(metrics.text).toMatch(/ondemand_proxy_approvals_pending \d+/);
    expect(metrics.text).toMatch(/ondemand_proxy_queued_calls 0\n/);
    // Upstream latency is a histogram in seconds: every forwarded call lands in the +Inf bucket.
    const count = Number(/ondemand_proxy_upstream_seconds_count (\d+)/.exec(metrics.text)?.[1]);
    expect(count).toBeGreaterThan(0);
    expect(metrics.text).toContain(`ondemand_proxy_upstream_seconds_bucket{le="+Inf"} ${count}\n`);
    expect(metrics.text).toMatch(/# HELP ondemand_proxy_requests_total \S/);
    // The proxy's own answers, by status: the requests answered 200 so far are in the histogram too.
    const answered = Number(/ondemand_proxy_requests_total\{status="200"\} (\d+)/.exec(metrics.text)?.[1]);
    expect(answered).toBeGreaterThan(0);
    expect(metrics.text).toContain(`ondemand_proxy_request_seconds_count{status="200"} ${answered}\n`);
    expect(metrics.text).toMatch(/process_cpu_user_seconds_total \d/);
    const openapi = await call('/openapi.json');
    expect(
      openapi.json.paths['/v1.0/servicePrincipals/{sp}/synchronization/jobs/{job}/provisionOnDemand'].post
        .requestBody.content['application/json'].schema.properties.parameters,
    ).toBeDefined();
  });

  it('serves HTTPS from the certificate the config names, and believes Forwarded headers only from a trusted proxy', async () => {
    const certificates = await createServerCertificates();
    const dir = tempDir('proxy-tls-');
    const tls = { certificateFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') };
    writeFileSync(tls.certificateFile, certificates.certPem);
    writeFileSync(tls.keyFile, certificates.keyPem);
    const demo = demoConfig(
      { baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId },
      join(dir, 'proxy.sqlite'),
      tls,
    );
    const secure = await startProxy({
      config: parseConfig({ ...demo.config, trustedProxies: ['127.0.0.1'] }),
      ca: sim.caPem!,
      env: { AZURE_CLIENT_SECRET: sim.clientSecret },
      log: () => {},
    });
    expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const dispatcher = new Agent({ connect: { ca: certificates.caPem } });
    const page = await request(`${secure.url}/v1.0/servicePrincipals?$top=1`, {
      headers: {
        authorization: `Bearer ${demo.keys.requester}`,
        forwarded: 'for=203.0.113.7;proto=https;host=ondemand.example.com',
      },
      dispatcher,
    });
    const json = (await page.body.json()) as { '@odata.nextLink': string };
    expect(json['@odata.nextLink']).toMatch(/^https:\/\/ondemand\.example\.com\/v1\.0\/servicePrincipals\?/);
    // A client's own Forwarded element, on the left, is not believed: the trusted hop's, on the right, is.
    const chained = await request(`${secure.url}/v1.0/servicePrincipals?$top=1`, {
      headers: {
        authorization: `Bearer ${demo.keys.requester}`,
        forwarded:
          'for=198.51.100.9;proto=https;host=evil.example, for=203.0.113.7;proto=https;host=ondemand.example.com',
        'x-forwarded-host': 'evil.example, ondemand.example.com',
      },
      dispatcher,
    });
    expect(((await chained.body.json()) as { '@odata.nextLink': string })['@odata.nextLink']).toMatch(
      /^https:\/\/ondemand\.example\.com\//,
    );
    await expect(
      request(secure.url.replace('https:', 'http:'), { headersTimeout: 2_000 }).then((answer) =>
        answer.body.text(),
      ),
    ).rejects.toThrow();
    await dispatcher.close();
    await secure.stop();
    expect(() => parseConfig({ ...demo.config, tls: undefined, plainHttp: false })).toThrow(
      /tls: give tls: \{ certificateFile, keyFile \}/,
    );
  });

  it('refuses an oversized chunked body (no Content-Length) with 413', async () => {
    const { Readable } = await import('node:stream');
    const chunks = Readable.from(
      (function* () {
        for (let i = 0; i < 100; i++) yield Buffer.alloc(1024, 'x');
      })(),
    );
    const answer = await request(`${proxy.url}${userPath}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.requester}`, 'content-type': 'application/json' },
      body: chunks,
    });
    expect(answer.statusCode).toBe(413);
    expect(((await answer.body.json()) as any).error.code).toBe('RequestEntityTooLarge');
  });

  it('tells a webhook about new and decided approvals, signed with an HMAC', async () => {
    const { createServer } = await import('node:http');
    const received: Array<{ event: string; signed: boolean }> = [];
    const receiver = createServer((incoming, answer) => {
      let text = '';
      incoming.on('data', (chunk) => (text += chunk));
      incoming.on('end', () => {
        received.push({
          event: JSON.parse(text).event,
          signed: verifyWebhookSignature(
            'hook-secret',
            String(incoming.headers['x-ondemand-signature']),
            text,
          ),
        });
        answer.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as { port: number }).port;
    const database = join(tempDir('proxy-'), 'proxy.sqlite');
    const demo = demoConfig({ baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId }, database);
    const hooked = await startProxy({
      config: parseConfig({ ...demo.config, webhook: { url: `http://127.0.0.1:${port}/hook` } }),
      ca: sim.caPem!,
      env: { AZURE_CLIENT_SECRET: sim.clientSecret, ONDEMAND_WEBHOOK_SECRET: 'hook-secret' },
      log: () => {},
    });
    const body = JSON.stringify({
      parameters: [{ ruleId: ids.groupRule, subjects: [{ objectId: ids.group, objectTypeName: 'Group' }] }],
    });
    const held = await call(groupPath, { key: demo.keys.requester, body, base: hooked.url });
    await call(`/approvals/${held.json.id}/deny`, {
      key: demo.keys.approver,
      body: '{"reason":"no"}',
      base: hooked.url,
    });
    await until('the webhook heard of both', () => received.length === 2);
    expect(received).toEqual([
      { event: 'approval.created', signed: true },
      { event: 'approval.decided', signed: true },
    ]);
    expect(verifyWebhookSignature('other-secret', `t=1,sha256=${'0'.repeat(64)}`, '{}')).toBe(false);
    await hooked.stop();
    receiver.close();
  });

  it('accepts Entra ID-issued JWTs checked against the issuer JWKS, mapping app roles to proxy roles', async () => {
    const database = join(tempDir('proxy-'), 'proxy.sqlite');
    const demo = demoConfig({ baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId }, database);
    const jwt = {
      issuer: `https://sts.windows.net/${sim.tenantId}/`,
      audience: 'https://graph.microsoft.com',
      jwksUrl: `${sim.url}/${sim.tenantId}/discovery/v2.0/keys`,
      roleMap: { 'Synchronization.ReadWrite.All': 'requester' },
    };
    const withJwt = await startProxy({
      config: parseConfig({ ...demo.config, jwt }),
      ca: sim.caPem!,
      env: { AZURE_CLIENT_SECRET: sim.clientSecret },
      log: () => {},
    });
    const tokenFor = async (clientId: string, secret: string) => {
      const { Agent } = await import('undici');
      const answer = await request(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: secret,
          scope: 'https://graph.microsoft.com/.default',
        }).toString(),
        dispatcher: new Agent({ connect: { ca: sim.caPem! } }),
      });
      return ((await answer.body.json()) as { access_token: string }).access_token;
    };
    const allowed = await call(userPath, {
      key: await tokenFor(sim.clientId, sim.clientSecret),
      body: userBody,
      base: withJwt.url,
    });
    expect(allowed.status).toBe(200);
    const audit = await call('/audit?action=outcome', { key: demo.keys.auditor, base: withJwt.url });
    expect(audit.json.value.at(-1).principal).toBe(sim.clientId);
    const reader = sim.context.tenant.seed.clients.find(
      (client) =>
        client.permissions.includes('User.Read.All') &&
        !client.permissions.includes('Synchronization.ReadWrite.All'),
    )!;
    const readerToken = await tokenFor(reader.clientId, reader.secret!);
    expect((await call(userPath, { key: readerToken, body: userBody, base: withJwt.url })).status).toBe(403);
    // A principal with no role reads nothing with the proxy's own Graph permissions either.
    const read = await call('/v1.0/users?$top=1', { key: readerToken, base: withJwt.url });
    expect(read.status).toBe(403);
    expect(read.json.error.message).toMatch(
      /Reading the directory through the proxy needs the role .* has no role/,
    );
    expect(
      (
        await call(userPath, {
          key: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
          body: userBody,
          base: withJwt.url,
        })
      ).status,
    ).toBe(401);
    await withJwt.stop();
  });

  it('fails closed: with the audit log unwritable, nothing is forwarded (503)', async () => {
    const database = join(tempDir('proxy-'), 'proxy.sqlite');
    // The real store with a disk that refuses every audit write.
    const broken = new (class extends SqliteStore {
      override appendAudit(): never {
        throw new Error('disk full');
      }
    })(database);
    const { running, keys: brokenKeys } = await startDemo(broken);
    const before = sim.context.stats.snapshot().provisionOnDemand.accepted;
    const answer = await call(userPath, { key: brokenKeys.requester, body: userBody, base: running.url });
    expect(answer.status).toBe(503);
    expect(answer.json.error.message).toMatch(/audit log cannot be written, so nothing is forwarded/);
    expect(sim.context.stats.snapshot().provisionOnDemand.accepted).toBe(before);
    expect((await call('/metrics', { base: running.url })).text).toMatch(
      /ondemand_proxy_audit_write_failures_total [1-9]/,
    );
    await running.stop();
  });
});
