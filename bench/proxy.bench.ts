/**
 * ondemand-proxy overhead. Run: `pnpm bench` (from the root).
 * The same provisionOnDemand call with Graph's limit off, straight to the simulator and through the
 * proxy (policy, audit entries written to SQLite in WAL mode with full sync, forward), both over
 * loopback (the simulator over HTTPS, as Graph), in the same run: the throughput ratio (autocannon)
 * and p50/p99 latency added at a steady rate. A bare pass-through (bench/lib/bare-pass-through.ts)
 * is measured too, so the added latency splits into what any extra process in the path costs on
 * this machine and what the proxy's own work costs.
 * Goal: ≤ 2 ms added at p99, every audit entry durable.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userRequest } from '@ondemand/core';
import { demoConfig } from '@ondemand/proxy';
import { documentedIds as ids, type SimulatorReadyLine } from '@ondemand/simulator';
import { startReadyProcess } from '@ondemand/test-utils';
import autocannon from 'autocannon';
import { quantile, steadyLatency } from './lib/steady-latency.js';

type SteadyFigures = { p50: number; p90: number; p99: number; calls: number; failed: number };

const durationSeconds = Number(process.env.BENCH_SECONDS ?? 5);
type SimReady = SimulatorReadyLine & { caFile: string };

// HTTPS, as Graph is (MSAL, in the proxy, signs in only over HTTPS).
const sim = await startReadyProcess<SimReady>(['packages/simulator/dist/cli.js']);
const { readFileSync } = await import('node:fs');
const ca = readFileSync(sim.ready.caFile, 'utf8');
const { Agent, fetch: trustedFetch } = await import('undici');
const dispatcher = new Agent({ connect: { ca } });
const fetch = (url: string, init: Parameters<typeof trustedFetch>[1] = {}) =>
  trustedFetch(url, { ...init, dispatcher });
await fetch(`${sim.ready.url}/_sim/settings`, {
  method: 'PATCH',
  headers: { authorization: `Bearer ${sim.ready.controlToken}`, 'content-type': 'application/json' },
  body: JSON.stringify({ provisionLimit: null }),
});
const token = (
  (await (
    await fetch(`${sim.ready.url}/${sim.ready.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sim.ready.clientId,
        client_secret: sim.ready.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }),
    })
  ).json()) as { access_token: string }
).access_token;

// The proxy in its own process, with a config file like an operator's, its limiter off to measure its own cost.
const dir = mkdtempSync(join(tmpdir(), 'proxy-bench-'));
const demo = demoConfig(
  { baseUrl: sim.ready.url, tenantId: sim.ready.tenantId, clientId: sim.ready.clientId },
  join(dir, 'proxy.sqlite'),
);
const { writeFileSync } = await import('node:fs');
writeFileSync(
  join(dir, 'proxy.json'),
  JSON.stringify({
    ...demo.config,
    port: 0,
    graph: { ...demo.config.graph, caFile: sim.ready.caFile, rateLimit: { limit: 1_000_000, windowMs: 1 } },
  }),
);
const proxy = await startReadyProcess<{ url: string; database: string }>(
  ['apps/proxy/dist/cli.js', '--config', join(dir, 'proxy.json')],
  { AZURE_CLIENT_SECRET: sim.ready.clientSecret },
  { stderr: 'ignore' },
);

// The same hop with nothing in it: what an extra process in the path costs here, apart from the proxy's work.
const bare = await startReadyProcess<{ url: string }>(
  ['--import', import.meta.resolve('tsx'), 'bench/lib/bare-pass-through.ts'],
  {
    BARE_UPSTREAM: sim.ready.url,
    BARE_CA_FILE: sim.ready.caFile,
    BARE_TOKEN: token,
  },
);

const body = JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }));
const path = `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`;
async function load(url: string, key: string) {
  const options = {
    url,
    method: 'POST' as const,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
    connections: 8,
    duration: 1,
    tlsOptions: { ca },
  };
  await autocannon(options);
  const result = await autocannon({ ...options, duration: durationSeconds });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
  };
}
// Throughput: as fast as each will go (autocannon). Latency: at a steady 200 calls/s, so queueing
// under saturation does not pass for the proxy's own cost.
const direct = await load(`${sim.ready.url}${path}`, token);
const proxied = await load(`${proxy.ready.url}${path}`, demo.keys.requester!);
const steadySeconds = Number(process.env.BENCH_STEADY_SECONDS ?? 20);
const plain = new Agent({ keepAliveTimeout: 30_000 });
const steady = await steadyLatency(
  [
    {
      name: 'straight',
      url: `${sim.ready.url}${path}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
      dispatcher,
    },
    {
      name: 'bare',
      url: `${bare.ready.url}${path}`,
      headers: { 'content-type': 'application/json' },
      body,
      dispatcher: plain,
    },
    {
      name: 'proxy',
      url: `${proxy.ready.url}${path}`,
      headers: { authorization: `Bearer ${demo.keys.requester}`, 'content-type': 'application/json' },
      body,
      dispatcher: plain,
    },
  ],
  { rate: 200, seconds: steadySeconds },
);
const [directSteady, bareSteady, proxiedSteady] = ['straight', 'bare', 'proxy'].map((name) => {
  const { latencies, failed } = steady.get(name)!;
  return {
    p50: quantile(latencies, 0.5),
    p90: quantile(latencies, 0.9),
    p99: quantile(latencies, 0.99),
    calls: latencies.length,
    failed,
  };
}) as [SteadyFigures, SteadyFigures, SteadyFigures];
await plain.close();
const verify = (await (
  await trustedFetch(`${proxy.ready.url}/audit/verify`, {
    headers: { authorization: `Bearer ${demo.keys.auditor}` },
  })
).json()) as { valid: boolean; entries: number };
await bare.stop();
await proxy.stop();
await sim.stop();

console.log(`ondemand-proxy benchmark (autocannon, 8 connections, ${durationSeconds} s each, limit off)\n`);
console.log(
  `saturated: straight to the simulator   ${direct.rps.toFixed(0).padStart(6)} req/s   p50 ${direct.p50} ms   p99 ${direct.p99} ms   non-2xx ${direct.non2xx}`,
);
console.log(
  `saturated: through the proxy           ${proxied.rps.toFixed(0).padStart(6)} req/s   p50 ${proxied.p50} ms   p99 ${proxied.p99} ms   non-2xx ${proxied.non2xx}`,
);
console.log(`throughput ratio                       ${(proxied.rps / direct.rps).toFixed(2)}×`);
const ms = (value: number) => `${value.toFixed(2)} ms`;
const figures = (label: string, { p50, p90, p99, calls, failed }: SteadyFigures) =>
  console.log(
    `  ${label.padEnd(37)}p50 ${ms(p50)}   p90 ${ms(p90)}   p99 ${ms(p99)}   calls ${calls}, failed ${failed}`,
  );
const signed = (value: number) => `${value < 0 ? '−' : '+'}${ms(Math.abs(value))}`;
const added = (label: string, over: SteadyFigures, base: SteadyFigures, note = '') =>
  console.log(
    `  ${label.padEnd(37)}p50 ${signed(over.p50 - base.p50)}   p99 ${signed(over.p99 - base.p99)}${note}`,
  );
console.log(
  `at 200 req/s (open loop, ${steadySeconds} s each after a warm-up slice, alternating 1 s slices, high-resolution timing):`,
);
figures('straight to the simulator', directSteady);
figures('bare pass-through (no checks)', bareSteady);
figures('through the proxy', proxiedSteady);
const addedP99 = proxiedSteady.p99 - directSteady.p99;
added(
  'added by the proxy',
  proxiedSteady,
  directSteady,
  `   ${addedP99 <= 2 ? '✓' : '✗'} goal ≤ 2 ms at p99`,
);
added('  of which any extra hop costs here', bareSteady, directSteady, '   (bare pass-through vs straight)');
added("  and the proxy's own work", proxiedSteady, bareSteady, '   (proxy vs bare pass-through)');
console.log(
  `audit log                              ${verify.entries} entries, chain ${verify.valid ? 'valid' : 'BROKEN'} (4 per call; synchronous=FULL, group commit)`,
);
