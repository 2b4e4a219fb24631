/** Counts that tests and benchmarks read from `GET /_sim/stats`. */
export interface StatsSnapshot {
  callsByEndpoint: Record<string, number>;
  /** 429s for going over the limit. */
  throttled: number;
  /** 429s served by an injected fault (`/_sim/faults`), not for going over the limit. */
  injectedThrottles: number;
  provisionOnDemand: {
    /** Calls that reached the route (before the limit), faults that refuse first not counted. */
    received: number;
    accepted: number;
    /** Calls the engine ran: what Graph did work for. */
    processed: number;
    /** Runs beyond the first of one `client-request-id`: a call Graph ran twice. */
    duplicates: number;
    /** The most accepted calls for one app within any one window. */
    maxInWindow: number;
    /** The most calls received (throttled or not) for one app within any one window. */
    maxReceivedInWindow: number;
    windowMs: number;
  };
}

/** Sliding count of events per key within a window; remembers the highest count it ever saw. */
class WindowPeak {
  // Times per key, oldest first from `start`; compacted now and then instead of shifted each time,
  // which kept the simulator at a fraction of its speed with the limit off.
  #windows = new Map<string, { times: number[]; start: number }>();
  peak = 0;

  constructor(readonly windowMs: number) {}

  record(key: string, now: number): void {
    let window = this.#windows.get(key);
    if (!window) {
      window = { times: [], start: 0 };
      this.#windows.set(key, window);
    }
    while (window.start < window.times.length && window.times[window.start]! + this.windowMs <= now)
      window.start += 1;
    if (window.start > 1024 && window.start * 2 > window.times.length) {
      window.times = window.times.slice(window.start);
      window.start = 0;
    }
    window.times.push(now);
    this.peak = Math.max(this.peak, window.times.length - window.start);
  }
}

/** What the simulator answered: calls per endpoint, 429s, and the busiest provisionOnDemand window. */
export class TrafficStats {
  #calls = new Map<string, number>();
  #throttled = 0;
  #injectedThrottles = 0;
  #received = 0;
  #accepted = 0;
  #processed = 0;
  #duplicates = 0;
  /** provisionOnDemand calls by `client-request-id`: how many arrived (faulted ones too), how many ran. */
  readonly #arrivedById = new Map<string, number>();
  readonly #processedById = new Map<string, number>();
  #acceptedPeak: WindowPeak;
  #receivedPeak: WindowPeak;

  constructor(readonly windowMs: number) {
    this.#acceptedPeak = new WindowPeak(windowMs);
    this.#receivedPeak = new WindowPeak(windowMs);
  }

  call(endpoint: string): void {
    this.#calls.set(endpoint, (this.#calls.get(endpoint) ?? 0) + 1);
  }

  throttledCall(cause: 'limit' | 'fault' = 'limit'): void {
    if (cause === 'fault') this.#injectedThrottles += 1;
    else this.#throttled += 1;
  }

  provisionReceived(app: string, now: number): void {
    this.#received += 1;
    this.#receivedPeak.record(app, now);
  }

  /** A provisionOnDemand arrived (whatever became of it: a fault, a 429, a run). */
  provisionArrived(clientRequestId: string | undefined): void {
    if (clientRequestId !== undefined)
      this.#arrivedById.set(clientRequestId, (this.#arrivedById.get(clientRequestId) ?? 0) + 1);
  }

  /** The engine ran this call; a `client-request-id` seen before means it ran the same call twice. */
  provisionProcessed(clientRequestId: string | undefined): void {
    this.#processed += 1;
    if (clientRequestId === undefined) return;
    const runs = (this.#processedById.get(clientRequestId) ?? 0) + 1;
    this.#processedById.set(clientRequestId, runs);
    if (runs > 1) this.#duplicates += 1;
  }

  /** Every provisionOnDemand by `client-request-id`: how often it arrived, and how often it ran. */
  provisionCalls(): { arrived: Record<string, number>; processed: Record<string, number> } {
    return {
      arrived: Object.fromEntries(this.#arrivedById),
      processed: Object.fromEntries(this.#processedById),
    };
  }

  provisionAccepted(app: string, now: number): void {
    this.#accepted += 1;
    this.#acceptedPeak.record(app, now);
  }

  snapshot(): StatsSnapshot {
    return {
      callsByEndpoint: Object.fromEntries(this.#calls),
      throttled: this.#throttled,
      injectedThrottles: this.#injectedThrottles,
      provisionOnDemand: {
        received: this.#received,
        accepted: this.#accepted,
        processed: this.#processed,
        duplicates: this.#duplicates,
        maxInWindow: this.#acceptedPeak.peak,
        maxReceivedInWindow: this.#receivedPeak.peak,
        windowMs: this.windowMs,
      },
    };
  }
}
