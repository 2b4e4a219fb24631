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
    // A test file's modules are loaded once per worker, not once per file: the files start their own
    // simulators, proxies and servers and stop them after, and none leans on a fresh module's state.
    // Loading the proxy's and the UI's module graphs again for every file was half of their time.
    isolate: false,
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
