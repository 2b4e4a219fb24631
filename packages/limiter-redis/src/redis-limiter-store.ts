import { randomUUID } from 'node:crypto';
import { type AcquireAttempt, type LimiterStore, redactUrl, type WindowUsage } from '@ondemand/core';
import { Redis, type RedisOptions } from 'ioredis';

/**
 * One sliding window, decided inside Redis: grants are members of a sorted set scored by the time
 * Redis granted them, read from Redis's own clock (`TIME`), so processes whose clocks disagree still
 * agree on the window. Times are whole milliseconds, so a score read back finds its member exactly.
 *
 * When the key's marker is missing, Redis has lost its memory (a restart without persistence, a
 * flush) or the key is new: what was granted in the last window is unknown, so nothing is granted
 * for one whole window. That is what keeps a Redis restart from letting a sixth call into a window.
 * The marker lives a day past its key's last use, so an idle limiter's keys do not stay forever.
 */
const windowScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
if redis.call('EXISTS', KEYS[3]) == 0 then
  local current = tonumber(redis.call('GET', KEYS[2]) or '0')
  if now + window > current then redis.call('SET', KEYS[2], now + window, 'PX', window) end
end
redis.call('SET', KEYS[3], now, 'PX', 86400000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local paused = tonumber(redis.call('GET', KEYS[2]) or '0') - now
if paused < 0 then paused = 0 end
local wait = paused
local used = redis.call('ZCARD', KEYS[1])
if used >= limit then
  local nth = redis.call('ZRANGE', KEYS[1], used - limit, used - limit, 'WITHSCORES')
  local free = tonumber(nth[2]) + window - now
  if free > wait then wait = free end
end
if ARGV[3] == 'acquire' and wait <= 0 then
  redis.call('ZADD', KEYS[1], now, tostring(now) .. ':' .. ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return {1, tostring(now), used + 1, 0}
end
return {0, tostring(now), used, tostring(wait), tostring(paused)}
`;

/** Holds every grant until Redis's clock passes now + ms (a later pause is never shortened). */
const pauseScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]) + 1000) end
return tostring(untilMs)
`;

/** Moves the grant scored `from` to now on Redis's clock: when the call actually left. */
const retimeScript = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now <= tonumber(ARGV[1]) then return 0 end
local found = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1], 'LIMIT', 0, 1)
if #found == 0 then return 0 end
redis.call('ZADD', KEYS[1], now, found[1])
return 1
`;

type WindowReply = [granted: 0 | 1, now: string, used: number, waitMs?: string, pausedMs?: string];

interface WindowCommands {
  ondemandWindow(...args: Array<string | number>): Promise<WindowReply>;
  ondemandPause(...args: Array<string | number>): Promise<string>;
  ondemandRetime(...args: Array<string | number>): Promise<number>;
}

export interface RedisLimiterStoreOptions {
  /** Prefix of every key this store writes (default `ondemand:limiter:`). */
  prefix?: string;
}

/**
 * A {@link LimiterStore} in Redis, so several processes (proxy replicas) stay under one limit
 * together. Everything time-related is decided with Redis's clock; the `now` the limiter passes in
 * is ignored, and `retime` moves a grant to Redis's now rather than to the caller's clock.
 */
export class RedisLimiterStore implements LimiterStore {
  readonly #redis: Redis & WindowCommands;
  readonly #prefix: string;

  constructor(redis: Redis, options: RedisLimiterStoreOptions = {}) {
    this.#prefix = options.prefix ?? 'ondemand:limiter:';
    redis.defineCommand('ondemandWindow', { numberOfKeys: 3, lua: windowScript });
    redis.defineCommand('ondemandPause', { numberOfKeys: 1, lua: pauseScript });
    redis.defineCommand('ondemandRetime', { numberOfKeys: 1, lua: retimeScript });
    this.#redis = redis as Redis & WindowCommands;
  }

  /**
   * Connects and waits until Redis answers. Commands fail at once while Redis is unreachable (no
   * offline queue): the limiter then fails closed or falls back, as configured, instead of hanging.
   */
  static async connect(
    url: string,
    options: RedisLimiterStoreOptions & { onError?: (error: Error) => void; connectTimeoutMs?: number } = {},
  ): Promise<RedisLimiterStore> {
    const redisOptions: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    };
    const redis = new Redis(url, redisOptions);
    // Without a listener ioredis prints every failed reconnect; the owner decides what to log.
    let lastError: Error | undefined;
    redis.on('error', (error: Error) => {
      lastError = error;
      options.onError?.(error);
    });
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      // ioredis rejects with "Connection is closed"; the socket's own error says why.
      const why = lastError ?? (error as Error);
      throw new Error(`cannot reach Redis at ${redactUrl(url)}: ${why.message}`, { cause: why });
    }
    return new RedisLimiterStore(redis, options);
  }

  async tryAcquire(key: string, limit: number, windowMs: number): Promise<AcquireAttempt> {
    const reply = await this.#window(key, limit, windowMs, 'acquire');
    return reply[0] === 1
      ? { granted: true, at: Number(reply[1]) }
      : { granted: false, retryInMs: Math.max(1, Number(reply[3])) };
  }

  async pauseUntil(key: string, until: number): Promise<void> {
    // The limiter says "until" on its own clock; Redis is told "for this long" and uses its clock.
    const forMs = Math.ceil(until - Date.now());
    if (forMs > 0) await this.#redis.ondemandPause(this.#key(key, 'pause'), forMs);
  }

  async usage(key: string, limit: number, windowMs: number): Promise<WindowUsage> {
    const reply = await this.#window(key, limit, windowMs, 'peek');
    return { used: reply[2], nextFreeInMs: Number(reply[3] ?? 0), pausedForMs: Number(reply[4] ?? 0) };
  }

  async retime(key: string, from: number): Promise<void> {
    await this.#redis.ondemandRetime(this.#key(key, 'grants'), from);
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  #window(key: string, limit: number, windowMs: number, mode: 'acquire' | 'peek'): Promise<WindowReply> {
    return this.#redis.ondemandWindow(
      this.#key(key, 'grants'),
      this.#key(key, 'pause'),
      this.#key(key, 'known'),
      limit,
      Math.ceil(windowMs),
      mode,
      randomUUID(),
    );
  }

  /** Keys of one limiter share a hash tag, so a script's keys sit in one slot of a Redis Cluster. */
  #key(key: string, part: 'grants' | 'pause' | 'known'): string {
    return `${this.#prefix}{${key}}:${part}`;
  }
}
