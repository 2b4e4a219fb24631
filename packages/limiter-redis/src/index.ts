export type { RedisLimiterStoreOptions } from './redis-limiter-store.js';
export { RedisLimiterStore } from './redis-limiter-store.js';
