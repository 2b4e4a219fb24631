import { randomUUID } from 'node:crypto';
import {
  FailoverLimiterStore,
  LimiterStoreError,
  MemoryLimiterStore,
  SlidingWindowLimiter,
  systemClock,
} from '@ondemand/core';
import { freePort, startPrivateRedis, testRedisUrl, until } from '@ondemand/test-utils';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisLimiterStore } from './redis-limiter-store.js';

const opened: Array<{ close(): Promise<void> }> = [];
const prefixes: string[] = [];
afterAll(async () => {
  await Promise.all(opened.map((each) => each.close()));
  // The machine's Redis is shared: leave none of this file's keys behind.
  const redis = new Redis(testRedisUrl);
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
});

async function connect(url = testRedisUrl, prefix = `test:${randomUUID()}:`) {
  prefixes.push(prefix);
  const store = await RedisLimiterStore.connect(url, { prefix });
  opened.push(store);
  return store;
}

/** Grant times sorted; true when no window of `windowMs` holds more than `limit` of them. */
function neverMoreThan(limit: number, windowMs: number, times: number[]): boolean {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted.every((at, index) => index < limit || at - sorted[index - limit]! >= windowMs);
}

describe('RedisLimiterStore against the machine’s Redis', () => {
  it('keeps several processes with skewed clocks under one limit together (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 120, max: 250 }),
        fc.array(fc.integer({ min: -60_000, max: 60_000 }), { minLength: 2, maxLength: 3 }),
        async (limit, windowMs, skews) => {
          const prefix = `test:${randomUUID()}:`;
          const limiters = await Promise.all(
            skews.map(async (skew) => {
              const store = await connect(testRedisUrl, prefix);
              // Each "process" has its own idea of the time; Redis's clock decides.
              const clock = { ...systemClock, now: () => Date.now() + skew };
              return new SlidingWindowLimiter({ limit, windowMs, store, clock, key: 'app' });
            }),
          );
          const grants = await Promise.all(
            limiters.flatMap((limiter) => Array.from({ length: limit + 1 }, () => limiter.acquire())),
          );
          const times = grants.map((grant) => grant.at);
          expect(times).toHaveLength(limiters.length * (limit + 1));
          expect(neverMoreThan(limit, windowMs, times)).toBe(true);
        },
      ),
      { numRuns: 6 },
    );
  });

  it('grants nothing for one window when it does not know what was granted (new key, Redis restarted)', async () => {
    const store = await connect();
    const first = await store.tryAcquire('app', 5, 300);
    expect(first.granted).toBe(false);
    expect(first.granted === false && first.retryInMs).toBeGreaterThan(200);
    expect(first.granted === false && first.retryInMs).toBeLessThanOrEqual(300);
  });

  it("pauses every process sharing it when one of them reports Graph's Retry-After", async () => {
    const prefix = `test:${randomUUID()}:`;
    const [one, other] = [await connect(testRedisUrl, prefix), await connect(testRedisUrl, prefix)];
    // A new prefix: Redis remembers nothing, so the first grant waits out one window.
    await until('the cold-start window is over', async () => (await one.tryAcquire('app', 5, 100)).granted);
    await one.pauseUntil('app', Date.now() + 2_000);
    const attempt = await other.tryAcquire('app', 5, 100);
    expect(attempt.granted).toBe(false);
    expect(attempt.granted === false && attempt.retryInMs).toBeGreaterThan(1_500);
    const usage = await other.usage('app', 5, 100);
    expect(usage.pausedForMs).toBeGreaterThan(1_500);
  });

  it('re-times a grant to when the call actually left, on Redis’s clock', async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = await connect(testRedisUrl, prefix);
    const limiter = new SlidingWindowLimiter({ limit: 2, windowMs: 100, store, key: 'app' });
    const grant = await limiter.acquire();
    const grantedAt = grant.at;
    const raw = new Redis(testRedisUrl);
    const redisNow = async () => {
      const [seconds, micros] = await raw.time();
      return Number(seconds) * 1000 + Number(micros) / 1000;
    };
    await until("Redis's clock is 60 ms past the grant", async () => (await redisNow()) >= grantedAt + 60);
    await grant.retime(Date.now());
    const scores = await raw.zrange(`${prefix}{app}:grants`, 0, -1, 'WITHSCORES');
    raw.disconnect();
    expect(scores).toHaveLength(2);
    expect(Number(scores[1])).toBeGreaterThanOrEqual(grantedAt + 55);
  });

  it('says which Redis it cannot reach, without the password', async () => {
    const port = await freePort();
    await expect(
      RedisLimiterStore.connect(`redis://:hunter2@127.0.0.1:${port}`, { connectTimeoutMs: 500 }),
    ).rejects.toThrow(new RegExp(`cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}`));
    await expect(
      RedisLimiterStore.connect(`redis://:hunter2@127.0.0.1:${port}`, { connectTimeoutMs: 500 }),
    ).rejects.not.toThrow(/hunter2/);
    await expect(
      RedisLimiterStore.connect(`redis://127.0.0.1:${port}`, { connectTimeoutMs: 500 }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('when Redis goes away', { tags: ['e2e'] }, () => {
  it('fails closed by default: waiting callers get LimiterStoreError, no grant is made', async () => {
    const redis = await startPrivateRedis();
    const store = await RedisLimiterStore.connect(redis.url, { prefix: 'p:' });
    opened.push(store);
    const limiter = new SlidingWindowLimiter({ limit: 5, windowMs: 100, store, key: 'app' });
    await limiter.acquire();
    await redis.stop();
    await expect(limiter.acquire()).rejects.toBeInstanceOf(LimiterStoreError);
  });

  it('or falls back to a local limit, and goes back to Redis (and its cold-start window) when it returns', async () => {
    const redis = await startPrivateRedis();
    const shared = await RedisLimiterStore.connect(redis.url, { prefix: 'p:' });
    opened.push(shared);
    const switches: string[] = [];
    const store = new FailoverLimiterStore(shared, {
      fallback: new MemoryLimiterStore(),
      fallbackLimit: 1,
      onSwitch: (using) => switches.push(using),
    });
    const limiter = new SlidingWindowLimiter({ limit: 5, windowMs: 200, store, key: 'app' });
    await limiter.acquire();
    await redis.stop();
    // Local pacing at one per window: the second grant waits a whole window after the first.
    const [first, second] = await Promise.all([limiter.acquire(), limiter.acquire()]);
    expect(second.at - first.at).toBeGreaterThanOrEqual(200);
    expect(switches).toEqual(['fallback']);
    await redis.start();
    // ioredis reconnects on its own; until then the local limit still holds.
    for (let i = 0; i < 50 && store.using === 'fallback'; i += 1) {
      await limiter.acquire();
    }
    expect(store.using).toBe('shared');
    expect(switches).toEqual(['fallback', 'shared']);
    await redis.stop();
  });
});
