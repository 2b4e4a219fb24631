import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { memoryIo } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.js';

async function ondemand(args: string[], env: Record<string, string> = {}) {
  const { io, output, errors } = memoryIo({ env });
  const code = await runCli(args, io);
  return { code, out: output(), err: errors() };
}

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.stop());

describe('ondemand provision against the embedded simulator', () => {
  it('provisions the documented user, shows the skip, and says what it is connected to', async () => {
    const { code, out, err } = await ondemand([
      'provision',
      '--simulate',
      '--sp',
      ids.saasServicePrincipal,
      '--job',
      ids.saasJob,
      '--user',
      ids.saasUser,
    ]);
    expect(code).toBe(0);
    expect(err).toMatch(/connected to simulator \(embedded\) · tenant /);
    expect(out).toMatch(/^Skipped: RedundantExport/);
    expect(out).toMatch(/–\s+4 Export\s+EntrySynchronizationSkip/);
    expect(out).toMatch(/request-id [0-9a-f-]{36}/);
  });

  it('picks the rule for a cloud-sync DN and prints JSON', async () => {
    const { code, out } = await ondemand([
      'provision',
      '--simulate',
      '--sp',
      ids.cloudSyncServicePrincipal,
      '--job',
      ids.cloudSyncJob,
      '--dn',
      ids.adUserDn,
      '--json',
    ]);
    expect(code).toBe(0);
    const printed = JSON.parse(out);
    expect(printed).toMatchObject({ result: 'Success', report: { action: 'Update' } });
    expect(printed.requestId).toBeTruthy();
  });

  it('provisions a group with members through a #V2 rule', async () => {
    const members = ids.groupMembers.flatMap((member) => ['--member', member]);
    const { code, out } = await ondemand([
      'provision',
      '--simulate',
      '--sp',
      ids.groupServicePrincipal,
      '--job',
      ids.groupJob,
      '--group',
      ids.group,
      ...members,
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/^Success/);
  });

  it('accepts a job id that is not a GUID, and exits 1 when the subject is not provisioned: a skip for scope, a failure', async () => {
    const { code, out } = await ondemand([
      'provision',
      '--simulate',
      '--sp',
      ids.githubServicePrincipal,
      '--job',
      ids.githubJob,
      '--user',
      ids.saasUser,
    ]);
    expect(out).toMatch(/^Skipped: NotEffectivelyEntitled/);
    expect(code).toBe(1);
    const outsider = await ondemand([
      'provision',
      '--simulate',
      '--sp',
      ids.groupServicePrincipal,
      '--job',
      ids.groupJob,
      '--group',
      ids.group,
      '--member',
      ids.saasUser,
    ]);
    expect(outsider.code).toBe(1);
    expect(outsider.out).toMatch(/^Failure: MemberNotInGroup/);
  });

  // Each case's flags as one line (split on spaces); SIM stands for the test simulator's URL.
  const target = '--sp x --job y --user u';
  const sixMembers = [1, 2, 3, 4, 5, 6].map((member) => `--member ${member}`).join(' ');
  it.each<[string, string, number, RegExp]>([
    [
      'no subject',
      '--simulate --sp x --job y',
      2,
      /give exactly one of --user, --group or --dn \(got none\)/,
    ],
    ['no --sp', '--simulate --job y --user u', 2, /--sp is required/],
    [
      'six members',
      `--simulate --sp ${ids.groupServicePrincipal} --job ${ids.groupJob} --group g ${sixMembers}`,
      2,
      /at most 5 members/,
    ],
    [
      'a group to a job whose only rule maps users',
      `--simulate --sp ${ids.saasServicePrincipal} --job ${ids.saasJob} --group ${ids.group} --member ${ids.groupMembers[0]}`,
      2,
      /the rule ea807875-5618-4f0a-9125-0b46a05298ca maps User objects only, not Group: Graph would answer Success and provision nothing; this job's rules:\n\s+ea807875.*maps User\)/,
    ],
    [
      'a group with a users-only rule given',
      `--simulate --sp ${ids.saasServicePrincipal} --job ${ids.saasJob} --rule ${ids.saasRule} --group ${ids.group}`,
      2,
      /maps User objects only, not Group/,
    ],
    [
      'a user principal name for --user',
      `--simulate --sp ${ids.saasServicePrincipal} --job ${ids.saasJob} --user alex.vance@contoso.onmicrosoft.com`,
      2,
      /"alex\.vance@contoso\.onmicrosoft\.com" is not an object id: a User is named by its Entra object id.*ondemand users NAME/,
    ],
    [
      'a rule the job does not have',
      `--simulate --sp ${ids.saasServicePrincipal} --job ${ids.saasJob} --rule NOT_A_RULE --user ${ids.saasUser}`,
      2,
      /the job has no rule NOT_A_RULE; this job's rules:/,
    ],
    ['no connection', target, 3, /not connected: say where to provision/],
    [
      'the China cloud',
      `--cloud china --tenant t --client-id c --client-secret s ${target}`,
      3,
      /not available in the China cloud/,
    ],
    [
      'an unknown app',
      '--simulate --sp 00000000-0000-0000-0000-000000000000 --job y --user u --rule r',
      4,
      /Graph found nothing .* check the service principal id/,
    ],
    [
      'a wrong secret',
      `--graph-url https://127.0.0.1:1 --tenant t --client-id c --client-secret hunter2-secret ${target} --rule r`,
      3,
      /failed/,
    ],
    [
      'an unknown rate-window scope',
      `--simulate --rate-limit-scope galaxy ${target}`,
      2,
      /--rate-limit-scope is app or tenant/,
    ],
    [
      '--simulate with --proxy',
      `--simulate --proxy https://ondemand.example --api-key k ${target}`,
      2,
      /give one connection, not --simulate and --proxy/,
    ],
    [
      'a proxy whose CA is not trusted',
      `--proxy SIM --api-key k ${target} --rule r`,
      3,
      /could not reach the ondemand proxy at .*: its certificate is not signed by a CA this machine trusts: pass --ca FILE/,
    ],
    [
      'a simulator whose CA is not trusted',
      `--graph-url SIM --tenant t --client-id c --client-secret s ${target} --rule r`,
      3,
      /its certificate is not signed by a CA this machine trusts: pass --ca FILE/,
    ],
  ])('refuses %s with a message and its exit code, no stack', async (_, args, exitCode, message) => {
    const { code, err } = await ondemand([
      'provision',
      ...args.split(' ').map((arg) => (arg === 'SIM' ? sim.url : arg)),
    ]);
    expect(code).toBe(exitCode);
    // Nothing says "connected" before it is.
    if (exitCode === 3) expect(err).not.toMatch(/connected to/);
    expect(err).toMatch(message);
    expect(err).not.toMatch(/\n\s+at /);
    expect(err).not.toContain('hunter2-secret');
  });

  // Its reads are retried with backoff before it gives up (~6 s): run by `pnpm test`, not the quick loop.
  it('refuses a proxy that does not answer with exit 4, naming it', { tags: ['slow'] }, async () => {
    const { code, err } = await ondemand([
      'provision',
      ...`--proxy http://127.0.0.1:1 --api-key k ${target} --rule r`.split(' '),
    ]);
    expect(code).toBe(4);
    expect(err).toMatch(
      /could not reach the ondemand proxy at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\): nothing answers there/,
    );
    expect(err).not.toMatch(/\n\s+at /);
  });
});

describe('ondemand jobs and rules', () => {
  it('lists apps with jobs, and a job whose rules need choosing', async () => {
    const jobs = await ondemand(['jobs', '--simulate']);
    expect(jobs.code).toBe(0);
    expect(jobs.out).toContain(`job ${ids.githubJob}`);
    expect(jobs.out).not.toContain('Contoso Intranet');
    const rules = await ondemand([
      'rules',
      '--simulate',
      '--sp',
      ids.groupServicePrincipal,
      '--job',
      ids.groupJob,
      '--json',
    ]);
    expect(JSON.parse(rules.out).map((rule: { id: string }) => rule.id)).toEqual([ids.groupRule]);
  });
});

describe('ondemand --simulate keeps its tenant between runs', () => {
  it('provisions Create, then RedundantExport in a second command; --simulate-reset starts over', async () => {
    const env = { XDG_CACHE_HOME: tempDir('ondemand-cache-') };
    const found = await ondemand(['users', '--simulate', '--search', 'bianca', '--json'], env);
    const bianca = JSON.parse(found.out)[0].id as string;
    const provision = (...extra: string[]) =>
      ondemand(
        [
          'provision',
          '--simulate',
          ...extra,
          '--sp',
          ids.saasServicePrincipal,
          '--job',
          ids.saasJob,
          '--user',
          bianca,
        ],
        env,
      );
    expect((await provision()).out).toMatch(/^Success: Create/);
    expect((await provision()).out).toMatch(/^Skipped: RedundantExport/);
    expect((await provision('--simulate-reset')).out).toMatch(/^Success: Create/);
  });
});
