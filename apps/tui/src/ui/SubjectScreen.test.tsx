import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { pressUntil, waitForFrame as until } from '@ondemand/test-utils';
import { createGraphClient, type GraphClient } from '@ondemand/transport';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubjectScreen } from './SubjectScreen.js';
import { themeFor } from './theme.js';

const plain = themeFor({ NO_COLOR: '1' });
let sim: RunningSimulator;
let graph: GraphClient;

beforeAll(async () => {
  sim = await startSimulator();
  graph = createGraphClient({
    baseUrl: sim.url,
    ca: sim.caPem,
    tenantId: sim.tenantId,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    env: {},
  });
});
afterAll(async () => {
  await graph.close();
  await sim.stop();
});

describe('SubjectScreen', () => {
  it('switches to groups with Tab, and picks up to five members with Space', async () => {
    const picked: unknown[] = [];
    const { lastFrame, stdin } = render(
      <SubjectScreen
        graph={graph}
        theme={plain}
        cloudSync={false}
        onPick={(subject) => picked.push(subject)}
        onError={(error) => picked.push(error)}
      />,
    );
    await until(lastFrame, /❯ /);
    await pressUntil(stdin, lastFrame, '\t', /Provision a group/);
    await pressUntil(stdin, lastFrame, 'all', /Search: all/);
    await until(lastFrame, /❯ All Hands/);
    await pressUntil(stdin, lastFrame, '\r', /Members of All Hands/);
    for (let member = 0; member < 7; member++) {
      await pressUntil(stdin, lastFrame, ' ', new RegExp(`${Math.min(5, member + 1)}/5 chosen`));
      await pressUntil(stdin, lastFrame, '\u001B[B', /❯ \[ \]/);
    }
    await until(lastFrame, /5\/5 chosen/);
    await pressUntil(stdin, () => String(picked.length), '\r', /1/);
    expect(picked[0]).toMatchObject({ kind: 'group', id: expect.any(String) });
    expect((picked[0] as { members: unknown[] }).members).toHaveLength(5);
  });

  it('takes a distinguished name for a cloud-sync job, and says what is wrong with a bad one', async () => {
    const bad = render(
      <SubjectScreen graph={graph} theme={plain} cloudSync onPick={() => {}} onError={() => {}} />,
    );
    await pressUntil(bad.stdin, bad.lastFrame, 'CN=Adele,', /DN: CN=Adele,/);
    await until(bad.lastFrame, /DN: CN=Adele,/);
    await pressUntil(bad.stdin, bad.lastFrame, '\r', /✗ the name ends with a separator/);

    const picked: unknown[] = [];
    const good = render(
      <SubjectScreen
        graph={graph}
        theme={plain}
        cloudSync
        onPick={(subject) => picked.push(subject)}
        onError={() => {}}
      />,
    );
    await pressUntil(good.stdin, good.lastFrame, ids.adUserDn, /DN: CN=AdeleV/);
    await until(good.lastFrame, /DN: CN=AdeleV/);
    await pressUntil(good.stdin, () => String(picked.length), '\r', /[1-9]/);
    expect(picked[0]).toEqual({ kind: 'dn', id: ids.adUserDn, label: ids.adUserDn, members: [] });
  });
});
