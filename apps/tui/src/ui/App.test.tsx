import { until as eventually, pressUntil, waitForFrame as until } from '@ondemand/test-utils';
import { render } from 'ink-testing-library';
import { describe, expect, it, onTestFinished } from 'vitest';
import { themeFor } from '../colour.js';
import { type Connection, connect } from '../connection.js';
import { App } from './App.js';
import { ConnectScreen } from './ConnectScreen.js';
import { SelectList } from './SelectList.js';
import { KeyRouter } from './use-keys.js';

const plain = themeFor({ NO_COLOR: '1' });
const io = { env: { NO_COLOR: '1' }, stderr: process.stderr } as never;
const DOWN = '\u001B[B';

describe('SelectList', () => {
  it('moves with arrows and picks with Enter', async () => {
    const picked: string[] = [];
    const { stdin, lastFrame } = render(
      <SelectList
        items={['a', 'b', 'c'].map((value) => ({ key: value, label: `item ${value}`, value }))}
        theme={plain}
        onSelect={(value) => picked.push(value)}
      />,
    );
    await pressUntil(stdin, lastFrame, DOWN, /❯ item b/);
    await pressUntil(stdin, () => picked.join(), '\r', /b/);
    expect(picked).toEqual(['b']);
  });
});

describe('ConnectScreen', () => {
  it('offers the simulator, the environment when it has app credentials, device code and the proxy', async () => {
    const chosen: Array<Record<string, unknown>> = [];
    const { lastFrame, stdin } = render(
      <ConnectScreen
        env={{ AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's' }}
        theme={plain}
        onConnect={(flags) => chosen.push(flags)}
        onQuit={() => {}}
      />,
    );
    expect(lastFrame()).toMatch(/Simulator[\s\S]*Tenant as an app[\s\S]*signed in as me[\s\S]*proxy/);
    await pressUntil(stdin, () => JSON.stringify(chosen), '\r', /simulate/);
    expect(chosen).toEqual([{ simulate: true }]);
    const without = render(
      <ConnectScreen env={{}} theme={plain} onConnect={() => {}} onQuit={() => {}} />,
    ).lastFrame();
    expect(without).not.toContain('Tenant as an app');
  });

  it('asks the proxy form for a CA file too, and passes it on when given', async () => {
    const chosen: Array<Record<string, unknown>> = [];
    // Inside the key router, as the app shows it: a field's keys go to the field drawn, even when the
    // next keys arrive before React runs its passive effects (alone, Ink's useInput would race).
    const { lastFrame, stdin } = render(
      <KeyRouter>
        <ConnectScreen env={{}} theme={plain} onConnect={(flags) => chosen.push(flags)} onQuit={() => {}} />
      </KeyRouter>,
    );
    await pressUntil(stdin, lastFrame, DOWN, /❯ Tenant, signed in as me/);
    await pressUntil(stdin, lastFrame, DOWN, /❯ ondemand proxy/);
    await pressUntil(stdin, lastFrame, '\r', /Connect to the ondemand proxy/);
    // Each field once, then its value shown: a field's Enter moves on to the next.
    await pressUntil(stdin, lastFrame, 'https://proxy.example\r', /Proxy URL: https:\/\/proxy\.example\n/);
    await pressUntil(stdin, lastFrame, 'odp_k\r', /API key: \*{5}\n\s*CA file \(empty: the system CAs\)/);
    await pressUntil(stdin, () => JSON.stringify(chosen), '/etc/ondemand/ca.pem\r', /ca/);
    expect(chosen).toEqual([
      { proxy: 'https://proxy.example', 'api-key': 'odp_k', ca: '/etc/ondemand/ca.pem' },
    ]);
  });

  it('a form lists its own keys, and Esc goes back a field, then to the ways to connect', async () => {
    const { lastFrame, stdin } = render(
      <ConnectScreen env={{}} theme={plain} onConnect={() => {}} onQuit={() => {}} />,
    );
    expect(lastFrame()).toMatch(/↑↓ move · Enter pick · Ctrl-C quit/);
    await pressUntil(stdin, lastFrame, DOWN, /❯ Tenant, signed in as me/);
    const form = await pressUntil(stdin, lastFrame, '\r', /Sign in to a tenant with a device code/);
    expect(form).toMatch(/Enter next field · Esc back · Ctrl-C quit/);
    await pressUntil(stdin, lastFrame, 't1\r', /Enter connect · Esc back/);
    await pressUntil(stdin, lastFrame, '\u001B', /Enter next field · Esc back/);
    await pressUntil(stdin, lastFrame, '\u001B', /Connect to/);
  });
});

/**
 * The App, connecting as the command does; unmounted and its connections (an embedded simulator and
 * its folder) closed when the test ends, whether it passed or not.
 */
function renderApp(initialFlags: Record<string, unknown>) {
  const opened: Connection[] = [];
  const app = render(
    <App
      connect={async (flags) => {
        const connection = await connect(flags, io);
        opened.push(connection);
        return connection;
      }}
      initialFlags={initialFlags}
      env={{ NO_COLOR: '1' }}
      cwd={process.cwd()}
    />,
  );
  onTestFinished(async () => {
    app.unmount();
    for (const connection of opened) await connection.close();
  });
  return { ...app, opened };
}

describe('App against the embedded simulator', () => {
  it('searches apps as you type, picks the only job and rule for you, and provisions a user to a result and the history', async () => {
    const { lastFrame, stdin } = renderApp({ simulate: true, 'sim-time-scale': '20' });
    await until(lastFrame, /simulator \(embedded\)/);
    await until(lastFrame, /❯ Contoso Expenses/);
    await pressUntil(stdin, lastFrame, 'fabr', /Search: fabr/);
    await until(lastFrame, /Search: fabr[\s\S]*❯ Fabrikam Workspace/);
    await until(lastFrame, /^(?![\s\S]*Contoso Expenses)/);
    const subject = await pressUntil(stdin, lastFrame, '\r', /Provision a user/);
    expect(subject).toContain('Fabrikam Workspace · job fabrikamWorkspace · rule USER_AND_GROUP_OUTBOUND');
    await pressUntil(stdin, lastFrame, 'member1', /Search: member1/);
    await until(lastFrame, /❯ Group Member 1/);
    const result = await pressUntil(stdin, lastFrame, '\r', /Success: Create of member1/);
    expect(result).toContain('Group Member 1 → Fabrikam Workspace');
    expect(result).toMatch(/✓ Export/);
    await pressUntil(stdin, lastFrame, 'h', /This session's provisions \(1\)/);
    // Esc goes back one step at a time, to where each screen was reached from.
    await pressUntil(stdin, lastFrame, '\u001B', /Success: Create of member1/);
    await pressUntil(stdin, lastFrame, '\u001B', /Provision a user/);
    const apps = await pressUntil(stdin, lastFrame, '\u001B', /Pick the app/);
    expect(apps).toMatch(/↑↓ move · Enter pick · Esc other connection · Ctrl-C quit/);
    await pressUntil(stdin, lastFrame, '\u001B', /Connect to/);
  });

  it('Esc cancels a call still waiting for the rate window, and nothing is sent', async () => {
    // One call a minute: the second waits for the window.
    const { lastFrame, stdin, opened } = renderApp({ simulate: true, 'rate-limit': '1/60000' });
    await until(lastFrame, /❯ Contoso Expenses/);
    await pressUntil(stdin, lastFrame, '\r', /Provision a user/);
    await until(lastFrame, /❯ Alex Vance/);
    await pressUntil(stdin, lastFrame, '\r', /Alex Vance → Contoso Expenses/);
    const received = () => opened[0]!.simulator!.context.stats.snapshot().provisionOnDemand.received;
    // The screen names the subject as the call leaves: wait for the simulator to have it.
    await eventually('the first call to arrive', () => received() === 1);
    const waiting = await pressUntil(
      stdin,
      lastFrame,
      'p',
      /waiting for the rate window \(nothing sent yet\)/,
    );
    expect(waiting).toMatch(/Esc cancel \(not sent yet\) · q quit/);
    const back = await pressUntil(
      stdin,
      lastFrame,
      '\u001B',
      /cancelled: the call was waiting for the rate window and was not sent/,
    );
    expect(back).toMatch(/Alex Vance → Contoso Expenses|Provision a user/);
    expect(received()).toBe(1);
  });

  it('Ctrl-C leaves with an interrupt, so the command exits 130', async () => {
    const interrupted: string[] = [];
    const app = render(
      <App
        connect={(flags) => connect(flags, io)}
        env={{ NO_COLOR: '1' }}
        cwd={process.cwd()}
        onInterrupted={() => interrupted.push('interrupted')}
      />,
    );
    await until(app.lastFrame, /Connect to/);
    await pressUntil(app.stdin, () => interrupted.join(), '\u0003', /interrupted/);
    app.unmount();
  });

  it('Esc from the result back to the DN field shows the DN typed, to edit', async () => {
    const { lastFrame, stdin } = renderApp({ simulate: true });
    await until(lastFrame, /❯ Contoso Expenses/);
    await pressUntil(stdin, lastFrame, 'corp', /Search: corp/);
    await until(lastFrame, /❯ corp\.chicago\.com/);
    await pressUntil(stdin, lastFrame, '\r', /DN: /);
    await pressUntil(stdin, lastFrame, 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com', /DN: CN=AdeleV/);
    await pressUntil(stdin, lastFrame, '\r', /p provision again/);
    const back = await pressUntil(stdin, lastFrame, '\u001B', /Active Directory user to sync/);
    expect(back).toContain('DN: CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com');
  });

  it('shows a Graph error in words and goes back with Esc', async () => {
    const { lastFrame, stdin, opened } = renderApp({ simulate: true });
    await until(lastFrame, /❯ Contoso Expenses/);
    opened[0]!.simulator!.context.faults.add({ kind: '500', count: 1, path: 'schema' });
    const error = await pressUntil(stdin, lastFrame, '\r', /✗ Graph failed/);
    expect(error).toContain('request-id');
    await pressUntil(stdin, lastFrame, '\u001B', /Pick the app/);
  });

  it('follows the terminal as it is resized: narrower, every line fits', async () => {
    const app = renderApp({ simulate: true });
    const wide = await until(app.lastFrame, /❯ Contoso Expenses/);
    expect(wide).toMatch(/↑↓ move · Enter pick · Esc other connection · Ctrl-C quit/);
    Object.defineProperty(app.stdout, 'columns', { value: 40, configurable: true });
    app.stdout.emit('resize');
    const narrow = await until(app.lastFrame, /Enter pick\nEsc other connection · Ctrl-C quit/);
    for (const line of narrow.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
  });
});
