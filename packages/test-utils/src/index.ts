export { FakeClock, flushMicrotasks } from './fake-clock.js';
export type { DocumentedExample } from './fixtures.js';
export { documentedExample, documentedExamples, fixturesDir } from './fixtures.js';
export { memoryIo } from './memory-io.js';
export { startPrivatePostgres } from './private-postgres.js';
export { repoRoot, startReadyProcess } from './ready-process.js';
export { pressUntil, waitForFrame } from './screen-keys.js';
export { freePort, startPrivateRedis, testPostgresUrl, testRedisUrl } from './services.js';
export { until } from './until.js';
