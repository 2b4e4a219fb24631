import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { memoryIo, until } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorFlags } from '../../test/simulator-flags.js';
import { runCli } from '../run-cli.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ timeScale: 20 });
});
afterAll(() => sim.stop());
afterEach(() => sim.context.faults.clear());

const assigned = () =>
  sim.context.tenant.servicePrincipals
    .get(ids.saasServicePrincipal)!
    .assignedTo.filter((id) => id !== ids.saasUser && sim.context.tenant.users.has(id));

function bulk(dir: string, rows: string[], extra: string[] = [], header = 'objectId') {
  writeFileSync(join(dir, 'rows.csv'), `${header}\n${rows.join('\n')}\n`);
  const run = memoryIo({ cwd: dir, env: { AZURE_CLIENT_SECRET: sim.clientSecret } });
  const code = runCli(
    [
      'bulk',
      'rows.csv',
      '--sp',
      ids.saasServicePrincipal,
      '--job',
      ids.saasJob,
      ...simulatorFlags(sim),
      ...extra,
    ],
    run.io,
  );
  return { code, err: run.errors, interrupt: run.interrupt };
}

const received = () => sim.context.stats.snapshot().provisionOnDemand.received;
const results = (dir: string) =>
  readFileSync(join(dir, 'rows.csv.results.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('ondemand bulk, checked against the job first', () => {
  it('refuses rows the job’s rules cannot provision, each by its line, and sends nothing', async () => {
    const dir = tempDir('ondemand-bulk-');
    const before = received();
    const run = bulk(
      dir,
      [`${assigned()[0]},User`, `${ids.group},Group`, `${ids.saasUser},User`],
      [],
      'objectId,objectTypeName',
    );
    expect(await run.code).toBe(2);
    expect(run.err()).toMatch(
      new RegExp(
        `rows.csv has 1 row the job's rules cannot provision; nothing was sent:\\n  line 3 \\(${ids.group}\\): the rule ${ids.saasRule} maps User objects only, not Group`,
      ),
    );
    expect(run.err()).toMatch(/this job's rules:\n\s+ea807875/);
    expect(received()).toBe(before);
  });
});

describe('ondemand bulk, run again', () => {
  it('sends the rows that were not provisioned again; the exit code and totals answer for the whole file', async () => {
    const dir = tempDir('ondemand-bulk-');
    const rows = assigned().slice(0, 3);
    // Graph answers the first call Failure.
    const failure = {
      result: 'Failure',
      details: { errorCode: 'TargetUnavailable', errorMessage: 'the app did not answer' },
    };
    sim.context.faults.add({
      kind: 'answer',
      count: 1,
      path: 'provisionOnDemand',
      status: 200,
      body: JSON.stringify({ key: JSON.stringify(failure), value: '{}' }),
    });
    const first = bulk(dir, rows, ['--rate-limit', '5/500']);
    expect(await first.code).toBe(1);
    expect(first.err()).toMatch(/1 row failed or was not sent: run the same command again to retry/);

    const before = received();
    const again = bulk(dir, rows, ['--rate-limit', '5/500']);
    expect(await again.code).toBe(0);
    expect(received() - before).toBe(1);
    expect(again.err()).toMatch(/3\/3 {2}100% {2}Success 2 · Skipped 1/);
    const lines = results(dir);
    // The Failure row ran again (the faked Failure had run it: a redundant-export skip now).
    expect(
      lines
        .filter((line) => !line.sending)
        .map((line) => line.result)
        .sort(),
    ).toEqual(['Failure', 'Skipped', 'Success', 'Success']);
    // Each result is written when its answer came: after the mark its attempt left.
    for (const result of lines.filter((line) => !line.sending)) {
      const sent = lines.filter((line) => line.sending && line.line === result.line && line.at <= result.at);
      expect(sent.length, `line ${result.line}`).toBeGreaterThan(0);
    }
  });

  it('names the rows skipped without being provisioned, and --retry-skipped sends them again once fixed', async () => {
    const dir = tempDir('ondemand-bulk-');
    const sp = sim.context.tenant.servicePrincipals.get(ids.saasServicePrincipal)!;
    // Not assigned, directly or through a group: skipped as not in scope.
    const outsider = [...sim.context.tenant.users.keys()].find(
      (id) =>
        !sp.assignedTo.includes(id) &&
        !sim.context.tenant.groupsOf(id).some((group) => sp.assignedTo.includes(group.id)),
    )!;
    const first = bulk(dir, [assigned()[10]!, outsider], ['--rate-limit', '5/500']);
    expect(await first.code).toBe(1);
    expect(first.err()).toMatch(
      new RegExp(
        `1 row skipped without being provisioned; once the cause is fixed, --retry-skipped sends it again:\\n  line 3 \\(${outsider}\\): NotEffectivelyEntitled`,
      ),
    );
    // A plain rerun leaves it; fixed (assigned) and asked, it is sent again.
    const before = received();
    expect(await bulk(dir, [assigned()[10]!, outsider], ['--rate-limit', '5/500']).code).toBe(1);
    expect(received()).toBe(before);
    sp.assignedTo.push(outsider);
    const retried = bulk(dir, [assigned()[10]!, outsider], ['--rate-limit', '5/500', '--retry-skipped']);
    expect(await retried.code).toBe(0);
    expect(received() - before).toBe(1);
    expect(retried.err()).toMatch(/2\/2 {2}100% {2}Success 2/);
  });

  it('reads what "ondemand users --json" prints: a JSON array whose id is the objectId', async () => {
    const dir = tempDir('ondemand-bulk-');
    const lookup = await (async () => {
      const { io, output } = memoryIo({ env: { AZURE_CLIENT_SECRET: sim.clientSecret } });
      await runCli(['users', ...simulatorFlags(sim), '--search', 'grace', '--json'], io);
      return output();
    })();
    writeFileSync(join(dir, 'users.json'), lookup);
    const run = memoryIo({ cwd: dir, env: { AZURE_CLIENT_SECRET: sim.clientSecret } });
    const code = await runCli(
      [
        'bulk',
        'users.json',
        '--sp',
        ids.saasServicePrincipal,
        '--job',
        ids.saasJob,
        ...simulatorFlags(sim),
        '--rate-limit',
        '5/500',
      ],
      run.io,
    );
    expect(run.errors()).not.toMatch(/bad row|unknown/);
    // Every user the lookup printed was sent, by its id, as a User: one result line each.
    const looked = (JSON.parse(lookup) as Array<{ id: string }>).map((user) => user.id).sort();
    expect(looked.length).toBeGreaterThan(0);
    const sent = readFileSync(join(dir, 'users.json.results.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => !line.sending);
    expect(sent.map((line) => line.objectId).sort()).toEqual(looked);
    expect(sent.every((line) => line.objectTypeName === 'User')).toBe(true);
    expect(code).toBe(
      sent.every((line) => line.result === 'Success' || line.errorCode === 'RedundantExport') ? 0 : 1,
    );
  });

  it('on Ctrl-C sends none of the rows still waiting for the rate limit, and exits 130', async () => {
    const dir = tempDir('ondemand-bulk-');
    const rows = assigned().slice(3, 7);
    const before = received();
    const accepted = () => sim.context.stats.snapshot().provisionOnDemand.accepted;
    const ran = accepted();
    const run = bulk(dir, rows, ['--rate-limit', '1/60000']);
    // Run, not only received: a call the simulator turned away (429) is retried, and is not in flight.
    await until('the first row is sent', () => accepted() > ran);
    expect(run.interrupt()).toBe(true);
    expect(await run.code).toBe(130);
    expect(run.err()).toMatch(/interrupted: run the same command again to resume \(3 rows left\)/);
    expect(received() - before).toBe(1);
  });

  it('waits for the rate window on a rerun only while the last run’s calls may still count in it', async () => {
    const dir = tempDir('ondemand-bulk-');
    const rows = assigned().slice(7, 10);
    expect(await bulk(dir, rows.slice(0, 1), ['--rate-limit', '5/300']).code).toBe(0);
    const recent = bulk(dir, rows.slice(0, 2), ['--rate-limit', '5/300']);
    expect(await recent.code).toBe(0);
    expect(recent.err()).toMatch(/waiting 0\.\d s for the last run's calls to leave Graph's rate window/);
    // An hour later, nothing of it counts any more: no wait.
    const file = join(dir, 'rows.csv.results.ndjson');
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"at":"[^"]+"/g, `"at":"${hourAgo}"`));
    const later = bulk(dir, rows, ['--rate-limit', '5/300']);
    expect(await later.code).toBe(0);
    expect(later.err()).not.toMatch(/waiting .* for the last run's calls/);
  });
});

describe('ondemand bulk with a file that names several apps', () => {
  it('provisions each row into its own app, paces each app in its own window side by side, and never meets a 429', async () => {
    // The earlier tests' calls still count in Contoso's window at the simulator: a fresh start.
    sim.context.reset();
    const dir = tempDir('ondemand-bulk-apps-');
    // Fabrikam's users are assigned through its group.
    const fabrikam = [...ids.groupMembers];
    const contoso = assigned().slice(0, 12);
    expect(contoso.length).toBe(12);
    // Contoso's twelve rows come first: at 5 per window, seven wait for its next windows. In one
    // queue for all apps, Fabrikam's two would wait behind them.
    const rows = [
      ...contoso.map((id) => `${id},${ids.saasServicePrincipal},${ids.saasJob}`),
      ...fabrikam.map((id) => `${id},${ids.groupServicePrincipal},${ids.groupJob}`),
    ];
    writeFileSync(join(dir, 'rows.csv'), `objectId,servicePrincipalId,jobId\n${rows.join('\n')}\n`);
    const start = sim.context.requestLog.length;
    const run = memoryIo({ cwd: dir, env: { AZURE_CLIENT_SECRET: sim.clientSecret } });
    const throttledBefore = sim.context.stats.snapshot().throttled;
    // A window longer than the simulator's 500 ms: calls reach it later than they leave, and unevenly.
    expect(await runCli(['bulk', 'rows.csv', '--rate-limit', '5/750', ...simulatorFlags(sim)], run.io)).toBe(
      0,
    );
    expect(sim.context.stats.snapshot().throttled).toBe(throttledBefore);

    const calls = sim.context.requestLog
      .slice(start)
      .map((entry) => entry.path)
      .filter((path) => path.endsWith('/provisionOnDemand'));
    const toContoso = calls.flatMap((path, index) =>
      path.includes(ids.saasServicePrincipal) ? [index] : [],
    );
    const toFabrikam = calls.flatMap((path, index) =>
      path.includes(ids.groupServicePrincipal) ? [index] : [],
    );
    expect([toContoso.length, toFabrikam.length]).toEqual([12, 2]);
    // Fabrikam's rows did not wait behind Contoso's window: both went before Contoso's sixth call.
    expect(Math.max(...toFabrikam)).toBeLessThan(toContoso[5]!);
    const byLine = new Map(
      results(dir)
        .filter((line) => line.result)
        .map((line) => [line.line, line]),
    );
    expect([...byLine.values()].every((line) => line.result === 'Success' || line.result === 'Skipped')).toBe(
      true,
    );
    expect(byLine.size).toBe(14);
  });

  it('names the rows that have no app or job when neither the row nor --sp and --job give one', async () => {
    const dir = tempDir('ondemand-bulk-apps-');
    writeFileSync(
      join(dir, 'rows.csv'),
      `objectId,servicePrincipalId,jobId\n${assigned()[0]},${ids.saasServicePrincipal},${ids.saasJob}\n${assigned()[1]},,\n`,
    );
    const run = memoryIo({ cwd: dir, env: { AZURE_CLIENT_SECRET: sim.clientSecret } });
    expect(await runCli(['bulk', 'rows.csv', ...simulatorFlags(sim)], run.io)).toBe(2);
    expect(run.errors()).toMatch(
      /1 row of rows\.csv name no app or job \(lines 3\): give them servicePrincipalId and jobId, or --sp and --job for all/,
    );
  });
});
