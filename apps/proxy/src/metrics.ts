import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The proxy's Prometheus metrics (prom-client), one registry per proxy. Latency is a histogram,
 * in seconds, so the figures of several replicas add up in a query.
 */
export class Metrics {
  readonly #registry = new Registry();
  readonly #registers = [this.#registry];

  readonly requests = this.#counter('ondemand_proxy_requests_total', 'HTTP requests answered, by status.', [
    'status',
  ]);
  readonly requestSeconds = new Histogram({
    name: 'ondemand_proxy_request_seconds',
    help: 'Time from a request reaching the proxy to its answer, by status (Graph and approval waits included).',
    labelNames: ['status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: this.#registers,
  });
  readonly decisions = this.#counter(
    'ondemand_proxy_decisions_total',
    'Policy decisions on provisionOnDemand calls, by decision.',
    ['decision'],
  );
  readonly auditWriteFailures = this.#counter(
    'ondemand_proxy_audit_write_failures_total',
    'Audit entries that could not be written (the call was refused, nothing forwarded).',
  );
  readonly queueFull = this.#counter(
    'ondemand_proxy_queue_full_total',
    "Calls refused because too many were already waiting for Graph's rate limit.",
  );
  readonly webhookFailures = this.#counter(
    'ondemand_proxy_webhook_failures_total',
    'Approval webhook deliveries that failed.',
  );
  readonly upstreamSeconds = new Histogram({
    name: 'ondemand_proxy_upstream_seconds',
    help: 'Time from sending a provisionOnDemand call towards Graph to its answer, limiter wait included.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: this.#registers,
  });

  constructor() {
    // Process CPU, memory, event-loop lag and garbage collection, under their standard names.
    collectDefaultMetrics({ register: this.#registry });
  }

  #counter<Label extends string = never>(name: string, help: string, labelNames: Label[] = []) {
    return new Counter<Label>({ name, help, labelNames, registers: this.#registers });
  }

  /** A gauge read when /metrics is scraped. */
  gauge(name: string, help: string, read: () => number | Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: this.#registers,
      async collect() {
        this.set(await read());
      },
    });
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  render(): Promise<string> {
    return this.#registry.metrics();
  }
}
