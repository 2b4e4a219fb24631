import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
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

const ondemand = (args: string[]) => ondemandAgainst(sim, args);
const tenant = () => sim.context.tenant;
const github = () => tenant().servicePrincipals.get(ids.githubServicePrincipal)!;
/** A user the GitHub app is assigned to whose department its scoping filter (Engineering) leaves out. */
const outOfGithubScope = () =>
  [...tenant().users.values()].find(
    (user) => github().assignedTo.includes(user.id) && user.department === 'Sales',
  )!;

describe('ondemand why', () => {
  it('says the scoping filter leaves a user out, with the clause and their value, and exits 1', async () => {
    const user = outOfGithubScope();
    const { code, out } = await ondemand([
      'why',
      '--user',
      user.userPrincipalName,
      '--app',
      'GitHub Enterprise Cloud',
    ]);
    expect(out).toMatch(/GitHub Enterprise Cloud · job .*: not provisioned/);
    expect(out).toMatch(/✓ assigned directly/);
    expect(out).toMatch(/✗ scoping filter: department EQUALS 'Engineering' ✗ \(theirs: Sales\)/);
    expect(out).toMatch(
      /What to do: The scoping filter leaves .* out: department EQUALS 'Engineering' \(theirs: Sales\)/,
    );
    expect(code).toBe(1);
  });

  it('says "no entry yet" rather than guessing, and --provision provisions where it can work', async () => {
    const before = await ondemand(['why', '--user', ids.saasUser, '--sp', ids.saasServicePrincipal]);
    expect(before.out).toMatch(/\? no log entry for them here yet/);
    expect(before.out).toMatch(/: unknown outcome/);
    expect(before.out).toMatch(/Add --provision to provision them on demand where that can work\./);
    expect(before.code).toBe(1);
    const after = await ondemand([
      'why',
      '--user',
      ids.saasUser,
      '--sp',
      ids.saasServicePrincipal,
      '--provision',
    ]);
    expect(after.out).toMatch(/→ provisioned now: Skipped: RedundantExport/);
    expect(after.out).toMatch(/: already in sync/);
    expect(after.code).toBe(0);
    // The call left its entry: asked again, the log answers.
    const again = await ondemand(['why', '--user', ids.saasUser, '--sp', ids.saasServicePrincipal]);
    expect(again.out).toMatch(/✓ newest log entry .*: other skipped \(RedundantExport\)/);
    expect(again.code).toBe(0);
  });

  it('names a job in quarantine and what to do, and an unassigned user with how to assign', async () => {
    const job = tenant().job(ids.saasServicePrincipal, ids.saasJob)!;
    sim.context.service.steering(job).credentialsExpired = true;
    sim.context.service.runCycle(job);
    const quarantined = await ondemand(['why', '--user', ids.saasUser, '--sp', ids.saasServicePrincipal]);
    expect(quarantined.out).toMatch(/: failed\n/);
    expect(quarantined.out).toMatch(
      /What to do: The job is in quarantine \(EncounteredQuarantineException; next attempt .*\): Update the app’s admin credentials/,
    );

    const stranger = [...tenant().users.values()].find((user) => !github().assignedTo.includes(user.id))!;
    const unassigned = await ondemand(['why', '--user', stranger.id, '--sp', ids.githubServicePrincipal]);
    expect(unassigned.out).toMatch(/✗ not assigned/);
    expect(unassigned.out).toMatch(/What to do: Assign .* to GitHub Enterprise Cloud/);
  });

  it('walks every app a user is assigned to, through groups too, and prints the names the README promises with --json', async () => {
    const salesMember = [...tenant().users.values()].find(
      (user) =>
        user.department === 'Sales' &&
        !tenant().servicePrincipals.get(ids.saasServicePrincipal)!.assignedTo.includes(user.id) &&
        !github().assignedTo.includes(user.id),
    )!;
    const { out } = await ondemand(['why', '--user', salesMember.id, '--json']);
    const report = JSON.parse(out);
    expect(report.subject).toMatchObject({ id: salesMember.id, displayName: salesMember.displayName });
    const saas = report.apps.find(
      (app: { servicePrincipalId: string }) => app.servicePrincipalId === ids.saasServicePrincipal,
    );
    expect(saas).toMatchObject({
      jobId: ids.saasJob,
      assigned: true,
      assignedThrough: ['Sales'],
      inScope: true,
      jobHealth: 'active',
      latestLog: null,
      verdict: 'unknown',
    });
    for (const app of report.apps)
      expect(Object.keys(app)).toEqual(
        expect.arrayContaining([
          'servicePrincipalId',
          'appName',
          'jobId',
          'assigned',
          'inScope',
          'jobHealth',
          'latestLog',
          'verdict',
          'whatToDo',
        ]),
      );
  });

  it('says what it could not read without AuditLog.Read.All, and lists the candidates for an ambiguous name', async () => {
    const client = tenant().seed.clients.find((each) => each.clientId === sim.clientId)!;
    const kept = client.permissions;
    client.permissions = kept.filter((permission) => permission !== 'AuditLog.Read.All');
    try {
      const { out } = await ondemand(['why', '--user', ids.saasUser, '--sp', ids.saasServicePrincipal]);
      expect(out).toMatch(
        /\? not known: the provisioning logs could not be read \(grant AuditLog\.Read\.All\)/,
      );
    } finally {
      client.permissions = kept;
    }
    const ambiguous = await ondemand(['why', '--user', 'Group Member']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toMatch(/matches \d+ users: say which/);
  });
});
