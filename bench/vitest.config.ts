import { mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.js';

// The campaign's short form is this package's only test: it drives the built commands.
export default mergeConfig(sharedTestConfig, { test: { include: ['campaign/short-campaign.test.ts'] } });
