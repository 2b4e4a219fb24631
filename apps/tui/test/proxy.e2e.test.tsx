import type { RunningProxy } from '@ondemand/proxy';
import { documentedIds as ids } from '@ondemand/simulator';
import { memoryIo, pressUntil, until, waitForFrame } from '@ondemand/test-utils';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/connection.js';
import { runCli } from '../src/run-cli.js';
import { App } from '../src/ui/App.js';
import { type DemoProxy, startDemoProxy } from './demo-proxy.js';

let proxy: RunningProxy;
let keys: Record<string, string>;

let demo: DemoProxy;

beforeAll(async () => {
  demo = await startDemoProxy('tui-proxy-');
  ({ proxy, keys } = demo);
});
afterAll(async () => {
  await demo.stop();
});

/** An approver at work: approves the first pending request it sees. */
async function approveWhenAsked(): Promise<void> {
  const id = await until(
    'a request waits for approval',
    async () =>
      (
        (await (
          await fetch(`${proxy.url}/approvals?state=pending`, {
            headers: { authorization: `Bearer ${keys.approver}` },
          })
        ).json()) as { value: Array<{ id: string }> }
      ).value[0]?.id,
    5_000,
    { everyMs: 25 },
  );
  await fetch(`${proxy.url}/approvals/${id}/approve`, {
    method: 'POST',
    headers: { authorization: `Bearer ${keys.approver}`, 'content-type': 'application/json' },
    body: '{"reason":"team change"}',
  });
}

describe('ondemand through the proxy', () => {
  it('says a gated request waits for approval, then prints its result once approved', async () => {
    const { io, output, errors } = memoryIo({ env: { ONDEMAND_API_KEY: keys.requester! } });
    const approving = approveWhenAsked();
    const code = await runCli(
      [
        'provision',
        '--proxy',
        proxy.url,
        '--sp',
        ids.groupServicePrincipal,
        '--job',
        ids.groupJob,
        '--group',
        ids.group,
        '--rule',
        ids.groupRule,
      ],
      io,
    );
    await approving;
    expect(errors()).toMatch(/calling proxy · http:\/\/127\.0\.0\.1:\d+/);
    expect(errors()).toMatch(
      /waiting for approval: http:\/\/127\.0\.0\.1:\d+\/approvals\/[0-9a-f-]{36} \(needs 1 more approver approval; Ctrl-C stops waiting, the request stays pending\)/,
    );
    expect(errors()).toContain('completed');
    expect(output()).toMatch(/^Success/);
    expect(code).toBe(0);
    expect(errors()).not.toContain(keys.requester!);
  });

  it('shows "waiting for approval" in the UI, then the result once approved', async () => {
    const io = { env: { NO_COLOR: '1' }, stderr: process.stderr } as never;
    const { lastFrame, stdin, unmount } = render(
      <App
        connect={(flags) => connect(flags, io)}
        initialFlags={{ proxy: proxy.url, 'api-key': keys.requester }}
        env={{ NO_COLOR: '1' }}
        cwd={process.cwd()}
      />,
    );
    await waitForFrame(lastFrame, /proxy · http/);
    await pressUntil(stdin, lastFrame, 'fabr', /Search: fabr/);
    await waitForFrame(lastFrame, /Search: fabr[\s\S]*❯ Fabrikam Workspace/);
    await waitForFrame(lastFrame, /^(?![\s\S]*Contoso Expenses)/);
    await pressUntil(stdin, lastFrame, '\r', /Provision a user/);
    await pressUntil(stdin, lastFrame, '\t', /Provision a group/);
    await pressUntil(stdin, lastFrame, 'falcon', /Search: falcon/);
    await waitForFrame(lastFrame, /❯ Project Falcon/);
    await pressUntil(stdin, lastFrame, '\r', /Members of Project Falcon/);
    // Approved only once the wait is on screen: the UI follows each change and would show the result
    // before a look at the screen could catch the wait.
    const waiting = await pressUntil(stdin, lastFrame, '\r', /waiting for approval/);
    const approving = approveWhenAsked();
    expect(waiting).toMatch(/The proxy holds this request until it has 1 more approver approval/);
    // Held, it has not run at Graph: the rate window is not shown as if it had.
    expect(waiting).not.toMatch(/calls left in this window/);
    await approving;
    await waitForFrame(lastFrame, /Success/);
    unmount();
  });

  it('a refused key leads back to Connect, no longer connected', async () => {
    const io = { env: { NO_COLOR: '1' }, stderr: process.stderr } as never;
    const { lastFrame, stdin, unmount } = render(
      <App
        connect={(flags) => connect(flags, io)}
        initialFlags={{ proxy: proxy.url, 'api-key': 'odp_wrong' }}
        env={{ NO_COLOR: '1' }}
        cwd={process.cwd()}
      />,
    );
    const refused = await waitForFrame(lastFrame, /✗ the proxy refused the API key/);
    expect(refused).toMatch(/not connected/);
    const back = await pressUntil(stdin, lastFrame, '\u001B', /Connect to/);
    expect(back).toMatch(/⚡ not connected/);
    unmount();
  });
});
