import { fileURLToPath } from 'node:url';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { simulatorFlags } from './simulator-flags.js';
import { Terminal } from './terminal.js';

const cli = fileURLToPath(new URL('../dist/bin/cli.js', import.meta.url));
let sim: RunningSimulator;
let terminal: Terminal | undefined;
beforeAll(async () => {
  sim = await startSimulator();
});
afterEach(() => terminal?.close());
afterAll(() => sim.stop());

describe('the job screen in a real 80×24 terminal', { tags: ['e2e'] }, () => {
  it('l on a result shows the job’s quarantine and its newest log entries; f narrows them; hostile names stay text', async () => {
    const { context } = sim;
    const job = context.tenant.job(ids.saasServicePrincipal, ids.saasJob)!;
    // A directory name a requester could have set, with escape sequences and a bidi override.
    const user = [...context.tenant.users.values()].find((each) => each.displayName === 'Bianca Vance')!;
    user.displayName = 'Bianca Mallory\u001b]0;owned\u0007\u202eVance';
    // The logs are visible at once here (Graph: minutes); the app's credentials stop working.
    context.service.log.visibilityDelayMs = 0;
    context.service.steering(job).credentialsExpired = true;
    context.service.runCycle(job);

    terminal = Terminal.start(`node ${cli} ${simulatorFlags(sim).join(' ')}`, {
      env: { NO_COLOR: '1', AZURE_CLIENT_SECRET: sim.clientSecret },
    });
    await terminal.waitFor(/❯ Contoso Expenses \(SCIM\)/);
    terminal.keys('Enter');
    await terminal.waitFor(/Provision a user/);
    terminal.type('bianca');
    await terminal.waitFor(/❯ Bianca Mallory/);
    terminal.keys('Enter');
    await terminal.waitFor(/ job & logs/);
    terminal.keys('l');
    const screen = await terminal.waitFor(/Job \S+ of Contoso Expenses \(SCIM\)[\s\S]*[Qq]uarantine/);
    expect(screen).toMatch(/credentials for the target app were not valid/);
    expect(screen).toMatch(/f failures only · r read again · Esc back · q quit/);
    for (const line of screen.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    // To the log part: the end, then up to its heading.
    terminal.keys('End');
    await terminal.waitFor(/lines \d+–(\d+) of \1/);
    for (let up = 0; up < 4; up++) terminal.keys('Up');
    const entries = await terminal.waitFor(/Newest log entries[\s\S]*Bianca Mallory/);
    expect(entries).not.toMatch(/[\u001b\u0007\u202e]/);

    terminal.keys('f');
    await terminal.waitFor(/lines 1–\d+ of \d+[\s\S]*f skips only · r read again/);
    terminal.keys('End');
    await terminal.waitFor(/lines \d+–(\d+) of \1/);
    for (let up = 0; up < 4; up++) terminal.keys('Up');
    await terminal.waitFor(/Newest failure entries[\s\S]*Bianca Mallory/);
    terminal.keys('Escape');
    await terminal.waitFor(/ job & logs/);
    terminal.keys('q');
    expect(await terminal.waitFor(/\[exited \d+\]/)).toContain('[exited 0]');
  }, 60_000);
});
