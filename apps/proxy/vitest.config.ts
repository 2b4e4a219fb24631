import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// This package's test files share their module graph within a worker: each file starts its own
// simulator and proxies and stops them after, and none changes a module's state for the next.
// Loading the proxy's modules again for every file was half of the suite's time. (Not every package
// can: the simulator's tests change its demo seed.)
export default mergeConfig(sharedTestConfig, defineConfig({ test: { isolate: false } }));
