/** The answer to "may one more call go now?". */
export type AcquireAttempt =
  | { granted: true /** The store's time of the grant, when it keeps its own clock. */; at?: number }
  | { granted: false; retryInMs: number };

/** How full a window is right now. */
export interface WindowUsage {
  /** Grants in the current window. */
  used: number;
  /** Milliseconds until one more grant would be allowed (0 when one is allowed now). */
  nextFreeInMs: number;
  /** Milliseconds left of a pause a server asked for (`Retry-After`), 0 when none. */
  pausedForMs: number;
}

/**
 * Where the limiter keeps its grants. Memory by default; a shared store (Redis) lets several
 * processes stay under one limit together. A store may answer synchronously or with a promise,
 * and may use its own clock instead of `now` (Redis uses `TIME` so replicas with skewed clocks agree).
 */
export interface LimiterStore {
  /** Records a grant for `key` if fewer than `limit` fall in the last `windowMs`, else says when to ask again. */
  tryAcquire(
    key: string,
    limit: number,
    windowMs: number,
    now: number,
  ): AcquireAttempt | Promise<AcquireAttempt>;
  /** Holds every grant for `key` until `until` (a server's `Retry-After`); an earlier pause never shortens a later one. */
  pauseUntil(key: string, until: number): void | Promise<void>;
  usage(key: string, limit: number, windowMs: number, now: number): WindowUsage | Promise<WindowUsage>;
  /**
   * Moves a grant made at `from` to the later time `to`: when the call it paid for actually left
   * (after a connection was set up, say), which is when the server starts counting it.
   */
  retime?(key: string, from: number, to: number): void | Promise<void>;
}

interface KeyState {
  grants: number[];
  pausedUntil: number;
}

/**
 * A {@link LimiterStore} in this process's memory: a list of grant times per key. A grant at `t`
 * counts in the half-open window [t, t + windowMs).
 */
export class MemoryLimiterStore implements LimiterStore {
  readonly #keys = new Map<string, KeyState>();

  tryAcquire(key: string, limit: number, windowMs: number, now: number): AcquireAttempt {
    const state = this.#state(key);
    const waitMs = this.#waitMs(state, limit, windowMs, now);
    if (waitMs > 0) return { granted: false, retryInMs: waitMs };
    state.grants.push(now);
    return { granted: true, at: now };
  }

  pauseUntil(key: string, until: number): void {
    const state = this.#state(key);
    state.pausedUntil = Math.max(state.pausedUntil, until);
  }

  retime(key: string, from: number, to: number): void {
    if (to <= from) return;
    const grants = this.#state(key).grants;
    const index = grants.lastIndexOf(from);
    if (index === -1) return;
    grants.splice(index, 1);
    let insertAt = grants.length;
    while (insertAt > 0 && grants[insertAt - 1]! > to) insertAt -= 1;
    grants.splice(insertAt, 0, to);
  }

  usage(key: string, limit: number, windowMs: number, now: number): WindowUsage {
    const state = this.#state(key);
    const nextFreeInMs = this.#waitMs(state, limit, windowMs, now);
    return { used: state.grants.length, nextFreeInMs, pausedForMs: Math.max(0, state.pausedUntil - now) };
  }

  #waitMs(state: KeyState, limit: number, windowMs: number, now: number): number {
    const grants = state.grants;
    let expired = 0;
    while (expired < grants.length && grants[expired]! + windowMs <= now) expired += 1;
    if (expired > 0) grants.splice(0, expired);
    const pausedFor = state.pausedUntil - now;
    const windowFullFor = grants.length >= limit ? grants[grants.length - limit]! + windowMs - now : 0;
    return Math.max(0, pausedFor, windowFullFor);
  }

  #state(key: string): KeyState {
    let state = this.#keys.get(key);
    if (!state) {
      state = { grants: [], pausedUntil: 0 };
      this.#keys.set(key, state);
    }
    return state;
  }
}
