/**
 * Provisioning-log benchmarks. Run: `pnpm bench` (from the root) or `npx tsx logs.bench.ts`.
 * - decoding 10 000 log entries (a Graph page of them) vs a bare JSON.parse of the same text;
 * - listing 1 000 entries, 50 a page, through the transport from a time-scaled simulator that keeps
 *   Graph's reports limit: the makespan against the minimum the limit allows, and the 429s.
 */
import { readFileSync } from 'node:fs';
import { decodeProvisioningLogs, REPORTS_LIMIT, userRequest } from '@ondemand/core';
import { documentedIds as ids, startSimulator } from '@ondemand/simulator';
import { fixturesDir } from '@ondemand/test-utils';
import { createGraphClient } from '@ondemand/transport';
import { nanosPerCall, report } from './lib/measure.js';

console.log('Provisioning-log benchmarks\n');

// 10 000 entries: the documented v1.0 page's entry, each with its own id.
const documented = JSON.parse(readFileSync(`${fixturesDir}logs/v1-page-failure.json`, 'utf8')) as {
  value: unknown[];
};
const page = {
  '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning',
  value: Array.from({ length: 10_000 }, (_, index) => ({
    ...(documented.value[0] as object),
    id: `entry-${index}`,
  })),
};
const text = JSON.stringify(page);
for (let i = 0; i < 3; i++) decodeProvisioningLogs(JSON.parse(text));
const rounds = { bare: [] as number[], decoder: [] as number[] };
for (let round = 0; round < 3; round++) {
  rounds.bare.push((await nanosPerCall(() => JSON.parse(text))).p50);
  rounds.decoder.push((await nanosPerCall(() => decodeProvisioningLogs(JSON.parse(text)))).p50);
}
report(
  'decode 10 000 log entries (vs bare JSON.parse)',
  Math.min(...rounds.decoder),
  Math.min(...rounds.bare),
  1.5,
);

// Listing: 1 000 entries written by on-demand calls, read 50 a page = 20 requests in the reports budget.
const timeScale = Number(process.env.BENCH_TIME_SCALE ?? 10);
const sim = await startSimulator({ timeScale });
try {
  const context = sim.context;
  context.service.log.visibilityDelayMs = 0;
  const job = context.tenant.job(ids.saasServicePrincipal, ids.saasJob)!;
  const initiator = { id: 'bench', displayName: 'bench', initiatorType: 'application' as const };
  for (let index = 0; index < 1_000; index++)
    context.service.recordOnDemand(
      job,
      context.engine.provision(job, userRequest({ ruleId: ids.saasRule, userId: ids.saasUser })).outcomes,
      initiator,
    );
  const windowMs = REPORTS_LIMIT.windowMs / timeScale;
  const graph = createGraphClient({
    baseUrl: sim.url,
    ca: sim.caPem,
    tenantId: sim.tenantId,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    env: {},
    rateLimit: false,
    reportsLimit: { limit: REPORTS_LIMIT.limit, windowMs, marginMs: windowMs * 0.02 },
  });
  await graph.checkSignIn();
  const before = context.stats.snapshot().throttled;
  const started = performance.now();
  let read = 0;
  for await (const _ of graph.listProvisioningLogs({}, { top: 50 })) read++;
  const makespan = performance.now() - started;
  const pages = Math.ceil(read / 50);
  // The limit lets 5 requests go at once, then 5 more each window: the last page leaves this much later.
  const minimum = (Math.ceil(pages / REPORTS_LIMIT.limit) - 1) * windowMs;
  const throttled = context.stats.snapshot().throttled - before;
  report(
    `list ${read} entries, ${pages} pages, ${throttled} × 429 (vs the limit's minimum)`,
    makespan * 1e6,
    minimum * 1e6,
    1.05,
  );
  await graph.close();
} finally {
  await sim.stop();
}
