import type { AcquireAttempt, LimiterStore, WindowUsage } from './limiter-store.js';

export interface FailoverLimiterStoreOptions {
  /** The store used while the shared one fails: a process's own memory, typically. */
  fallback: LimiterStore;
  /**
   * Grants per window this process may make on its own while the shared store is down. Every
   * process falls back at once, so keep processes × this ≤ the real limit (1 is safe for up to 5).
   */
  fallbackLimit: number;
  /** Told when the shared store fails and when it answers again (for logs and metrics). */
  onSwitch?: (using: 'shared' | 'fallback', error?: unknown) => void;
}

/**
 * A shared limiter store (Redis) with a local one behind it: while the shared store fails, calls are
 * paced by the local store at a reduced limit, so an outage slows calls down instead of stopping them.
 * Grants made locally are not known to the shared store afterwards: that is the price of staying up.
 */
export class FailoverLimiterStore implements LimiterStore {
  #using: 'shared' | 'fallback' = 'shared';

  constructor(
    private readonly shared: LimiterStore,
    private readonly options: FailoverLimiterStoreOptions,
  ) {}

  /** Which store answered last. */
  get using(): 'shared' | 'fallback' {
    return this.#using;
  }

  tryAcquire(key: string, limit: number, windowMs: number, now: number): Promise<AcquireAttempt> {
    return this.#either(
      () => this.shared.tryAcquire(key, limit, windowMs, now),
      () => this.options.fallback.tryAcquire(key, this.#fallbackLimit(limit), windowMs, now),
    );
  }

  pauseUntil(key: string, until: number): Promise<void> {
    // A pause Graph asked for holds in both, so it survives a switch either way.
    return this.#either(
      async () => {
        await this.options.fallback.pauseUntil(key, until);
        await this.shared.pauseUntil(key, until);
      },
      () => this.options.fallback.pauseUntil(key, until),
    );
  }

  usage(key: string, limit: number, windowMs: number, now: number): Promise<WindowUsage> {
    return this.#either(
      () => this.shared.usage(key, limit, windowMs, now),
      () => this.options.fallback.usage(key, this.#fallbackLimit(limit), windowMs, now),
    );
  }

  retime(key: string, from: number, to: number): Promise<void> {
    return this.#either(
      async () => {
        await this.shared.retime?.(key, from, to);
      },
      async () => {
        await this.options.fallback.retime?.(key, from, to);
      },
    );
  }

  #fallbackLimit(limit: number): number {
    return Math.max(1, Math.min(limit, this.options.fallbackLimit));
  }

  async #either<T>(shared: () => T | Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    try {
      const answer = await shared();
      if (this.#using === 'fallback') this.#switch('shared');
      return answer;
    } catch (error) {
      if (this.#using === 'shared') this.#switch('fallback', error);
      return fallback();
    }
  }

  #switch(using: 'shared' | 'fallback', error?: unknown): void {
    this.#using = using;
    this.options.onSwitch?.(using, error);
  }
}
