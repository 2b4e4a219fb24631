import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { userRequest } from '@ondemand/core';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ondemandAgainst } from '../../test/simulator-flags.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ timeScale: 10 });
});
afterAll(() => sim.stop());
beforeEach(() => {
  sim.context.reset();
  sim.context.service.log.visibilityDelayMs = 0;
});

const saasJob = () => sim.context.tenant.job(ids.saasServicePrincipal, ids.saasJob)!;
const provision = (userId: string) =>
  sim.context.service.recordOnDemand(
    saasJob(),
    sim.context.engine.provision(saasJob(), userRequest({ ruleId: ids.saasRule, userId })).outcomes,
    { id: 'x', displayName: 'test', initiatorType: 'application' },
  );

const ondemand = (args: string[], cwd?: string) => ondemandAgainst(sim, args, cwd ? { cwd } : {});

describe('ondemand logs', () => {
  it('finds a user by UPN and shows their entries with the verdict and what to do', async () => {
    const user = sim.context.tenant.users.get(ids.saasUser)!;
    provision(ids.saasUser);
    const { code, out, err } = await ondemand([
      'logs',
      '--user',
      user.userPrincipalName,
      '--app',
      'Contoso Expenses',
    ]);
    expect(err).not.toMatch(/ondemand logs:/);
    expect(code).toBe(0);
    expect(out).toMatch(
      new RegExp(`^already in sync: ${user.displayName} \\(User\\), other in Contoso Expenses`),
    );
  });

  it('says "none yet" rather than "nothing happened" while Graph has not written the entries', async () => {
    sim.context.service.log.visibilityDelayMs = 5 * 60_000;
    provision(ids.saasUser);
    const { code, out } = await ondemand(['logs', '--user', ids.saasUser]);
    expect(code).toBe(0);
    expect(out).toMatch(/No entries: none were written for these filters yet/);
  });

  it('filters by status and prints NDJSON as explain --json prints entries', async () => {
    sim.context.engine.exportFaults.set(`${ids.saasServicePrincipal}/${ids.saasJob}`, {
      code: 'Timeout',
      message: 'timed out',
      retried: true,
    });
    const assigned = sim.context.tenant.servicePrincipals.get(ids.saasServicePrincipal)!.assignedTo;
    const other = assigned.find((id) => id !== ids.saasUser && sim.context.tenant.users.has(id))!;
    provision(ids.saasUser);
    provision(other);
    const { out } = await ondemand(['logs', '--status', 'failure', '--json']);
    const entries = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries)
      expect(entry).toMatchObject({ status: 'failure', verdict: 'failed', retry: 'automatic' });
  });

  it('writes the three CSV files the portal’s download has, defusing formulas in names', async () => {
    const user = sim.context.tenant.users.get(ids.saasUser)!;
    sim.context.tenant.users.set(ids.saasUser, { ...user, displayName: '=HYPERLINK("http://evil")' });
    provision(ids.saasUser);
    const dir = tempDir('ondemand-logs-');
    const { code, err } = await ondemand(['logs', '--csv', 'out'], dir);
    expect(code).toBe(0);
    expect(err).toMatch(/1 entries written to .*out-summary\.csv/);
    const summary = readFileSync(join(dir, 'out-summary.csv'), 'utf8');
    expect(summary.split('\r\n')[0]).toMatch(/^id,activityDateTime,jobId/);
    expect(summary).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(readFileSync(join(dir, 'out-steps.csv'), 'utf8')).toMatch(/,1,EntryImport,import,success,/);
  });

  it('lists the candidates for a name that matches several users, and refuses a bad --status', async () => {
    const many = await ondemand(['logs', '--user', 'Group Member']);
    expect(many.code).toBe(2);
    expect(many.err).toMatch(
      /"Group Member" matches \d+ users: say which with an id or a UPN:\n {2}[0-9a-f-]{36} /,
    );
    const status = await ondemand(['logs', '--status', 'failed']);
    expect(status.code).toBe(2);
    expect(status.err).toMatch(/--status is one of success, failure, skipped, warning/);
  });

  it('names AuditLog.Read.All when the app may not read logs', async () => {
    const client = sim.context.tenant.seed.clients.find((each) => each.clientId === sim.clientId)!;
    const kept = client.permissions;
    client.permissions = kept.filter((permission) => permission !== 'AuditLog.Read.All');
    try {
      const { code, err } = await ondemand(['logs']);
      expect(code).toBe(4);
      expect(err).toMatch(/Grant the app AuditLog\.Read\.All/);
    } finally {
      client.permissions = kept;
    }
  });
});

describe('ondemand logs --follow and its progress', () => {
  it('prints new entries as Graph writes them, each once, until Ctrl-C (exit 130)', async () => {
    const { memoryIo, until } = await import('@ondemand/test-utils');
    const { runCli } = await import('../run-cli.js');
    const { simulatorFlags } = await import('../../test/simulator-flags.js');
    provision(ids.saasUser);
    const run = memoryIo({ env: { AZURE_CLIENT_SECRET: sim.clientSecret } });
    const done = runCli(
      [
        'logs',
        '--sp',
        ids.saasServicePrincipal,
        '--json',
        '--follow',
        '--every',
        '1',
        ...simulatorFlags(sim),
      ],
      run.io,
    );
    const lines = () =>
      run
        .output()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    await until('the first reading', () => lines().length === 1);
    const other = [...sim.context.tenant.servicePrincipals.get(ids.saasServicePrincipal)!.assignedTo].find(
      (id) => id !== ids.saasUser && sim.context.tenant.users.has(id),
    )!;
    provision(other);
    await until('the new entry is printed', () => lines().length === 2);
    expect(lines()[1].sourceIdentity.id).toBe(other);
    // Another look finds nothing new: nothing printed twice.
    const looks = sim.context.requestLog.filter((entry) =>
      entry.path.includes('/auditLogs/provisioning'),
    ).length;
    await until(
      'it looked again',
      () =>
        sim.context.requestLog.filter((entry) => entry.path.includes('/auditLogs/provisioning')).length >
        looks,
    );
    expect(lines().length).toBe(2);
    expect(run.interrupt()).toBe(true);
    expect(await done).toBe(130);
  });

  it('draws how many entries it has read on a terminal, and clears the line before the entries', async () => {
    const { memoryIo } = await import('@ondemand/test-utils');
    const { runCli } = await import('../run-cli.js');
    const { simulatorFlags } = await import('../../test/simulator-flags.js');
    for (let index = 0; index < 220; index++) provision(ids.saasUser);
    const run = memoryIo({ env: { AZURE_CLIENT_SECRET: sim.clientSecret }, stderrIsTTY: true });
    expect(await runCli(['logs', '--max', '220', '--json', ...simulatorFlags(sim)], run.io)).toBe(0);
    // After the connection's own line: the count, drawn in place, then cleared.
    expect(run.errors()).toMatch(/\n\r100 entries read…\r200 entries read…\r\u001b\[K$/);
    expect(run.output().trim().split('\n')).toHaveLength(220);
  });

  it('takes --every only with --follow', async () => {
    const { code, err } = await ondemand(['logs', '--every', '5']);
    expect(code).toBe(2);
    expect(err).toMatch(/--every is for --follow/);
  });
});
