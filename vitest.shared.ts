import { defineConfig } from 'vitest/config';

/** Every package's tests read sibling packages from source (the `@ondemand/source` export condition). */
export const sharedTestConfig = defineConfig({
  resolve: { conditions: ['@ondemand/source'] },
  ssr: { resolve: { conditions: ['@ondemand/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Tests start real processes and servers; on two busy cores a start can take seconds. No test
    // asserts on speed (benchmarks do that), so a generous limit only keeps a hung test from hanging CI.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // `pnpm test:fast` leaves these out; `pnpm test` runs everything.
    tags: [
      {
        name: 'e2e',
        description: 'starts processes (the built commands, redis-server) or drives a real terminal',
      },
      { name: 'slow', description: 'takes seconds by design: real rate windows, a kill and a resume' },
    ],
  },
});
