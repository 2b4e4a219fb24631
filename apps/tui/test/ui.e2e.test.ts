import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { until } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { afterEach, describe, expect, it } from 'vitest';
import { Terminal } from './terminal.js';

const cli = fileURLToPath(new URL('../dist/bin/cli.js', import.meta.url));
let terminal: Terminal | undefined;
afterEach(() => terminal?.close());

describe('the interactive ondemand in a real 80×24 terminal', { tags: ['e2e'] }, () => {
  it('connects to the simulator, picks, provisions, shows the steps, provisions again to a skip, and quits cleanly', async () => {
    terminal = Terminal.start(`node ${cli} --simulate`, { env: { NO_COLOR: '1' } });
    await terminal.waitFor(/simulator \(embedded\)/);
    await terminal.waitFor(/❯ Contoso Expenses \(SCIM\)/);
    terminal.keys('Enter');
    await terminal.waitFor(/Provision a user/);
    // Backspace as a real terminal sends it (DEL) erases the typo.
    terminal.type('biancx');
    await terminal.waitFor(/Search: biancx/);
    terminal.keys('BSpace');
    await terminal.waitFor(/Search: bianc(?!x)/);
    terminal.type('a');
    await terminal.waitFor(/❯ Bianca Vance/);
    terminal.keys('Enter');
    const created = await terminal.waitFor(/Success: Create of bianca/);
    expect(created).toMatch(/✓ Import/);
    expect(created).toMatch(/✓ Export/);
    expect(created).toMatch(/displayName\s+\(none\) → Bianca Vance/);
    expect(created).toMatch(/4 of 5 calls left in this window/);
    for (const line of created.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    // Every key of the result is listed, none cut off at 80 columns: the help bar takes two lines.
    expect(created).toMatch(/p provision again · n new subject · ↑↓ scroll · j answer · d all details\n/);
    expect(created).toMatch(/s save · w why · l job & logs · h history · a apps · Esc back · q quit/);

    terminal.keys('p');
    const skipped = await terminal.waitFor(/Skipped: RedundantExport/);
    expect(skipped).toMatch(/– Export/);
    // A skip's properties are the values Graph compared, not changes.
    expect(skipped).toMatch(/Values compared, nothing written \(5\)/);
    expect(skipped).not.toMatch(/Modified properties/);
    terminal.keys('h');
    await terminal.waitFor(/This session's provisions \(2\)/);
    terminal.keys('q');
    const after = await terminal.waitFor(/\[exited \d+\]/);
    expect(after).toContain('[exited 0]');
  }, 60_000);

  it('w on a result answers why for that user and app at 80×24: assignment, scope, job, logs, what to do; Esc goes back', async () => {
    terminal = Terminal.start(`node ${cli} --simulate`, { env: { NO_COLOR: '1' } });
    await terminal.waitFor(/❯ Contoso Expenses \(SCIM\)/);
    terminal.keys('Enter');
    await terminal.waitFor(/Provision a user/);
    terminal.type('bianca');
    await terminal.waitFor(/❯ Bianca Vance/);
    terminal.keys('Enter');
    await terminal.waitFor(/Success: Create of bianca/);
    terminal.keys('w');
    const why = await terminal.waitFor(/What to do:/);
    expect(why).toMatch(/Why: Bianca Vance in Contoso Expenses \(SCIM\)/);
    expect(why).toMatch(/✓ assigned/);
    expect(why).toMatch(/✓ scoping filter: none/);
    expect(why).toMatch(/✓ job active/);
    // Graph writes the entry minutes after the call: said, not guessed.
    expect(why).toMatch(/\? no log entry for them here yet/);
    expect(why).toMatch(/Esc, then p, provisions them on demand now\./);
    expect(why).toMatch(/↑↓ scroll · r read again · Esc back · q quit/);
    for (const line of why.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    terminal.keys('Escape');
    await terminal.waitFor(/Success: Create of bianca/);
    terminal.keys('q');
    expect(await terminal.waitFor(/\[exited \d+\]/)).toContain('[exited 0]');
  }, 60_000);

  it('a name and Enter typed in one read pick what was typed, in the app list and the user search', async () => {
    terminal = Terminal.start(`node ${cli} --simulate`, { env: { NO_COLOR: '1' } });
    await terminal.waitFor(/❯ Contoso Expenses \(SCIM\)/);
    // One write each, as a paste or a fast typist sends it: the rows on screen answer the empty search.
    terminal.type('fab\r');
    await terminal.waitFor(/Fabrikam Workspace[\s\S]*Provision a user|Pick the job|Pick the rule/);
    while (!/Provision a user/.test(terminal.screen())) {
      terminal.keys('Enter');
      await terminal.waitFor(/Provision a user|Pick the (job|rule)/);
    }
    await terminal.waitFor(/❯ Alex Vance/);
    terminal.type('zoe\r');
    const nobody = await terminal.waitFor(/no user matches "zoe"/);
    expect(nobody).not.toMatch(/provisioning|Success|Skipped/);
    for (let erase = 0; erase < 3; erase++) terminal.keys('BSpace');
    await terminal.waitFor(/❯ Alex Vance/);
    terminal.type('wen\r');
    const result = await terminal.waitFor(/(Success|Skipped|Failure)\S*:/);
    expect(result).toMatch(/wen\.vance@contoso/i);
    expect(result).not.toMatch(/alex\.vance/i);
  }, 60_000);

  it('q while a call waits for the rate window quits at once and says nothing was sent (exit 130)', async () => {
    terminal = Terminal.start(`node ${cli} --simulate --rate-limit 1/60000`, { env: { NO_COLOR: '1' } });
    await terminal.waitFor(/❯ Contoso Expenses \(SCIM\)/);
    terminal.keys('Enter');
    await terminal.waitFor(/❯ Alex Vance/);
    terminal.keys('Enter');
    await terminal.waitFor(/p provision again/);
    terminal.keys('p');
    await terminal.waitFor(/waiting for the rate window\s+\(nothing sent yet\)/);
    terminal.keys('q');
    const after = await terminal.waitFor(/\[exited \d+\]/, 3_000);
    expect(after).toMatch(/quit: the call was waiting for the rate window and was not sent/);
    expect(after).toContain('[exited 130]');
  }, 60_000);

  it('Esc while a call waits for the rate window cancels it: nothing is sent, and it says so', async () => {
    terminal = Terminal.start(`node ${cli} --simulate --rate-limit 1/60000`, { env: { NO_COLOR: '1' } });
    await terminal.waitFor(/❯ Contoso Expenses \(SCIM\)/);
    terminal.keys('Enter');
    await terminal.waitFor(/❯ Alex Vance/);
    terminal.keys('Enter');
    await terminal.waitFor(/p provision again/);
    terminal.keys('p');
    await terminal.waitFor(/Esc cancel \(not sent yet\)/);
    terminal.keys('Escape');
    const cancelled = await terminal.waitFor(
      /cancelled: the call was waiting for the rate window and was not sent/,
    );
    // The window still holds the one call that was sent, and nothing waits for it any more (the
    // status line is redrawn on its own beat: waited for, not read at the moment of the cancel).
    expect(cancelled).toMatch(/0 of 1 calls left in this window/);
    const settled = await terminal.waitFor(/0 of 1 calls left in this window; next in \d+ s *\n/);
    expect(settled).not.toMatch(/· \d+ waiting/);
    // Back where the call was asked for (the subject search takes letters, so Ctrl-C leaves).
    expect(cancelled).toMatch(/Provision a user/);
    await terminal.waitFor(/❯ Alex Vance/);
    terminal.keys('C-c');
    const after = await terminal.waitFor(/\[exited \d+\]/, 3_000);
    expect(after).not.toMatch(/quit: the call/);
    expect(after).toContain('[exited 130]');
  }, 60_000);

  it('the result fills the screen; d shows all details from the top; j shows the answer wrapped; Ctrl-C exits 130', async () => {
    terminal = Terminal.start(`node ${cli} --simulate`, { env: { NO_COLOR: '1' } });
    await terminal.waitFor(/❯ Contoso Expenses \(SCIM\)/);
    terminal.keys('Enter');
    await terminal.waitFor(/❯ Alex Vance/);
    terminal.keys('Enter');
    const result = await terminal.waitFor(/lines 1–15 of \d+/);
    // Every row between the title and the help bar is used: 15 lines of the result, no gap.
    const rows = result.split('\n');
    const shown = rows.findIndex((row) => /^lines 1–15/.test(row));
    expect(rows.slice(shown - 15, shown).filter((row) => row.trim() === '')).toHaveLength(2);
    for (let step = 0; step < 3; step++) terminal.keys('Down');
    await terminal.waitFor(/lines 4–18 of \d+/);
    terminal.keys('d');
    const details = await terminal.waitFor(/d fewer details/);
    expect(details).toMatch(/lines 1–15 of \d+/);
    expect(details).toMatch(/objectId: /);
    terminal.keys('j');
    const answer = await terminal.waitFor(/j steps/);
    // The decoded answer, its long lines wrapped under their key and the indent of each kept.
    expect(answer).toMatch(/^ {2}"@odata\.context":$/m);
    expect(answer).toMatch(/^ {2}"key": \{$/m);
    for (const line of answer.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    terminal.keys('C-c');
    expect(await terminal.waitFor(/\[exited \d+\]/, 3_000)).toContain('[exited 130]');
  }, 60_000);

  it('a distinguished name typed for an AD job is still there after Esc from its result', async () => {
    terminal = Terminal.start(`node ${cli} --simulate`, { env: { NO_COLOR: '1' } });
    await terminal.waitFor(/❯ Contoso Expenses \(SCIM\)/);
    terminal.type('chicago\r');
    await terminal.waitFor(/DN: {2}\(CN=/);
    terminal.type('CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com\r');
    await terminal.waitFor(/Success: \w+ of adelev@/);
    terminal.keys('Escape');
    const back = await terminal.waitFor(/Enter provision · Esc back/);
    expect(back).toMatch(/^DN: CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com$/m);
  }, 60_000);

  it('a users-only job offers no groups, a full name finds its user, and a group is provisioned with a member found by a search with a space', async () => {
    terminal = Terminal.start(`node ${cli} --simulate`, { env: { NO_COLOR: '1' } });
    await terminal.waitFor(/❯ Contoso Expenses \(SCIM\)/);
    terminal.keys('Enter');
    const usersOnly = await terminal.waitFor(/Provision a user \(the rule maps users only\)/);
    expect(usersOnly).not.toMatch(/Tab group instead/);
    terminal.keys('Tab');
    terminal.type('diego vance');
    const found = await terminal.waitFor(/Search: diego vance[\s\S]*❯ Diego Vance/);
    expect(found).not.toMatch(/Alex Vance/);
    terminal.keys('Escape');
    await terminal.waitFor(/Pick the app/);
    terminal.type('fab\r');
    await terminal.waitFor(/Provision a user/);
    terminal.keys('Tab');
    await terminal.waitFor(/Provision a group[\s\S]*❯ Project Falcon/);
    terminal.keys('Enter');
    await terminal.waitFor(/Members of .* to provision with it/);
    terminal.type('group m');
    const typed = await terminal.waitFor(/Search: group m[\s\S]*❯ \[ \] Group Member 1/);
    expect(typed).not.toMatch(/\[x\]|Alex Vance/);
    terminal.keys('Tab');
    await terminal.waitFor(/❯ \[x\] Group Member 1/);
    terminal.keys('Enter');
    const provisioned = await terminal.waitFor(
      /Project Falcon \+ 1 member → Fabrikam Workspace[\s\S]*✓ Success/,
    );
    expect(provisioned).toMatch(/each object's\s+steps are in the provisioning logs/);
  }, 60_000);

  it('quits within a second when q is pressed while it is still connecting, and leaves nothing behind', async () => {
    const temporary = tempDir('ondemand-quit-');
    terminal = Terminal.start(`node ${cli} --simulate`, { env: { NO_COLOR: '1', TMPDIR: temporary } });
    await terminal.waitFor(/connecting…/, 10_000);
    terminal.keys('q');
    const after = await terminal.waitFor(/\[exited \d+\]/, 3_000);
    expect(after).toContain('[exited 0]');
    expect(readdirSync(temporary)).toEqual([]);
  }, 30_000);

  it('leaves nothing behind when its terminal is closed under it (SIGHUP) with the simulator running', async () => {
    const temporary = tempDir('ondemand-hangup-');
    const closing = Terminal.start(`node ${cli} --simulate`, { env: { NO_COLOR: '1', TMPDIR: temporary } });
    await closing.waitFor(/❯ Contoso Expenses/);
    expect(readdirSync(temporary)).not.toEqual([]);
    closing.close();
    await until('the simulator’s folder is removed', () => readdirSync(temporary).length === 0, 3_000);
  }, 30_000);

  it('exits 129 on SIGHUP, as the README says, and removes the simulator’s folder', async () => {
    const temporary = tempDir('ondemand-hangup-code-');
    terminal = Terminal.start(`node ${cli} --simulate`, { env: { NO_COLOR: '1', TMPDIR: temporary } });
    await terminal.waitFor(/❯ Contoso Expenses/);
    terminal.signal('SIGHUP');
    expect(await terminal.waitFor(/\[exited \d+\]/, 3_000)).toContain('[exited 129]');
    expect(readdirSync(temporary)).toEqual([]);
  }, 30_000);

  it('asks how to connect when started without flags, and refuses a non-terminal', async () => {
    terminal = Terminal.start(`node ${cli}`);
    await terminal.waitFor(/Connect to/);
    expect(terminal.screen()).toMatch(/❯ Simulator/);
    // The proxy's form asks for the CA that signs it, as --ca does, and says nothing is connected yet.
    terminal.keys('Down', 'Down');
    await terminal.waitFor(/❯ ondemand proxy/);
    terminal.keys('Enter');
    const form = await terminal.waitFor(/CA file \(empty: the system CAs\)/);
    expect(form.split('\n')[0]).toMatch(/not connected/);
    terminal.keys('C-c');
    expect(await terminal.waitFor(/\[exited \d+\]/)).toMatch(/\[exited (0|130)\]/);
  }, 30_000);
});
