interface Timer {
  id: number;
  due: number;
  callback: () => void;
}

/** Lets pending promise callbacks (grants, their continuations) run before time moves on. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A clock whose time moves only when told. Timers fire in due order; between two timers every
 * pending promise settles, so code that awaits a grant and acquires again sees the right time.
 */
export class FakeClock {
  #now: number;
  #nextId = 1;
  #timers: Timer[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now = (): number => this.#now;

  setTimeout = (callback: () => void, ms: number): number => {
    const timer = { id: this.#nextId++, due: this.#now + Math.max(0, ms), callback };
    this.#timers.push(timer);
    return timer.id;
  };

  clearTimeout = (handle: unknown): void => {
    this.#timers = this.#timers.filter((timer) => timer.id !== handle);
  };

  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing each timer due on the way at its own time. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await flushMicrotasks();
    for (;;) {
      const next = this.#nextDue();
      if (!next || next.due > target) break;
      this.#timers = this.#timers.filter((timer) => timer !== next);
      this.#now = Math.max(this.#now, next.due);
      next.callback();
      await flushMicrotasks();
    }
    this.#now = Math.max(this.#now, target);
  }

  /** Fires timers until none is left (or `limit` fired, to stop a runaway loop). */
  async runAll(limit = 100_000): Promise<void> {
    await flushMicrotasks();
    for (let fired = 0; fired < limit; fired++) {
      const next = this.#nextDue();
      if (!next) return;
      await this.advanceTo(next.due);
    }
    throw new Error(`FakeClock.runAll: still firing after ${limit} timers`);
  }

  #nextDue(): Timer | undefined {
    let best: Timer | undefined;
    for (const timer of this.#timers) if (!best || timer.due < best.due) best = timer;
    return best;
  }
}
