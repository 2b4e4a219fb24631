import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.js';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      // The clients trust the servers' CA as their users' services do, through NODE_EXTRA_CA_CERTS,
      // which Node reads only when it starts: the setup makes the CA before the test processes fork.
      globalSetup: ['./test/trusted-ca.setup.ts'],
      pool: 'forks',
    },
  }),
);
