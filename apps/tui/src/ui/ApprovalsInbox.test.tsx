import type { RunningProxy } from '@ondemand/proxy';
import { documentedIds as ids } from '@ondemand/simulator';
import { pressUntil, waitForFrame } from '@ondemand/test-utils';
import { createProxyClient, type ProxyClient } from '@ondemand/transport';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoProxy, startDemoProxy } from '../../test/demo-proxy.js';
import { themeFor } from '../colour.js';
import { ApprovalsInbox } from './ApprovalsInbox.js';

let proxy: RunningProxy;
let keys: Record<string, string>;
const clients: ProxyClient[] = [];

let demo: DemoProxy;

beforeAll(async () => {
  demo = await startDemoProxy('ondemand-inbox-');
  ({ proxy, keys } = demo);
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await demo.stop();
});

const hold = (member: string, principal?: string) => demo.hold(member, principal);

function inbox(principal: string) {
  const client = createProxyClient({ baseUrl: proxy.url, apiKey: keys[principal]! });
  clients.push(client);
  const exits: number[] = [];
  const screen = render(
    <ApprovalsInbox
      proxy={client}
      theme={themeFor({ NO_COLOR: '1' })}
      env={{ NO_COLOR: '1' }}
      width={80}
      height={24}
      onExit={() => exits.push(1)}
    />,
  );
  return { ...screen, exits, until: (pattern: RegExp) => waitForFrame(screen.lastFrame, pattern) };
}

/** Every line of a frame fits an 80×24 terminal. */
function fits(frame: string) {
  const lines = frame.split('\n');
  expect(lines.length).toBeLessThanOrEqual(24);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
}

describe('the approvals inbox', () => {
  it('lists pending requests by name, live: a new one shows without a key pressed', async () => {
    await hold(ids.groupMembers[0]);
    const screen = inbox('approver');
    const first = await screen.until(
      /Approvals · pending \(1\)[\s\S]*❯ \d+s\s+(59m\d\ds|1h00m)\s+requester\s+Fabrikam Workspace · Group /,
    );
    fits(first);
    expect(first).toMatch(/↑↓ move · Enter show · a approve · d deny · Esc back · q quit/);
    await hold(ids.groupMembers[1]);
    await screen.until(/Approvals · pending \(2\)/);
    screen.unmount();
  });

  it('shows one as `approvals show` does, approves it with a reason, and shows the run’s result', async () => {
    const screen = inbox('approver');
    await screen.until(/❯ .*Fabrikam Workspace/);
    const detail = await pressUntil(screen.stdin, screen.lastFrame, '\r', /Approval [0-9a-f-]{36}\s+pending/);
    fits(detail);
    expect(detail).toMatch(/Held by\s+the rule "groups need an approver"/);
    expect(detail).toMatch(/lines 1–\d+ of \d+ · ↑↓ PgUp PgDn scroll/);
    await pressUntil(screen.stdin, screen.lastFrame, 'a', /Why \(it goes into the audit log\):/);
    await pressUntil(screen.stdin, screen.lastFrame, 'ticket CHG-7', /> ticket CHG-7/);
    const done = await pressUntil(screen.stdin, screen.lastFrame, '\r', /ran: Success|ran: Skipped/);
    fits(done);
    expect(done).toMatch(/^(completed|approved|executing): Group /m);
    screen.unmount();
  });

  it('denies with the reason the requester is told', async () => {
    const screen = inbox('approver');
    await screen.until(/❯ .*Fabrikam Workspace/);
    await pressUntil(screen.stdin, screen.lastFrame, 'd', /Why \(the requester is told/);
    await pressUntil(screen.stdin, screen.lastFrame, 'not this quarter', /> not this quarter/);
    await pressUntil(screen.stdin, screen.lastFrame, '\r', /denied by approver: not this quarter/);
    await pressUntil(
      screen.stdin,
      screen.lastFrame,
      '\u001B',
      /Approvals · pending \(0\)[\s\S]*nothing waiting for a review/,
    );
    screen.unmount();
  });

  it('says why a request may not be reviewed instead of offering the keys, and lets its requester withdraw it', async () => {
    await hold(ids.groupMembers[0]);
    const screen = inbox('requester');
    const listed = await screen.until(/❯ .*Fabrikam Workspace/);
    expect(listed).not.toMatch(/a approve/);
    expect(listed).toMatch(/w withdraw/);
    await pressUntil(screen.stdin, screen.lastFrame, 'a', /nobody approves or denies their own request/);
    await pressUntil(screen.stdin, screen.lastFrame, 'w', /withdrawn by requester/);
    screen.unmount();
  });

  it('goes back with Esc from the list to where it was opened', async () => {
    const screen = inbox('approver');
    await screen.until(/Approvals · pending/);
    screen.stdin.write('\u001B');
    await waitForFrame(() => String(screen.exits.length), /1/);
    screen.unmount();
  });
});
