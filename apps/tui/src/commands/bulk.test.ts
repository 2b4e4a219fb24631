import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { memoryIo, until } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
      '--graph-url',
      sim.url,
      '--ca',
      sim.caFile!,
      '--tenant',
      sim.tenantId,
      '--client-id',
      sim.clientId,
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
    expect(first.err()).toMatch(/1 rows failed or were not sent: run the same command again to retry them/);

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
  });

  it('on Ctrl-C sends none of the rows still waiting for the rate limit, and exits 130', async () => {
    const dir = tempDir('ondemand-bulk-');
    const rows = assigned().slice(3, 7);
    const before = received();
    const run = bulk(dir, rows, ['--rate-limit', '1/60000']);
    await until('the first row is sent', () => received() > before);
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
