import { defineConfig } from 'vitest/config';

/** Every package's tests read sibling packages from source (the `@ondemand/source` export condition). */
export const sharedTestConfig = defineConfig({
  resolve: { conditions: ['@ondemand/source'] },
  ssr: { resolve: { conditions: ['@ondemand/source'] } },
  test: { include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts', 'test/**/*.test.tsx'] },
});
