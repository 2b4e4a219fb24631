/** Counters and gauges in Prometheus' text format; small enough not to need a client library. */
export class Metrics {
  readonly #counters = new Map<string, number>();
  readonly #gauges = new Map<string, () => number | Promise<number>>();
  readonly #latencies: number[] = [];

  count(name: string, labels: Record<string, string> = {}, by = 1): void {
    const key = `${name}${formatLabels(labels)}`;
    this.#counters.set(key, (this.#counters.get(key) ?? 0) + by);
  }

  gauge(name: string, read: () => number | Promise<number>): void {
    this.#gauges.set(name, read);
  }

  upstreamLatency(ms: number): void {
    this.#latencies.push(ms);
    if (this.#latencies.length > 1_000) this.#latencies.shift();
  }

  async render(): Promise<string> {
    const lines: string[] = [];
    const names = new Set([...this.#counters.keys()].map((key) => key.replace(/\{.*$/, '')));
    for (const name of names) {
      lines.push(`# TYPE ${name} counter`);
      for (const [key, value] of this.#counters)
        if (key.replace(/\{.*$/, '') === name) lines.push(`${key} ${value}`);
    }
    for (const [name, read] of this.#gauges) lines.push(`# TYPE ${name} gauge`, `${name} ${await read()}`);
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    lines.push('# TYPE ondemand_proxy_upstream_latency_ms summary');
    for (const quantile of [0.5, 0.99]) {
      lines.push(
        `ondemand_proxy_upstream_latency_ms{quantile="${quantile}"} ${sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))] : 0}`,
      );
    }
    lines.push(`ondemand_proxy_upstream_latency_ms_count ${sorted.length}`);
    return `${lines.join('\n')}\n`;
  }
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  return entries.length === 0
    ? ''
    : `{${entries.map(([key, value]) => `${key}="${value.replaceAll('"', '\\"')}"`).join(',')}}`;
}
