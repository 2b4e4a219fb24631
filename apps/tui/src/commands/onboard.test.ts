import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ondemandAgainst } from '../../test/simulator-flags.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ timeScale: 20 });
});
afterAll(() => sim.stop());
beforeEach(() => sim.context.reset());

const ondemand = (args: string[], cwd?: string) =>
  ondemandAgainst(sim, [...args, '--rate-limit', '5/500'], cwd ? { cwd } : {});
const tenant = () => sim.context.tenant;
const diego = () => [...tenant().users.values()].find((user) => user.displayName.startsWith('Diego'))!;

describe('ondemand onboard', () => {
  it('provisions a user into every app they are assigned to, directly or through a group, with a verdict per app and no 429', async () => {
    const { code, out } = await ondemand(['onboard', '--user', diego().userPrincipalName, '--json']);
    const report = JSON.parse(out);
    expect(report.subject.id).toBe(diego().id);
    const byApp = Object.fromEntries(
      report.apps.map((app: { servicePrincipalId: string }) => [app.servicePrincipalId, app]),
    );
    expect(byApp[ids.saasServicePrincipal]).toMatchObject({
      jobId: ids.saasJob,
      result: 'Success',
      verdict: 'applied',
    });
    // GitHub's scoping filter leaves a Support user out: skipped, not provisioned.
    expect(byApp[ids.githubServicePrincipal]).toMatchObject({ result: 'Skipped', verdict: 'notProvisioned' });
    expect(report.apps.length).toBe(3);
    expect(code).toBe(1);
    expect(sim.context.stats.snapshot().throttled).toBe(0);
  });

  it('names a job that cannot take the call and sends nothing to it; a rerun with --out does only what is left', async () => {
    const job = tenant().job(ids.saasServicePrincipal, ids.saasJob)!;
    sim.context.service.steering(job).credentialsExpired = true;
    sim.context.service.runCycle(job);
    const dir = tempDir('ondemand-onboard-');
    const first = await ondemand(['onboard', '--user', diego().id, '--out', 'diego.ndjson'], dir);
    expect(first.out).toMatch(
      /Contoso Expenses \(SCIM\): not provisioned — not sent: the job is in quarantine \(EncounteredQuarantineException/,
    );
    expect(first.code).toBe(1);
    const sentBefore = sim.context.stats.snapshot().provisionOnDemand.received;

    sim.context.service.steering(job).credentialsExpired = false;
    sim.context.service.health(job).restart(new Set(['QuarantineState']));
    const second = await ondemand(['onboard', '--user', diego().id, '--out', 'diego.ndjson'], dir);
    expect(second.out).toMatch(/Contoso Expenses \(SCIM\): applied — Success: Create/);
    expect(second.out).toMatch(/\(1 app done in an earlier run/);
    // Fabrikam was done in the first run: only Contoso and GitHub (still out of scope) went again.
    expect(sim.context.stats.snapshot().provisionOnDemand.received - sentBefore).toBe(2);
    // Three results from the first run, two from the second.
    expect(readFileSync(join(dir, 'diego.ndjson'), 'utf8').trim().split('\n')).toHaveLength(5);
  });

  it('pushes a group and its members to one app, five members per call', async () => {
    const allHands = [...tenant().groups.values()].find((group) =>
      group.displayName.startsWith('All Hands'),
    )!;
    expect(allHands.members.length).toBeGreaterThan(5);
    const { out, code } = await ondemand([
      'onboard',
      '--group',
      allHands.id,
      '--sp',
      ids.groupServicePrincipal,
      '--json',
    ]);
    const { calls } = JSON.parse(out);
    expect(calls.map((call: { members: string[] }) => call.members.length)).toEqual(
      Array.from({ length: Math.ceil(allHands.members.length / 5) }, (_, index) =>
        Math.min(5, allHands.members.length - index * 5),
      ),
    );
    expect(new Set(calls.flatMap((call: { members: string[] }) => call.members))).toEqual(
      new Set(allHands.members),
    );
    expect(code).toBe(0);
  });

  it('needs --user or --group, and --sp with --group', async () => {
    expect((await ondemand(['onboard'])).err).toMatch(/onboard needs --user or --group/);
    expect((await ondemand(['onboard', '--group', 'g'])).err).toMatch(/needs --sp ID/);
  });
});
