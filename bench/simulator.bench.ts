/**
 * @ondemand/simulator throughput. Run: `pnpm bench` (from the root).
 * provisionOnDemand requests per second with Graph's limit off (it must never be the bottleneck of
 * other benchmarks: goal ≥ 5 000/s), against a bare Node HTTP server answering a fixed body, both in
 * their own process, measured with autocannon in the same run.
 */
import { userRequest } from '@ondemand/core';
import { documentedIds } from '@ondemand/simulator';
import { startReadyProcess } from '@ondemand/test-utils';
import autocannon from 'autocannon';

const durationSeconds = Number(process.env.BENCH_SECONDS ?? 5);

async function load(url: string, headers: Record<string, string>, body: string) {
  // Warm up, then measure.
  await autocannon({ url, method: 'POST', headers, body, connections: 32, duration: 1 });
  const result = await autocannon({
    url,
    method: 'POST',
    headers,
    body,
    connections: 32,
    duration: durationSeconds,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const sim = await startReadyProcess<{
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  controlToken: string;
}>(['packages/simulator/dist/cli.js', '--http']);
const { url, tenantId, clientId, clientSecret, controlToken } = sim.ready;
const tokenAnswer = await fetch(`${url}/${tenantId}/oauth2/v2.0/token`, {
  method: 'POST',
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    scope: 'https://graph.microsoft.com/.default',
  }),
});
const { access_token: accessToken } = (await tokenAnswer.json()) as { access_token: string };
await fetch(`${url}/_sim/settings`, {
  method: 'PATCH',
  headers: { authorization: `Bearer ${controlToken}`, 'content-type': 'application/json' },
  body: JSON.stringify({ provisionLimit: null }),
});
const body = JSON.stringify(userRequest({ ruleId: documentedIds.saasRule, userId: documentedIds.saasUser }));
const path = `/v1.0/servicePrincipals/${documentedIds.saasServicePrincipal}/synchronization/jobs/${documentedIds.saasJob}/provisionOnDemand`;
const simulated = await load(
  `${url}${path}`,
  { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
  body,
);
await sim.stop();

const bareServer = `
const answer = JSON.stringify({ key: '{"result":"Success","details":{}}', value: '{}' });
const server = require('node:http').createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(answer));
}).listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));`;
const bare = await startReadyProcess<{ url: string }>(['-e', bareServer]);
const baseline = await load(`${bare.ready.url}${path}`, { 'content-type': 'application/json' }, body);
await bare.stop();

console.log(
  `@ondemand/simulator benchmark (autocannon, 32 connections, ${durationSeconds} s each, servers in their own process)\n`,
);
console.log(
  `provisionOnDemand, limit off      ${simulated.rps.toFixed(0).padStart(7)} req/s  p50 ${simulated.p50} ms  p99 ${simulated.p99} ms  non-2xx ${simulated.non2xx}  errors ${simulated.errors}`,
);
console.log(
  `bare Node HTTP server (baseline)  ${baseline.rps.toFixed(0).padStart(7)} req/s  p50 ${baseline.p50} ms  p99 ${baseline.p99} ms`,
);
console.log(
  `ratio simulator / baseline        ${(simulated.rps / baseline.rps).toFixed(2)}×   ${simulated.rps >= 5_000 ? '✓' : '✗'} goal ≥ 5000 req/s`,
);
