import { FailoverLimiterStore, type LimiterStore, MemoryLimiterStore } from '@ondemand/core';
import { RedisLimiterStore } from '@ondemand/limiter-redis';
import type { ProxyConfig } from '../config/config.js';
import { BackendUnavailable } from '../config/startup-inputs.js';

/** Redis for the limiter; with `whenUnavailable: local`, a local limit stands in while Redis is away. */
export async function openLimiterStore(
  limiter: NonNullable<ProxyConfig['limiter']>,
  say: (level: 'warn', message: string) => void,
): Promise<LimiterStore & { close(): Promise<void> }> {
  let lastLogged = 0;
  let shared: RedisLimiterStore;
  try {
    shared = await RedisLimiterStore.connect(limiter.url, {
      prefix: limiter.prefix,
      // ioredis reports every failed reconnect; one line every 10 s says enough.
      onError: (error) => {
        if (Date.now() - lastLogged < 10_000) return;
        lastLogged = Date.now();
        say('warn', `Redis (rate limiter): ${error.message}`);
      },
    });
  } catch (error) {
    throw new BackendUnavailable((error as Error).message, { cause: error });
  }
  if (limiter.whenUnavailable === 'fail') return shared;
  const failover = new FailoverLimiterStore(shared, {
    fallback: new MemoryLimiterStore(),
    fallbackLimit: limiter.localLimit,
    onSwitch: (using, error) =>
      say(
        'warn',
        using === 'fallback'
          ? `Redis cannot be reached (${(error as Error)?.message}): pacing calls locally at ${limiter.localLimit} per window`
          : 'Redis answers again: pacing calls through Redis',
      ),
  });
  return Object.assign(failover, { close: () => shared.close() });
}
