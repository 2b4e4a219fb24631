import { measure } from 'mitata';

/** Nanoseconds per call of `fn`: mitata's median over many samples, after warm-up. */
export async function nanosPerCall(fn: () => unknown): Promise<{ p50: number; avg: number }> {
  const stats = await measure(fn);
  return { p50: stats.p50, avg: stats.avg };
}

/** Formats a duration in ns for a table. */
export function formatNanos(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

/** Prints one benchmark line: the figure, the baseline and their ratio, with the goal when there is one. */
export function report(name: string, value: number, baseline: number, goal?: number): boolean {
  const ratio = value / baseline;
  const verdict = goal === undefined ? '' : ratio <= goal ? `  ✓ goal ≤ ${goal}×` : `  ✗ goal ≤ ${goal}×`;
  console.log(
    `${name.padEnd(52)} ${formatNanos(value).padStart(10)} vs ${formatNanos(baseline).padStart(10)}  = ${ratio.toFixed(2)}×${verdict}`,
  );
  return goal === undefined || ratio <= goal;
}
