import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { verifyChain } from '@ondemand/audit-log';
import { userRequest } from '@ondemand/core';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { startPrivateRedis, testPostgresUrl, until } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigFileError,
  demoConfig,
  hashApiKey,
  PostgresStore,
  parseConfig,
  type RunningProxy,
  startProxy,
} from '../src/index.js';

const TIME_SCALE = 20;
const windowMs = 10_000 / TIME_SCALE;
const schema = `test_${randomBytes(6).toString('hex')}`;
const userPath = `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`;
const userBody = JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }));

let sim: RunningSimulator;
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let keys: Record<string, string>;
const replicas: RunningProxy[] = [];
const dir = tempDir('scale-out-');

/** A replica of the demo proxy on the shared PostgreSQL schema and Redis. */
async function startReplica(replicaId: string, extra: Record<string, unknown> = {}) {
  const demo = demoConfig(
    { baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId },
    'unused.sqlite',
  );
  // Every replica must accept the same keys: the first replica's demo keys are reused.
  keys ??= demo.keys;
  const apiKeys = (demo.config.apiKeys ?? []).map((entry) => ({
    ...entry,
    sha256: hashApiKey(keys[entry.principal]!),
  }));
  const running = await startProxy({
    config: parseConfig({
      ...demo.config,
      apiKeys,
      store: testPostgresUrl,
      storeSchema: schema,
      replicaId,
      limiter: { url: redis.url },
      // A busy test machine delays calls more than a network would: a wider margin than the 2% default.
      graph: { ...demo.config.graph, rateLimit: { limit: 5, windowMs, marginMs: windowMs / 4 } },
      audit: { spoolFile: join(dir, `${replicaId}.outcomes.ndjson`) },
      ...extra,
    }),
    ca: sim.caPem!,
    env: { AZURE_CLIENT_SECRET: sim.clientSecret },
    log: () => {},
  });
  replicas.push(running);
  return running;
}

async function provision(base: string) {
  const answer = await request(`${base}${userPath}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.requester}`, 'content-type': 'application/json' },
    body: userBody,
  });
  return { status: answer.statusCode, headers: answer.headers, json: (await answer.body.json()) as any };
}

beforeAll(async () => {
  sim = await startSimulator({ timeScale: TIME_SCALE });
  redis = await startPrivateRedis();
});
afterAll(async () => {
  for (const replica of replicas) await replica.stop().catch(() => {});
  await redis.stop();
  await sim.stop();
  await PostgresStore.dropSchema(testPostgresUrl, schema);
});

describe('several replicas on PostgreSQL and Redis', { tags: ['e2e'] }, () => {
  it('stay under the limit together and write one chain', async () => {
    const [one, two] = [await startReplica('one'), await startReplica('two')];
    const answers = await Promise.all(
      Array.from({ length: 14 }, (_, index) => provision((index % 2 ? one : two).url)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(14).fill(200));
    const stats = sim.context.stats.snapshot();
    expect(stats.throttled).toBe(0);
    expect(stats.provisionOnDemand.maxInWindow).toBeLessThanOrEqual(5);
    const chain = await one.store.openChain();
    expect(await verifyChain(chain)).toMatchObject({ valid: true });
    await chain.close();
    const requests = await one.store.queryAudit({ action: 'request', limit: 1_000 });
    const requestIds = new Set(requests.map((entry) => entry.requestId));
    for (const answer of answers) expect(requestIds.has(answer.headers['request-id'] as string)).toBe(true);
  });

  it('answers 503 with Retry-After when too many calls already wait, and sends nothing for them', async () => {
    // One principal may take the whole queue here: this is about the replica's bound, not the share.
    const small = await startReplica('small', { maxQueuedCalls: 2, maxQueuedCallsPerPrincipal: 2 });
    const before = sim.context.stats.snapshot().provisionOnDemand.accepted;
    const answers = await Promise.all(Array.from({ length: 8 }, () => provision(small.url)));
    const refused = answers.filter((answer) => answer.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    const sent = answers.filter((answer) => answer.status === 200).length;
    expect(sent).toBeGreaterThan(0);
    // Graph took exactly the calls that were answered 200: none of the refused ones.
    expect(sim.context.stats.snapshot().provisionOnDemand.accepted - before).toBe(sent);
    for (const answer of refused) {
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(answer.json.error.message).toMatch(/calls are already waiting for Graph's rate limit/);
    }
    const outcomes = await small.store.queryAudit({ action: 'outcome', limit: 1_000 });
    expect(outcomes.filter((entry) => entry.detail.error === 'queue_full')).toHaveLength(refused.length);
  });

  it('fails closed while Redis is down (503, nothing sent), and works again when it is back', async () => {
    const replica = await startReplica('redis-outage');
    await redis.stop();
    const before = sim.context.stats.snapshot().provisionOnDemand.accepted;
    const answer = await provision(replica.url);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.json.error.message).toMatch(/rate limiter \(Redis\) cannot be reached/);
    expect(sim.context.stats.snapshot().provisionOnDemand.accepted).toBe(before);
    await redis.start();
    let status = 0;
    await until('calls go through again', async () => {
      status = (await provision(replica.url)).status;
      return status === 200;
    });
    expect(status).toBe(200);
  });

  it('refuses a shared store without a replica id, naming the key', () => {
    const demo = demoConfig({ baseUrl: 'https://graph.test', tenantId: 't', clientId: 'c' }, 'x.sqlite');
    expect(() => parseConfig({ ...demo.config, store: testPostgresUrl })).toThrow(ConfigFileError);
    expect(() => parseConfig({ ...demo.config, store: testPostgresUrl })).toThrow(
      /replicaId: .*ONDEMAND_REPLICA_ID/,
    );
    expect(() => parseConfig({ ...demo.config, store: 'mysql://x' })).toThrow(
      /store: store \(or ONDEMAND_STORE\) must be a postgres/,
    );
  });
});
