import { FakeClock } from '@ondemand/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AcquireAttempt, LimiterStore } from './limiter-store.js';
import { MemoryLimiterStore } from './limiter-store.js';
import { LimiterStoreError, SlidingWindowLimiter } from './sliding-window-limiter.js';

/** Starts one acquire per arrival time and records when each was granted. */
async function run(arrivals: number[], limit: number, windowMs: number) {
  const clock = new FakeClock();
  const limiter = new SlidingWindowLimiter({ limit, windowMs, clock });
  const grants: Array<{ caller: number; at: number }> = [];
  const done: Array<Promise<void>> = [];
  arrivals.forEach((arrival, caller) => {
    clock.setTimeout(() => {
      done.push(limiter.acquire().then(() => void grants.push({ caller, at: clock.now() })));
    }, arrival);
  });
  await clock.runAll();
  await Promise.all(done);
  return grants;
}

/** The earliest FIFO schedule a sliding window allows: g[i] = max(a[i], g[i-1], g[i-limit] + windowMs). */
function earliestSchedule(arrivals: number[], limit: number, windowMs: number): number[] {
  const grants: number[] = [];
  arrivals.forEach((arrival, i) => {
    grants.push(Math.max(arrival, grants[i - 1] ?? 0, i >= limit ? grants[i - limit]! + windowMs : 0));
  });
  return grants;
}

const arrivalPattern = fc.array(fc.nat({ max: 5_000 }), { minLength: 1, maxLength: 60 }).map((gaps) => {
  let time = 0;
  return gaps.map((gap) => {
    time += gap;
    return time;
  });
});
const limits = fc.record({
  limit: fc.integer({ min: 1, max: 8 }),
  windowMs: fc.integer({ min: 1, max: 20_000 }),
});

describe('SlidingWindowLimiter', () => {
  it('never lets a window hold more than the limit', async () => {
    await fc.assert(
      fc.asyncProperty(arrivalPattern, limits, async (arrivals, { limit, windowMs }) => {
        const times = (await run(arrivals, limit, windowMs)).map((grant) => grant.at);
        for (let i = limit; i < times.length; i++)
          expect(times[i]! - times[i - limit]!).toBeGreaterThanOrEqual(windowMs);
      }),
      { numRuns: 150 },
    );
  });

  it('grants in arrival order, each as early as the window allows (minimal makespan)', async () => {
    await fc.assert(
      fc.asyncProperty(arrivalPattern, limits, async (arrivals, { limit, windowMs }) => {
        const grants = await run(arrivals, limit, windowMs);
        expect(grants.map((grant) => grant.caller)).toEqual(arrivals.map((_, caller) => caller));
        expect(grants.map((grant) => grant.at)).toEqual(earliestSchedule(arrivals, limit, windowMs));
      }),
      { numRuns: 150 },
    );
  });

  it('grants at once on the uncontended path', async () => {
    const clock = new FakeClock(1_000);
    const limiter = new SlidingWindowLimiter({ clock });
    for (let i = 0; i < 5; i++) await limiter.acquire();
    expect(clock.pendingTimers).toBe(0);
    expect(await limiter.snapshot()).toMatchObject({
      used: 5,
      remaining: 0,
      nextFreeInMs: 10_000,
      queued: 0,
    });
  });

  it('pauses every grant until a reported Retry-After has passed', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter({ clock });
    await limiter.acquire();
    await limiter.reportRetryAfter(7_000);
    let grantedAt: number | undefined;
    void limiter.acquire().then(() => {
      grantedAt = clock.now();
    });
    await clock.advance(6_999);
    expect(grantedAt).toBeUndefined();
    expect(await limiter.snapshot()).toMatchObject({ pausedForMs: 1, remaining: 0, queued: 1 });
    await clock.advance(1);
    expect(grantedAt).toBe(7_000);
  });

  it('drops an aborted caller from the queue and grants the next one in its place', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 1_000, clock });
    await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    const next = limiter.acquire().then(() => clock.now());
    controller.abort(new Error('user gave up'));
    await expect(aborted).rejects.toThrow('user gave up');
    await clock.runAll();
    expect(await next).toBe(1_000);
    await expect(limiter.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('works with an asynchronous store and fails waiters clearly when the store fails', async () => {
    const clock = new FakeClock();
    const memory = new MemoryLimiterStore();
    let broken = false;
    const store: LimiterStore = {
      tryAcquire: async (...args): Promise<AcquireAttempt> => {
        await Promise.resolve(); // answers later, as a network store would
        if (broken) throw new Error('connection refused');
        return memory.tryAcquire(...args);
      },
      pauseUntil: async (key, until) => memory.pauseUntil(key, until),
      usage: async (...args) => memory.usage(...args),
    };
    const limiter = new SlidingWindowLimiter({ limit: 2, windowMs: 100, clock, store });
    const times: number[] = [];
    const all = [1, 2, 3, 4, 5].map(() => limiter.acquire().then(() => void times.push(clock.now())));
    await clock.runAll();
    await Promise.all(all);
    expect(times).toEqual([0, 0, 100, 100, 200]);
    broken = true;
    await expect(limiter.acquire()).rejects.toBeInstanceOf(LimiterStoreError);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => new SlidingWindowLimiter({ limit: 0 })).toThrow(/limit must be/);
    expect(() => new SlidingWindowLimiter({ windowMs: -1 })).toThrow(/windowMs must be/);
  });
});

describe('Grant.retime', () => {
  it('counts a call from when it actually left, so the next grant waits for that', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 100, clock });
    const first = await limiter.acquire();
    await clock.advance(30);
    await first.retime(30);
    expect(first.at).toBe(30);
    const next = limiter.acquire().then((grant) => grant.at);
    await clock.runAll();
    expect(await next).toBe(130);
  });

  it('never moves a grant earlier', async () => {
    const clock = new FakeClock(50);
    const limiter = new SlidingWindowLimiter({ limit: 1, windowMs: 100, clock });
    const grant = await limiter.acquire();
    await grant.retime(10);
    expect(grant.at).toBe(50);
    expect((await limiter.snapshot()).nextFreeInMs).toBe(100);
  });
});
