import { fileURLToPath } from 'node:url';
import type { RunningProxy } from '@ondemand/proxy';
import { documentedIds as ids } from '@ondemand/simulator';
import { until } from '@ondemand/test-utils';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DemoProxy, startDemoProxy } from './demo-proxy.js';
import { Terminal } from './terminal.js';

const cli = fileURLToPath(new URL('../dist/bin/cli.js', import.meta.url));
let proxy: RunningProxy;
let keys: Record<string, string>;
const terminals: Terminal[] = [];

let demo: DemoProxy;

beforeAll(async () => {
  demo = await startDemoProxy('ondemand-approvals-e2e-');
  ({ proxy, keys } = demo);
});
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});
afterAll(async () => {
  await demo.stop();
});

/** The built `ondemand` in an 80×24 tmux terminal, as `principal`. */
function ondemandAs(principal: string, args: string): Terminal {
  const terminal = Terminal.start(`node ${cli} ${args}`, {
    env: { NO_COLOR: '1', ONDEMAND_PROXY_URL: proxy.url, ONDEMAND_API_KEY: keys[principal]! },
  });
  terminals.push(terminal);
  return terminal;
}

const provisionGroup = (member: string) =>
  `provision --sp ${ids.groupServicePrincipal} --job ${ids.groupJob} --rule '${ids.groupRule}' --group ${ids.group} --member ${member}`;

describe('approvals end to end in real 80×24 terminals', { tags: ['e2e'] }, () => {
  it('an approver approves a held group request in the inbox; the requester’s waiting command prints the result', async () => {
    const requester = ondemandAs('requester', provisionGroup(ids.groupMembers[0]));
    await requester.waitFor(/waiting for approval: .*\/approvals\//);

    const approver = ondemandAs('approver', 'approvals');
    const inbox = await approver.waitFor(
      /Approvals · pending \(1\)[\s\S]*❯ .*requester\s+Fabrikam Workspace · Group/,
    );
    for (const line of inbox.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    approver.keys('Enter');
    await approver.waitFor(/Held by\s+the rule "groups need an approver"/);
    // Under the request, for whoever may decide it: the job's health and the subjects' logs.
    // It is read after the request shows: End again until it is there.
    await until('the job and the logs are under the request', () => {
      approver.keys('End');
      return /Before you decide[\s\S]*(Logs of|no entry in this app yet)/.test(approver.screen());
    });
    approver.keys('a');
    await approver.waitFor(/Why \(it goes into the audit log\):/);
    approver.type('ticket CHG-1234');
    approver.keys('Enter');
    await approver.waitFor(/ran: (Success|Skipped)/);

    const done = await requester.waitFor(/\[exited \d+\]/);
    expect(done).toMatch(/^(Success|Skipped)/m);
    expect(done).toContain('[exited 0]');
    approver.keys('q');
    expect(await approver.waitFor(/\[exited \d+\]/)).toContain('[exited 0]');
  }, 60_000);

  it('a restart the proxy holds waits for an approver, who sees it as a job action; it then runs once', async () => {
    const requester = ondemandAs(
      'requester',
      `jobs restart --sp ${ids.saasServicePrincipal} --job ${ids.saasJob} --preset forget-failures --yes`,
    );
    await requester.waitFor(/waiting for approval: .*\/approvals\//);

    const approver = ondemandAs('approver', 'approvals');
    await approver.waitFor(/Approvals · pending \(1\)[\s\S]*❯ .*requester\s+.*Job: restart Escrows/);
    approver.keys('Enter');
    await approver.waitFor(/Held by\s+the rule "job restarts need an approver"/);
    expect(approver.screen()).toMatch(/Action\s+restart Escrows\n\s+Escrows: failures kept for retry/);
    approver.keys('a');
    await approver.waitFor(/Why \(it goes into the audit log\):/);
    approver.type('forgetting the old failures, ticket CHG-77');
    approver.keys('Enter');
    await approver.waitFor(/ran: Graph answered 204/);

    const done = await requester.waitFor(/\[exited \d+\]/);
    expect(done).toMatch(/Restarted\. Now:/);
    expect(done).toContain('[exited 0]');
    approver.keys('q');
    await approver.waitFor(/\[exited \d+\]/);
  }, 60_000);

  it('the requester’s UI stops waiting at once on q, says the request stays pending, and exits 130', async () => {
    const requester = ondemandAs('requester', `--proxy ${proxy.url}`) /* its key from the environment */;
    await requester.waitFor(/❯ /);
    requester.type('fabrikam');
    await requester.waitFor(/Search: fabrikam[\s\S]*❯ Fabrikam Workspace/);
    requester.keys('Enter');
    await requester.waitFor(/Provision a user/);
    requester.keys('Tab');
    await requester.waitFor(/Provision a group[\s\S]*❯ Project Falcon/);
    requester.keys('Enter');
    await requester.waitFor(/Members of .* to provision with it/);
    requester.keys('Enter');
    await requester.waitFor(/waiting for approval/);
    expect(requester.screen()).toMatch(/w withdraw · Esc stop waiting · q stop waiting and quit/);
    requester.keys('q');
    const after = await requester.waitFor(/\[exited \d+\]/, 5_000);
    expect(after).toMatch(/stopped waiting: approval \S+ stays pending/);
    expect(after).toContain('[exited 130]');
  }, 60_000);

  it('the requester’s UI shows the whole proxy address, and u on a result says the log needs the auditor role', async () => {
    const requester = ondemandAs('requester', `--proxy ${proxy.url}`);
    const apps = await requester.waitFor(/❯ Contoso Expenses/);
    expect(apps.split('\n')[0]).toContain(`proxy · ${proxy.url}`);
    requester.keys('Enter');
    await requester.waitFor(/❯ Alex Vance/);
    requester.keys('Enter');
    await requester.waitFor(/u audit/);
    requester.keys('u');
    const refused = await requester.waitFor(/✗ Reading the audit log needs the role auditor/);
    expect(refused).not.toMatch(/no entries match|0 entries/);
  }, 60_000);

  it('an auditor’s log at 80 columns shows what came of each row, and the action filter is a list to pick from', async () => {
    await demo.hold(ids.groupMembers[1]!);
    const auditor = ondemandAs('auditor', 'audit');
    const log = await auditor.waitFor(/✓ chain intact[\s\S]*decision\s+require_approval/);
    for (const line of log.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    // The decision row leads with the decision, so the 80th column cuts the subject, not the outcome.
    expect(log).toMatch(/decision\s+require_approval · rule "groups need an appro/);
    auditor.keys('a');
    const actions = await auditor.waitFor(/❯ every action[\s\S]*forbidden/);
    expect(actions).toMatch(/Enter pick · Esc cancel/);
    auditor.keys('Down', 'Down', 'Enter');
    const decisions = await auditor.waitFor(/Audit log · action decision · all time/);
    expect(decisions).not.toMatch(/ request +Fabrikam/);
  }, 60_000);
});
