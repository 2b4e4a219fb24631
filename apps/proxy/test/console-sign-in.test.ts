import { freePort } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';
import { start, useSimulator } from './harness.js';

useSimulator();

describe('the console when the identity provider is away', () => {
  it('says sign-in is not available and why, in a page, not a stack', async () => {
    const port = await freePort();
    const proxy = await start({
      config: {
        console: { oidc: { authority: `https://127.0.0.1:${port}/tenant/v2.0`, clientId: 'console-app' } },
      },
      env: { ONDEMAND_CONSOLE_SECRET: 'not-used' },
    });
    const answer = await proxy.app.request('/console/sign-in');
    expect(answer.status).toBe(503);
    const page = await answer.text();
    expect(page).toMatch(/Sign-in is not available/);
    expect(page).toMatch(
      new RegExp(
        `the identity provider \\(https://127\\.0\\.0\\.1:${port}\\) could not be reached: ECONNREFUSED`,
      ),
    );
    expect(page).not.toMatch(/at .*\.js:\d+/);
    expect(answer.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
  });
});
