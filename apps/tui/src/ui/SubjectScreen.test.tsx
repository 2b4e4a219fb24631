import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { pressUntil, waitForFrame as until } from '@ondemand/test-utils';
import { createGraphClient, type GraphClient } from '@ondemand/transport';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { themeFor } from '../colour.js';
import type { Navigation } from './key-bindings.js';
import type { SubjectKind } from './model.js';
import { SubjectScreen } from './SubjectScreen.js';

const plain = themeFor({ NO_COLOR: '1' });
/** Where the screen's Esc and quit keys lead, as App would give them: here, a record of each press. */
function recordedNav(pressed: string[]): Navigation {
  return { back: () => pressed.push('back'), backLabel: 'back', quit: () => pressed.push('quit') };
}
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

/** The screen as App would show it; what it picks (and any error) goes to `picked`, Esc and quit to `pressed`. */
function subjectScreen(options: { kinds: SubjectKind[]; picked?: unknown[]; pressed?: string[] }) {
  const picked = options.picked ?? [];
  return render(
    <SubjectScreen
      graph={graph}
      theme={plain}
      nav={recordedNav(options.pressed ?? [])}
      kinds={options.kinds}
      onPick={(subject) => picked.push(subject)}
      onError={(error) => picked.push(error)}
    />,
  );
}

describe('SubjectScreen', () => {
  it('a name and Enter in one read pick that name, and a name nobody has picks nobody', async () => {
    const picked: unknown[] = [];
    const { lastFrame, stdin } = subjectScreen({ kinds: ['user', 'group'], picked });
    await until(lastFrame, /❯ Alex Vance/);
    // As a fast typist or a paste sends it: the rows on screen still answer the empty search.
    await pressUntil(stdin, () => String(picked.length), 'wen\r', /1/);
    expect(picked[0]).toMatchObject({ kind: 'user', label: 'Wen Vance' });

    const nobody: unknown[] = [];
    const second = subjectScreen({ kinds: ['user', 'group'], picked: nobody });
    await until(second.lastFrame, /❯ Alex Vance/);
    await pressUntil(second.stdin, second.lastFrame, 'zoe\r', /no user matches "zoe"/);
    expect(nobody).toEqual([]);
  });

  it('switches to groups with Tab, and picks up to five members with Tab', async () => {
    const picked: unknown[] = [];
    const { lastFrame, stdin } = subjectScreen({ kinds: ['user', 'group'], picked });
    await until(lastFrame, /❯ /);
    await pressUntil(stdin, lastFrame, '\t', /Provision a group/);
    await pressUntil(stdin, lastFrame, 'all', /Search: all/);
    await until(lastFrame, /❯ All Hands/);
    await pressUntil(stdin, lastFrame, '\r', /Members of All Hands/);
    for (let member = 0; member < 7; member++) {
      await pressUntil(stdin, lastFrame, '\t', new RegExp(`${Math.min(5, member + 1)}/5 chosen`));
      await pressUntil(stdin, lastFrame, '\u001B[B', /❯ \[ \]/);
    }
    await until(lastFrame, /5\/5 chosen/);
    await pressUntil(stdin, () => String(picked.length), '\r', /1/);
    expect(picked[0]).toMatchObject({ kind: 'group', id: expect.any(String) });
    expect((picked[0] as { members: unknown[] }).members).toHaveLength(5);
  });

  it('searches members with spaces typed ("member 2"), and Tab chooses the row that search shows', async () => {
    const picked: unknown[] = [];
    const { lastFrame, stdin } = subjectScreen({ kinds: ['user', 'group'], picked });
    await until(lastFrame, /❯ /);
    await pressUntil(stdin, lastFrame, '\t', /Provision a group/);
    await pressUntil(stdin, lastFrame, 'falcon', /Search: falcon/);
    await until(lastFrame, /❯ Project Falcon/);
    await pressUntil(stdin, lastFrame, '\r', /Members of Project Falcon/);
    // The text and the Tab in one read: the Tab chooses from what "member 2" shows. (Written again
    // only if the test stdin lost it: ink-testing-library drops a write that lands between readers.)
    const chosen = await pressUntil(stdin, lastFrame, 'member 2\t', /1\/5 chosen/);
    expect(chosen).toMatch(/Search: member 2/);
    expect(chosen).toMatch(/❯ \[x\] Group Member 2/);
    expect(chosen).not.toMatch(/Group Member 1/);
    await pressUntil(stdin, () => String(picked.length), '\r', /1/);
    expect(
      (picked[0] as { members: Array<{ label: string }> }).members.map((member) => member.label),
    ).toEqual(['Group Member 2']);
  });

  it('finds a user by full name, as Graph’s search matches each word', async () => {
    const { lastFrame, stdin } = subjectScreen({ kinds: ['user', 'group'] });
    await until(lastFrame, /❯ Alex Vance/);
    await pressUntil(stdin, lastFrame, 'diego wilber', /Search: diego wilber/);
    const found = await until(lastFrame, /Search: diego wilber[\s\S]*❯ Diego Wilber/);
    expect(found).not.toMatch(/Diego Vance/);
  });

  it('offers only what the rule maps: no group for a users-only rule, and says so', async () => {
    const { lastFrame, stdin } = subjectScreen({ kinds: ['user'] });
    const frame = await until(lastFrame, /❯ Alex Vance/);
    expect(frame).toMatch(/Provision a user \(the rule maps users only\)/);
    expect(frame).toMatch(/↑↓ move · Enter pick · Esc back · Ctrl-C quit/);
    // Tab does nothing: what is typed after it still searches users.
    await pressUntil(stdin, lastFrame, '\twen', /Search: wen/);
    expect(await until(lastFrame, /❯ Wen Vance/)).toMatch(/Provision a user/);
  });

  it('takes a distinguished name for a cloud-sync job, and says what is wrong with a bad one', async () => {
    const bad = subjectScreen({ kinds: ['dn'] });
    await pressUntil(bad.stdin, bad.lastFrame, 'CN=Adele,', /DN: CN=Adele,/);
    await until(bad.lastFrame, /DN: CN=Adele,/);
    await pressUntil(bad.stdin, bad.lastFrame, '\r', /✗ the name ends with a separator/);

    const picked: unknown[] = [];
    const good = subjectScreen({ kinds: ['dn'], picked });
    await pressUntil(good.stdin, good.lastFrame, ids.adUserDn, /DN: CN=AdeleV/);
    await until(good.lastFrame, /DN: CN=AdeleV/);
    await pressUntil(good.stdin, () => String(picked.length), '\r', /[1-9]/);
    expect(picked[0]).toEqual({ kind: 'dn', id: ids.adUserDn, label: ids.adUserDn, members: [] });
  });

  it('lists exactly the keys of each way of picking, and Esc goes back one step: members to groups, then out', async () => {
    const pressed: string[] = [];
    const { lastFrame, stdin } = subjectScreen({ kinds: ['user', 'group'], pressed: pressed });
    await until(lastFrame, /↑↓ move · Enter pick · Tab group instead · Esc back · Ctrl-C quit/);
    await pressUntil(stdin, lastFrame, '\t', /Tab user instead/);
    await pressUntil(stdin, lastFrame, 'all', /Search: all/);
    await until(lastFrame, /❯ All Hands/);
    const members = await pressUntil(stdin, lastFrame, '\r', /Members of All Hands/);
    expect(members).toMatch(/↑↓ move · Tab choose · Enter provision · Esc back · Ctrl-C quit/);
    // Tab does nothing here, and is not listed.
    await pressUntil(stdin, lastFrame, '\u001B', /Provision a group/);
    expect(pressed).toEqual([]);
    await pressUntil(stdin, () => pressed.join(), '\u001B', /back/);
    await pressUntil(stdin, () => pressed.join(), '\u0003', /back,quit/);
    // q is typed into the search, not taken for quit.
    await pressUntil(stdin, lastFrame, 'q', /Search: allq/);
    expect(pressed).toEqual(['back', 'quit']);
  });
});
