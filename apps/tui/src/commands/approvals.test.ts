import { join } from 'node:path';
import { groupRequest } from '@ondemand/core';
import { demoConfig, parseConfig, type RunningProxy, startProxy } from '@ondemand/proxy';
import { documentedIds as ids, type RunningSimulator } from '@ondemand/simulator';
import { memoryIo, until } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoProxy, startDemoProxy } from '../../test/demo-proxy.js';
import { runCli } from '../run-cli.js';

let sim: RunningSimulator;
let proxy: RunningProxy;
let keys: Record<string, string>;
let database: string;

let demo: DemoProxy;

beforeAll(async () => {
  demo = await startDemoProxy('ondemand-approvals-');
  ({ sim, proxy, keys, database } = demo);
});
afterAll(async () => {
  await demo.stop();
});

/** `ondemand …` in-process as `principal`, connected to the demo proxy through the environment. */
function ondemand(principal: string, args: string[]) {
  const run = memoryIo({ env: { ONDEMAND_PROXY_URL: proxy.url, ONDEMAND_API_KEY: keys[principal]! } });
  const code = runCli(args, run.io);
  return { code, out: run.output, err: run.errors, interrupt: run.interrupt };
}

async function finished(principal: string, args: string[]) {
  const run = ondemand(principal, args);
  return { code: await run.code, out: run.out(), err: run.err() };
}

const hold = (member: string, principal?: string) => demo.hold(member, principal);

describe('ondemand approvals', () => {
  it('lists pending requests with who asked, the app and the subject by name; --json gives the views', async () => {
    const id = await hold(ids.groupMembers[0]);
    const listed = await finished('approver', ['approvals', '--state', 'pending']);
    expect(listed.code).toBe(0);
    const row = listed.out.split('\n').find((line) => line.startsWith(id))!;
    expect(row).toMatch(
      /pending\s+\d+s\s+(59m\d\ds|1h00m)\s+requester\s+Fabrikam Workspace\s+Group \S.* \+ 1 member/,
    );
    const json = await finished('approver', ['approvals', '--state', 'pending', '--json']);
    expect(JSON.parse(json.out).map((view: { id: string }) => view.id)).toContain(id);
  });

  it('shows what an approver needs to decide: names next to ids, the exact body and its hash, what is still needed', async () => {
    const id = await hold(ids.groupMembers[0]);
    const { code, out } = await finished('approver', ['approvals', 'show', id]);
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^Approval ${id}  pending`));
    expect(out).toMatch(/Asked by\s+requester, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(out).toMatch(/Held by\s+the rule "groups need an approver": 1 approver approval/);
    expect(out).toMatch(new RegExp(`App\\s+Fabrikam Workspace  ${ids.groupServicePrincipal}`));
    expect(out).toMatch(new RegExp(`Group\\s+\\S.*  ${ids.group}`));
    expect(out).toMatch(new RegExp(`  member\\s+User \\S.*  ${ids.groupMembers[0]}`));
    expect(out).toMatch(/Body\s+sha256 [0-9a-f]{64}/);
    expect(out).toContain(`"objectId": "${ids.group}"`);
    expect(out).toMatch(/Needs\s+1 more approver approval/);
    expect(out).toMatch(/Expires\s+.* UTC \(in (59m\d\ds|1h00m)\)/);
  });

  it("shows the approver, next to the request, the job's health and the subjects' newest log entries", async () => {
    sim.context.service.log.visibilityDelayMs = 0;
    const id = await hold(ids.groupMembers[0]);
    const { out } = await finished('approver', ['approvals', 'show', id]);
    expect(out).toMatch(/Before you decide\n.*Fabrikam Workspace: job .* is active/);
    expect(out).toMatch(/Logs of .*: no entry in this app yet|Logs of .*, newest first:/);
    // Not for the requester, who does not decide: the request as it is, nothing read on its behalf.
    const requester = await finished('requester', ['approvals', 'show', id]);
    expect(requester.out).not.toMatch(/Before you decide/);
  });

  it('approves with a reason; the requester waiting sees the run and exits 0', async () => {
    const id = await hold(ids.groupMembers[1]);
    const waiting = ondemand('requester', ['approvals', 'wait', id]);
    await until('the requester waits', () => waiting.err().includes('waiting for approval'));
    const approved = await finished('approver', ['approvals', 'approve', id, '--reason', 'ticket CHG-1234']);
    expect(approved.code).toBe(0);
    expect(approved.out).toMatch(/Reviews\s+approver approved at .*: ticket CHG-1234/);
    // The approver is told what the run did, not only that the review was taken.
    expect(approved.out).toMatch(/\napproved by you; ran: Success/);
    expect(await waiting.code).toBe(0);
    expect(waiting.out()).toMatch(/^ran: Success/);
  });

  it.each<[string, string, (id: string) => Promise<string[]>, number, RegExp]>([
    [
      'a role the caller lacks',
      'requester',
      async (id) => ['approve', id, '--reason', 'x'],
      5,
      /needs the role approver/,
    ],
    [
      'their own request',
      'admin',
      async () => ['approve', await hold(ids.groupMembers[0], 'admin'), '--reason', 'x'],
      6,
      /own request/,
    ],
    [
      'a decided one',
      'approver-2',
      async (id) => {
        await finished('approver', ['approvals', 'deny', id, '--reason', 'no']);
        return ['approve', id, '--reason', 'x'];
      },
      7,
      /denied/,
    ],
    [
      'one that is not there',
      'approver',
      async () => ['show', 'no-such-id'],
      2,
      /No approval no-such-id that you may see/,
    ],
  ])(
    'refuses a review of %s in one line with its own exit code',
    async (_, principal, args, exitCode, message) => {
      const id = await hold(ids.groupMembers[1]);
      const { code, err } = await finished(principal, ['approvals', ...(await args(id))]);
      expect(code).toBe(exitCode);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(message);
    },
  );

  it('tells a waiting requester what is still needed as each approval comes in', async () => {
    const dir = tempDir('ondemand-two-approvers-');
    const demo = demoConfig(
      { baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId },
      join(dir, 'proxy.sqlite'),
    );
    const policy = {
      rules: [
        {
          name: 'groups need two approvers',
          match: { objectType: ['Group'] },
          decision: 'require_approval',
          approvals: { count: 2, roles: ['approver'], expiresInMinutes: 60 },
        },
      ],
      otherwise: 'deny',
    };
    const twice = await startProxy({
      config: parseConfig({ ...demo.config, policy }),
      ca: sim.caPem!,
      env: { AZURE_CLIENT_SECRET: sim.clientSecret },
      log: () => {},
    });
    try {
      const as = (principal: string) =>
        memoryIo({ env: { ONDEMAND_PROXY_URL: twice.url, ONDEMAND_API_KEY: demo.keys[principal]! } });
      const requester = as('requester');
      const waiting = runCli(
        [
          'provision',
          '--sp',
          ids.groupServicePrincipal,
          '--job',
          ids.groupJob,
          '--rule',
          ids.groupRule,
          '--group',
          ids.group,
        ],
        requester.io,
      );
      const first = await until(
        'the request is held',
        () => /needs 2 more approver approvals/.test(requester.errors()) && requester.errors(),
      );
      const id = /\/approvals\/([^ )]+)/.exec(first)![1]!;
      const approve = async (approver: string) =>
        expect(await runCli(['approvals', 'approve', id, '--reason', 'ok'], as(approver).io)).toBe(0);
      await approve('approver');
      await until('the requester is told one more is needed', () =>
        /needs 1 more approver approval \(1 so far\)/.test(requester.errors()),
      );
      await approve('approver-2');
      expect(await waiting).toBe(0);
      expect(requester.errors()).toMatch(
        /needs 2 more approver approvals[\s\S]*needs 1 more approver approval \(1 so far\)/,
      );
    } finally {
      await twice.stop();
    }
  });

  it('refuses a review of an expired request with exit 8, and tells the requester it expired', async () => {
    let later = 0;
    const dir = tempDir('ondemand-expiry-');
    const demo = demoConfig(
      { baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId },
      join(dir, 'proxy.sqlite'),
    );
    const clocked = await startProxy({
      config: parseConfig(demo.config),
      ca: sim.caPem!,
      env: { AZURE_CLIENT_SECRET: sim.clientSecret },
      log: () => {},
      now: () => new Date(Date.now() + later),
    });
    try {
      const held = await fetch(
        `${clocked.url}/v1.0/servicePrincipals/${ids.groupServicePrincipal}/synchronization/jobs/${ids.groupJob}/provisionOnDemand`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${demo.keys.requester}`, 'content-type': 'application/json' },
          body: JSON.stringify(groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [] })),
        },
      );
      const { id } = (await held.json()) as { id: string };
      later = 2 * 3_600_000;
      const as = (principal: string, args: string[]) => {
        const run = memoryIo({
          env: { ONDEMAND_PROXY_URL: clocked.url, ONDEMAND_API_KEY: demo.keys[principal]! },
        });
        return runCli(args, run.io).then((code) => ({ code, out: run.output(), err: run.errors() }));
      };
      const review = await as('approver', ['approvals', 'approve', id, '--reason', 'late']);
      expect(review.code).toBe(8);
      expect(review.err).toMatch(/expired/);
      const waited = await as('requester', ['approvals', 'wait', id]);
      expect(waited.code).toBe(8);
      expect(waited.out).toMatch(/^expired at .* UTC: nobody approved it in time/);
    } finally {
      await clocked.stop();
    }
  });

  it('tells the requester a denial in a sentence, with exit 9; a withdrawal with exit 10', async () => {
    const denied = await hold(ids.groupMembers[0]);
    await finished('approver', ['approvals', 'deny', denied, '--reason', 'not this quarter']);
    const waited = await finished('requester', ['approvals', 'wait', denied]);
    expect(waited.code).toBe(9);
    expect(waited.out).toBe('denied by approver: not this quarter\n');

    const withdrawn = await hold(ids.groupMembers[1]);
    expect((await finished('requester', ['approvals', 'withdraw', withdrawn])).code).toBe(0);
    const after = await finished('requester', ['approvals', 'wait', withdrawn]);
    expect(after.code).toBe(10);
    expect(after.out).toMatch(/^withdrawn by requester at /);
  });

  it('stops waiting at once on Ctrl-C, saying the request stays pending', async () => {
    const id = await hold(ids.groupMembers[0]);
    const waiting = ondemand('requester', ['approvals', 'wait', id]);
    await until('the requester waits', () => waiting.err().includes('waiting for approval'));
    expect(waiting.interrupt()).toBe(true);
    expect(await waiting.code).toBe(130);
    expect(waiting.err()).toContain(`stopped waiting: approval ${id} stays pending`);
    expect((await finished('requester', ['approvals', 'show', id, '--json'])).out).toContain(
      '"state": "pending"',
    );
  });

  it.each<[string, string[], RegExp]>([
    ['no reason', ['approve', 'x'], /needs --reason TEXT/],
    ['an unknown state', ['--state', 'lost'], /--state is one of pending, approved/],
    ['an unknown command', ['approv', 'x'], /unknown approvals command "approv"/],
    ['no id', ['show'], /approvals show needs the approval's id/],
  ])('refuses %s with exit 2 before calling the proxy', async (_, args, message) => {
    const { code, err } = await finished('approver', ['approvals', ...args]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('says a wrong key is the proxy’s refusal, not the tenant’s (exit 3)', async () => {
    const run = memoryIo({ env: { ONDEMAND_PROXY_URL: proxy.url, ONDEMAND_API_KEY: 'odp_wrong' } });
    expect(await runCli(['approvals'], run.io)).toBe(3);
    expect(run.errors()).toMatch(/the proxy refused the API key .*check --api-key or ONDEMAND_API_KEY/);
  });
});

describe('ondemand provision through the proxy, held for approval', () => {
  const provisionGroup = (member: string) => [
    'provision',
    '--sp',
    ids.groupServicePrincipal,
    '--job',
    ids.groupJob,
    '--rule',
    ids.groupRule,
    '--group',
    ids.group,
    '--member',
    member,
  ];

  it('waits, says the request stays pending on Ctrl-C, and exits 130', async () => {
    const run = ondemand('requester', provisionGroup(ids.groupMembers[1]));
    await until('it waits for approval', () => run.err().includes('waiting for approval'));
    expect(run.err()).toMatch(/needs 1 more approver approval; Ctrl-C stops waiting/);
    run.interrupt();
    expect(await run.code).toBe(130);
    expect(run.err()).toMatch(/stopped waiting: approval \S+ stays pending/);
  });

  it('exits 9 with the approver’s reason when it is denied', async () => {
    const run = ondemand('requester', provisionGroup(ids.groupMembers[0]));
    const id = await until('it waits for approval', () => /approvals\/([0-9a-f-]{36})/.exec(run.err())?.[1]);
    await finished('approver', ['approvals', 'deny', id, '--reason', 'not this quarter']);
    expect(await run.code).toBe(9);
    expect(run.err()).toMatch(/denied by approver: not this quarter/);
  });
});

describe('ondemand audit', () => {
  it('prints a table with names where the approvals know them; --json one entry per line; filters', async () => {
    const table = await finished('auditor', ['audit', '--action', 'decision']);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.out.trim().split('\n');
    expect(header).toMatch(/^TIME\s+PRINCIPAL\s+ACTION\s+APP\s+SUBJECT\s+OUTCOME$/);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => /\sdecision\s/.test(row))).toBe(true);
    expect(rows.some((row) => row.includes('Fabrikam Workspace') && row.includes('require_approval'))).toBe(
      true,
    );
    const json = await finished('auditor', ['audit', '--since', '1h', '--json']);
    const entries = json.out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(entries.map((entry) => entry.seq)).toEqual(
      [...entries.map((entry) => entry.seq)].sort((a, b) => a - b),
    );
    expect((await finished('auditor', ['audit', '--action', 'nope'])).err).toMatch(
      /--action is one of request/,
    );
    expect((await finished('auditor', ['audit', '--since', 'yesterday'])).code).toBe(2);
    expect((await finished('requester', ['audit'])).code).toBe(5);
  });

  it('fits 80 columns without cutting an outcome: two lines an entry, review rows with their approval', async () => {
    const id = await hold(ids.groupMembers[1]);
    await finished('approver', ['approvals', 'deny', id, '--reason', 'not this quarter']);
    const run = memoryIo({ env: { ONDEMAND_PROXY_URL: proxy.url, ONDEMAND_API_KEY: keys.auditor! } });
    Object.assign(run.io.stdout, { isTTY: true, columns: 80 });
    expect(await runCli(['audit', '--plain', '--action', 'review'], run.io)).toBe(0);
    const lines = run.output().split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(run.output()).toMatch(
      new RegExp(`approver\\s+review\\s+deny: not this quarter · approval ${id.slice(0, 8)}\\n`),
    );
  });

  it('names the app and subjects of direct calls too, from the directory’s answer the proxy kept', async () => {
    const direct = await fetch(
      `${proxy.url}/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.requester}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          parameters: [
            { ruleId: ids.saasRule, subjects: [{ objectId: ids.saasUser, objectTypeName: 'User' }] },
          ],
        }),
      },
    );
    expect(direct.status).toBe(200);
    const audit = await finished('auditor', ['audit', '--plain', '--action', 'request']);
    expect(audit.out).toMatch(/Contoso Expenses \(SCIM\)\s+User Bill Bob/);
    expect(audit.out).not.toContain(`User ${ids.saasUser}`);
  });

  it('follows new entries from now until Ctrl-C, not the whole log first', async () => {
    const before = await hold(ids.groupMembers[0]);
    await finished('requester', ['approvals', 'withdraw', before]);
    const run = ondemand('auditor', ['audit', '--follow', '--action', 'withdrawn']);
    await until('the header is printed', () => run.out().startsWith('TIME'));
    const id = await hold(ids.groupMembers[0]);
    await finished('requester', ['approvals', 'withdraw', id]);
    await until('the withdrawal is followed', () => run.out().includes(`approval ${id.slice(0, 8)}`));
    run.interrupt();
    expect(await run.code).toBe(130);
    expect(run.out()).not.toContain(`approval ${before.slice(0, 8)}`);
  });

  it('verifies through the proxy and, offline, from the database: the same verdict', async () => {
    const online = await finished('auditor', ['audit', 'verify']);
    expect(online.code).toBe(0);
    expect(online.err).toMatch(/^the audit log is intact: \d+ entries/);
    const offline = await finished('auditor', ['audit', 'verify', '--database', database]);
    expect(offline.code).toBe(0);
    expect(offline.err).toMatch(/^the audit log is intact: \d+ entries/);
    const missing = await finished('auditor', ['audit', 'verify', '--database', join(database, 'nope')]);
    expect(missing.code).toBe(2);
  });
});

describe('what a requester sends reaches an auditor’s terminal as text, never as commands', () => {
  it('shows escape sequences in a path and a reason as visible escapes in audit and approvals show', async () => {
    // Any key holder: a path with a clipboard write (OSC 52) and a clear screen, and a hostile reason.
    const osc52 = '%1B]52;c;SGVsbG8=%07';
    await fetch(`${proxy.url}/v1.0/servicePrincipals/x${osc52}%1B[2J/synchronization`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${keys.requester}` },
    });
    const id = await hold(ids.groupMembers[1]!);
    await finished('approver', [
      'approvals',
      'deny',
      id,
      '--reason',
      'no\u001b[2J\u001b]52;c;SGk=\u0007 \u009b31m',
    ]);

    const ESCAPES = /[\u001b\u0007\u009b]/;
    const audit = await finished('auditor', ['audit', '--plain']);
    expect(audit.code).toBe(0);
    expect(audit.out).not.toMatch(ESCAPES);
    expect(audit.out).toContain('\\u001b]52;c;SGVsbG8=\\u0007');
    const shown = await finished('auditor', ['approvals', 'show', id]);
    expect(shown.out).not.toMatch(ESCAPES);
    expect(shown.out).toContain('no\\u001b[2J\\u001b]52;c;SGk=\\u0007 \\u009b31m');
    // Machines get the record as it is: JSON escapes what it must.
    const json = await finished('auditor', ['approvals', 'show', id, '--json']);
    expect(JSON.parse(json.out).reviews[0].reason).toBe('no\u001b[2J\u001b]52;c;SGk=\u0007 \u009b31m');
  });
});
