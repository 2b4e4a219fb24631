/**
 * @ondemand/transport under Graph's limit. Run: `pnpm bench` (from the root).
 * 100 provisionOnDemand calls from 20 concurrent callers against a time-scaled simulator in its own
 * process: the makespan as a ratio of the theoretical minimum the 5-per-window limit allows, and the
 * 429s Graph answered; then the same for a naive client that fires and retries on 429 after
 * Retry-After, as the Graph SDKs' retry handler does (3 retries). Goal: ratio ≤ 1.05 and zero 429s.
 */
import { userRequest } from '@ondemand/core';
import { documentedIds as ids, type SimulatorReadyLine } from '@ondemand/simulator';
import { startReadyProcess } from '@ondemand/test-utils';
import { collect, createGraphClient } from '@ondemand/transport';
import { Agent, request } from 'undici';

const TIME_SCALE = Number(process.env.BENCH_TIME_SCALE ?? 10);
const WINDOW_MS = 10_000 / TIME_SCALE;
const CALLS = 100;
const CALLERS = 20;

type Ready = SimulatorReadyLine & { caFile: string };
const sim = await startReadyProcess<Ready>([
  'packages/simulator/dist/cli.js',
  '--time-scale',
  String(TIME_SCALE),
]);
const { readFile } = await import('node:fs/promises');
const ca = await readFile(sim.ready.caFile, 'utf8');
const dispatcher = new Agent({ connect: { ca } });
const control = async (method: 'GET' | 'POST', path: string) => {
  const answer = await request(`${sim.ready.url}/_sim${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.ready.controlToken}` },
    dispatcher,
  });
  return answer.body.json() as Promise<{ throttled: number; provisionOnDemand: { maxInWindow: number } }>;
};

const graph = createGraphClient({
  baseUrl: sim.ready.url,
  ca,
  tenantId: sim.ready.tenantId,
  clientId: sim.ready.clientId,
  clientSecret: sim.ready.clientSecret,
  rateLimit: { limit: 5, windowMs: WINDOW_MS },
  env: {},
});
const directory = await collect(graph.searchUsers('', { top: 100 }));
// More calls than users: some users go twice (the second is a redundant export, as fast as any).
const users = Array.from({ length: CALLS }, (_, index) => directory[index % directory.length]!);
const path = `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`;
// The last of 100 calls can go no sooner than (100/5 − 1) windows after the first.
const minimumMs = (CALLS / 5 - 1) * WINDOW_MS;

async function run(name: string, provision: (userId: string) => Promise<boolean>) {
  await control('POST', '/reset');
  const queue = [...users];
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      for (let user = queue.shift(); user; user = queue.shift()) if (!(await provision(user.id))) failed += 1;
    }),
  );
  const makespan = performance.now() - started;
  const stats = await control('GET', '/stats');
  console.log(
    `${name.padEnd(34)} makespan ${(makespan / 1000).toFixed(2).padStart(6)} s = ${(makespan / minimumMs).toFixed(3)}× minimum   429s ${String(stats.throttled).padStart(3)}   failed ${failed}   most in a window ${stats.provisionOnDemand.maxInWindow}`,
  );
  return { ratio: makespan / minimumMs, throttled: stats.throttled };
}

// Warm the token, the connection pool and the simulator's code paths so both clients start equal.
for (const user of directory.slice(0, 5))
  await graph.provisionOnDemand(
    ids.saasServicePrincipal,
    ids.saasJob,
    userRequest({ ruleId: ids.saasRule, userId: user.id }),
  );
// …and let those warm-up calls leave the window before the clock starts.
await new Promise((resolve) => setTimeout(resolve, WINDOW_MS * 1.1));
const tokenAnswer = await request(`${sim.ready.url}/${sim.ready.tenantId}/oauth2/v2.0/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: sim.ready.clientId,
    client_secret: sim.ready.clientSecret,
    scope: 'https://graph.microsoft.com/.default',
  }).toString(),
  dispatcher,
});
const { access_token: token } = (await tokenAnswer.body.json()) as { access_token: string };

console.log(
  `@ondemand/transport: ${CALLS} provisionOnDemand calls, ${CALLERS} callers, simulator ×${TIME_SCALE} (window ${WINDOW_MS} ms, minimum makespan ${(minimumMs / 1000).toFixed(2)} s)\n`,
);
const ours = await run('ondemand transport (paced)', async (userId) => {
  await graph.provisionOnDemand(
    ids.saasServicePrincipal,
    ids.saasJob,
    userRequest({ ruleId: ids.saasRule, userId }),
  );
  return true;
});
const naive = await run('naive: fire, retry 429 ×3 (SDK-like)', async (userId) => {
  for (let attempt = 0; attempt <= 3; attempt++) {
    const answer = await request(`${sim.ready.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(userRequest({ ruleId: ids.saasRule, userId })),
      dispatcher,
    });
    await answer.body.text();
    if (answer.statusCode !== 429) return answer.statusCode === 200;
    const retryAfter = Number(answer.headers['retry-after'] ?? 3);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  }
  return false;
});
console.log(
  `\nratio goal ≤ 1.05 and zero 429s: ${ours.ratio <= 1.05 && ours.throttled === 0 ? '✓' : '✗'} (naive: ${naive.ratio.toFixed(3)}×, ${naive.throttled} 429s)`,
);
await graph.close();
await dispatcher.close();
await sim.stop();
