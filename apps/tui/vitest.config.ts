import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

// This package's test files share their module graph within a worker: each file starts what it
// needs (simulators, proxies, terminals) and stops it after, and none changes a module's state.
// Loading Ink, React and the commands again for every file was a third of the suite's time. (Not
// every package can: the simulator's tests change its demo seed.)
export default mergeConfig(sharedTestConfig, defineConfig({ test: { isolate: false } }));
