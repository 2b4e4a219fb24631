import { type Clock, systemClock } from './clock.js';
import {
  type AcquireAttempt,
  type LimiterStore,
  MemoryLimiterStore,
  type WindowUsage,
} from './limiter-store.js';

/** Graph's documented limit for provisionOnDemand: 5 calls per 10 seconds. */
export const PROVISION_ON_DEMAND_LIMIT = { limit: 5, windowMs: 10_000 } as const;
/** Graph's reports limit, which the provisioning logs keep: 5 requests per 10 seconds per app and tenant. */
export const REPORTS_LIMIT = { limit: 5, windowMs: 10_000 } as const;

export interface SlidingWindowLimiterOptions {
  /** Grants allowed in any window (default 5). */
  limit?: number;
  /** Window length in ms (default 10 000). */
  windowMs?: number;
  clock?: Clock;
  store?: LimiterStore;
  /** What the limit counts: Graph counts per app, so one key per service principal. */
  key?: string;
}

/** The limiter's state, for a status line ("2 of 5 calls left in this window; next in 4 s"). */
export interface LimiterSnapshot extends WindowUsage {
  limit: number;
  windowMs: number;
  remaining: number;
  /** Callers waiting for a grant. */
  queued: number;
}

/** Thrown by `acquire` when the store failed (a shared store out of reach): no grant was made. */
export class LimiterStoreError extends Error {
  override readonly name = 'LimiterStoreError';
  readonly code = 'limiter_store_unavailable';
}

/** One permission to call, with the time it counts from. */
export interface Grant {
  /** When the window counts this call from. */
  readonly at: number;
  /**
   * Counts the call from a later time (when it actually left), so a call held up by a new
   * connection is not counted as earlier than the server saw it.
   */
  retime(at: number): Promise<void>;
}

interface Waiter {
  grant: (at: number) => void;
  fail: (error: unknown) => void;
}

/**
 * At most `limit` grants in any sliding window of `windowMs`, handed out in FIFO order and as early as
 * the window allows (never idle while someone waits and a grant is allowed).
 *
 * @example
 * const limiter = new SlidingWindowLimiter(); // 5 per 10 s
 * await limiter.acquire(signal);
 * const response = await fetch(url, { signal });
 * if (response.status === 429) limiter.reportRetryAfter(retryAfterMs);
 */
export class SlidingWindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly #clock: Clock;
  readonly #store: LimiterStore;
  readonly #key: string;
  readonly #queue: Waiter[] = [];
  #pumping = false;

  constructor(options: SlidingWindowLimiterOptions = {}) {
    this.limit = options.limit ?? PROVISION_ON_DEMAND_LIMIT.limit;
    this.windowMs = options.windowMs ?? PROVISION_ON_DEMAND_LIMIT.windowMs;
    if (!Number.isInteger(this.limit) || this.limit < 1)
      throw new RangeError(`limit must be a whole number ≥ 1, got ${this.limit}`);
    if (!(this.windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${this.windowMs}`);
    this.#clock = options.clock ?? systemClock;
    this.#store = options.store ?? new MemoryLimiterStore();
    this.#key = options.key ?? 'default';
  }

  /** Resolves when the caller may make one call; rejects with the signal's reason if aborted first. */
  acquire(signal?: AbortSignal): Promise<Grant> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Grant>((resolve, reject) => {
      const onAbort = () => {
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        grant: (at) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#grant(at));
        },
        fail: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      if (!this.#pumping) this.#pump();
    });
  }

  /** Feeds back a server's `Retry-After`: no grant until then, for every caller sharing the store. */
  async reportRetryAfter(retryAfterMs: number): Promise<void> {
    await this.#store.pauseUntil(this.#key, this.#clock.now() + Math.max(0, retryAfterMs));
  }

  /** The window's state now. */
  async snapshot(): Promise<LimiterSnapshot> {
    const usage = await this.#store.usage(this.#key, this.limit, this.windowMs, this.#clock.now());
    return {
      ...usage,
      limit: this.limit,
      windowMs: this.windowMs,
      remaining: usage.pausedForMs > 0 ? 0 : Math.max(0, this.limit - usage.used),
      queued: this.#queue.length,
    };
  }

  #grant(at: number): Grant {
    let current = at;
    return {
      get at() {
        return current;
      },
      retime: async (later) => {
        if (later <= current || !this.#store.retime) return;
        const from = current;
        current = later;
        await this.#store.retime(this.#key, from, later);
      },
    };
  }

  #pump(): void {
    this.#pumping = true;
    while (this.#queue.length > 0) {
      let attempt: AcquireAttempt | Promise<AcquireAttempt>;
      const now = this.#clock.now();
      try {
        attempt = this.#store.tryAcquire(this.#key, this.limit, this.windowMs, now);
      } catch (error) {
        this.#failAll(error);
        return;
      }
      if (attempt instanceof Promise) {
        attempt.then(
          (settled) => {
            if (this.#settle(settled, now)) this.#pump();
          },
          (error) => this.#failAll(error),
        );
        return;
      }
      if (!this.#settle(attempt, now)) return;
    }
    this.#pumping = false;
  }

  /** Grants the head of the queue, or waits for the window; returns whether to keep pumping now. */
  #settle(attempt: AcquireAttempt, now: number): boolean {
    if (attempt.granted) {
      // The head may have been aborted while an async store answered: the grant goes to the next in line.
      this.#queue.shift()?.grant(attempt.at ?? now);
      return true;
    }
    this.#clock.setTimeout(() => this.#pump(), attempt.retryInMs);
    return false;
  }

  #failAll(cause: unknown): void {
    const error = new LimiterStoreError(
      `the rate limiter's store failed: ${(cause as Error)?.message ?? cause}`,
      {
        cause,
      },
    );
    for (const waiter of this.#queue.splice(0)) waiter.fail(error);
    this.#pumping = false;
  }
}
