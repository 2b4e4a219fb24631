import { type Dispatcher, request } from 'undici';

export interface LatencyTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  dispatcher: Dispatcher;
}

/**
 * Latency at a steady rate, open loop (a call leaves on schedule whether or not the last one has
 * answered, so a slow answer cannot hide the ones behind it), timed with the high-resolution clock.
 * Autocannon reports whole milliseconds, too coarse for a 2 ms goal. The targets take turns in
 * slices of `sliceMs`, so drift in the machine's load falls on all of them alike. One slice each
 * first is a warm-up and not counted: a process that has not run yet (its code still being
 * compiled) would otherwise put its start-up into the tail.
 */
export async function steadyLatency(
  targets: LatencyTarget[],
  options: { rate: number; seconds: number; sliceMs?: number },
): Promise<Map<string, { latencies: number[]; failed: number }>> {
  const results = new Map(targets.map((target) => [target.name, { latencies: [] as number[], failed: 0 }]));
  const sliceMs = options.sliceMs ?? 1_000;
  const gapMs = 1_000 / options.rate;
  const inFlight = new Set<Promise<void>>();
  const slices = Math.ceil((options.seconds * 1_000) / sliceMs);
  for (let slice = -targets.length; slice < slices * targets.length; slice += 1) {
    const target = targets[(slice + targets.length) % targets.length]!;
    const result = slice < 0 ? { latencies: [] as number[], failed: 0 } : results.get(target.name)!;
    const start = performance.now();
    for (let sent = 0; performance.now() - start < sliceMs; sent += 1) {
      const due = start + sent * gapMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const call = (async () => {
        const began = performance.now();
        try {
          const answer = await request(target.url, {
            method: 'POST',
            headers: target.headers,
            body: target.body,
            dispatcher: target.dispatcher,
          });
          await answer.body.dump();
          if (answer.statusCode === 200) result.latencies.push(performance.now() - began);
          else result.failed += 1;
        } catch {
          result.failed += 1;
        }
      })();
      inFlight.add(call);
      void call.finally(() => inFlight.delete(call));
    }
    await Promise.all(inFlight);
  }
  return results;
}

/** The q-quantile (0..1) of the values, in their unit. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
