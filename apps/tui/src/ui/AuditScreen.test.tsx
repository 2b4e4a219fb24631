import { groupRequest } from '@ondemand/core';
import type { RunningProxy } from '@ondemand/proxy';
import { documentedIds as ids } from '@ondemand/simulator';
import { pressUntil, waitForFrame } from '@ondemand/test-utils';
import { createProxyClient, type ProxyClient } from '@ondemand/transport';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoProxy, startDemoProxy } from '../../test/demo-proxy.js';
import { themeFor } from '../colour.js';
import { AuditScreen } from './AuditScreen.js';

let proxy: RunningProxy;
let keys: Record<string, string>;
let client: ProxyClient;

let demo: DemoProxy;

beforeAll(async () => {
  demo = await startDemoProxy('ondemand-audit-screen-');
  ({ proxy, keys } = demo);
  client = createProxyClient({ baseUrl: proxy.url, apiKey: keys.auditor! });
  // One held group request, so the log has a request, a decision and names to show.
  await fetch(
    `${proxy.url}/v1.0/servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/${ids.groupJob}/provisionOnDemand`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.requester}`, 'content-type': 'application/json' },
      body: JSON.stringify(groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [] })),
    },
  );
});
afterAll(async () => {
  await client.close();
  await demo.stop();
});

describe('the Audit screen', () => {
  it('shows the chain’s verdict, the entries with names, one entry’s details, and filters as keys', async () => {
    const screen = render(
      <AuditScreen
        proxy={client}
        theme={themeFor({ NO_COLOR: '1' })}
        env={{ NO_COLOR: '1' }}
        width={80}
        height={24}
        onExit={() => {}}
      />,
    );
    const first = await waitForFrame(
      screen.lastFrame,
      /✓ chain intact: \d+ entries[\s\S]*request\s+Fabrikam Workspace · Group [\s\S]*decision\s+require_approval · /,
    );
    expect(first.split('\n').length).toBeLessThanOrEqual(24);
    // Every key listed, q included: at 80 columns the help bar takes a second line rather than cut it.
    expect(first).toMatch(/a action · t time · p principal · o object · x clear\nEsc back · q quit/);
    // a lists the actions with what each means; Enter filters on one, and the list follows once the
    // proxy has answered for it: only requests, no decision.
    const actions = await pressUntil(screen.stdin, screen.lastFrame, 'a', /❯ every action/);
    expect(actions).toMatch(/request\s+a provisionOnDemand or a job action arrived/);
    await pressUntil(screen.stdin, screen.lastFrame, '\u001B[B', /❯ request/);
    await pressUntil(
      screen.stdin,
      screen.lastFrame,
      '\r',
      /action request · all time · 1 entry(?![\s\S]* decision )/,
    );
    await pressUntil(screen.stdin, screen.lastFrame, 'a', /❯ every action/);
    await pressUntil(screen.stdin, screen.lastFrame, '\u001B[B', /❯ request/);
    await pressUntil(screen.stdin, screen.lastFrame, '\u001B[B', /❯ decision/);
    await pressUntil(screen.stdin, screen.lastFrame, '\r', /action decision · all time · 1 entry/);
    const entry = await pressUntil(screen.stdin, screen.lastFrame, '\r', /"action": "decision"/);
    expect(entry).toMatch(/lines 1–\d+ of \d+/);
    // End scrolls to the entry's end, where its hashes are.
    await pressUntil(screen.stdin, screen.lastFrame, '\u001B[F', /"hash": "[0-9a-f]{64}"/);
    await pressUntil(screen.stdin, screen.lastFrame, '\u001B', /❯ .*decision/);
    await pressUntil(screen.stdin, screen.lastFrame, 'x', /every action · all time/);
    screen.unmount();
  });

  it('tells a requester that reading the log needs the auditor role, instead of showing no entries', async () => {
    const requester = createProxyClient({ baseUrl: proxy.url, apiKey: keys.requester! });
    try {
      const screen = render(
        <AuditScreen
          proxy={requester}
          theme={themeFor({ NO_COLOR: '1' })}
          env={{ NO_COLOR: '1' }}
          width={80}
          height={24}
          onExit={() => {}}
        />,
      );
      const shown = await waitForFrame(screen.lastFrame, /✗ .*needs the role auditor/);
      expect(shown).not.toMatch(/no entries match|0 entries/);
      screen.unmount();
    } finally {
      await requester.close();
    }
  });
});
