/**
 * @ondemand/core benchmarks. Run: `pnpm bench` (from the root) or `pnpm --filter @ondemand/bench bench`.
 * - decoding the large documented answer vs a bare JSON.parse of body, key and value;
 * - one limiter grant on the uncontended path vs an empty async call;
 * - a simulated hour of 5-per-10 s traffic on a fake clock, vs one real second.
 */
import { decodeProvisionResponse, SlidingWindowLimiter } from '@ondemand/core';
import { documentedExample, FakeClock } from '@ondemand/test-utils';
import { nanosPerCall, report } from './lib/measure.js';

const text = JSON.stringify(documentedExample(2).response.body);

console.log('@ondemand/core benchmarks (median per call)\n');

// Both run a few thousand times first: zod compiles its checks on first use, and that one-off cost is
// not what a process decoding answers all day pays per call.
for (let i = 0; i < 3_000; i++) {
  decodeProvisionResponse(JSON.parse(text));
  JSON.parse(JSON.parse(text).value);
}
// Interleaved rounds, best of each: a noisy neighbour on this VM slows one round, not the comparison.
const bareRun = () => {
  const body = JSON.parse(text);
  return [JSON.parse(body.key), JSON.parse(body.value)];
};
const decoderRun = () => decodeProvisionResponse(JSON.parse(text));
const rounds = { bare: [] as number[], decoder: [] as number[] };
for (let round = 0; round < 3; round++) {
  rounds.bare.push((await nanosPerCall(bareRun)).p50);
  rounds.decoder.push((await nanosPerCall(decoderRun)).p50);
}
const bare = { p50: Math.min(...rounds.bare) };
const decoder = { p50: Math.min(...rounds.decoder) };
report('decode large answer (decoder vs bare JSON.parse)', decoder.p50, bare.p50, 1.5);

const limiter = new SlidingWindowLimiter({ limit: Number.MAX_SAFE_INTEGER, windowMs: 1 });
const emptyAsync = await nanosPerCall(async () => {});
const grant = await nanosPerCall(() => limiter.acquire());
report('one uncontended grant (vs an empty async call)', grant.p50, emptyAsync.p50);

// An hour of callers arriving faster than the limit: 5 per 10 s means 1 800 grants.
const clock = new FakeClock();
const hourLimiter = new SlidingWindowLimiter({ clock });
const started = performance.now();
let granted = 0;
const waits: Array<Promise<void>> = [];
for (let second = 0; second < 3_600; second += 2) {
  clock.setTimeout(() => {
    waits.push(hourLimiter.acquire().then(() => void granted++));
  }, second * 1_000);
}
await clock.advance(3_600_000);
await Promise.all(waits);
const elapsedMs = performance.now() - started;
report(`simulated hour: ${granted} grants (vs 1 s of wall time)`, elapsedMs * 1e6, 1e9, 1);
