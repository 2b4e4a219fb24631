import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { documentedIds as ids } from '@ondemand/simulator';
import Database from 'better-sqlite3';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './demo-proxy.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** Where the screenshots go: the README's pictures when asked (CONSOLE_SCREENSHOTS=dir), else a temporary folder. */
const shots = process.env.CONSOLE_SCREENSHOTS ?? join(tempDir('ondemand-console-shots-'), 'shots');

let child: ChildProcess;
let ready: {
  url: string;
  console: string;
  database: string;
  simulator: string;
  simulatorCaFile: string;
  simulatorControlToken: string;
};
let browser: Browser;
const hostile = `Ticket <script>alert(1)</script> \u001b]0;owned\u0007 \u202eevil\u202c ${'x'.repeat(300)}`;
/** What a requester may write: markup, a bidi override, a very long word; no control character. */
const readable = `Ticket <script>alert(1)</script> "quoted" & \u202eevil\u202c ${'x'.repeat(300)}`;

beforeAll(async () => {
  // Missing, it fails loudly with what to do (never skips): CI installs it.
  if (!existsSync('/usr/bin/chromium'))
    throw new Error(
      "the console's browser tests need Debian's Chromium at /usr/bin/chromium: apt-get install -y chromium (bash .ci/run does it)",
    );
  mkdirSync(shots, { recursive: true });
  const database = join(tempDir('ondemand-console-'), 'proxy.sqlite');
  // The real command, as people run it: ./bin/ondemand-proxy --simulate.
  child = spawn(process.execPath, [cli, '--simulate', '--database', database], {
    // Its access log is not the test's output.
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, TMPDIR: dirname(database) },
  });
  ready = JSON.parse(
    await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)),
  );
  // Debian's Chromium; nothing downloads a browser, and nothing on the page reaches the network.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--disable-background-networking', '--no-sandbox'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  // Stopped, and waited for: its files are removed with the folder only once it has let them go.
  const exited = new Promise((resolve) => child?.once('exit', resolve));
  child?.kill('SIGTERM');
  await exited;
});

/** A browser of one's own, signed in as the demo person holding `role` (the simulator's sign-in page). */
async function signedIn(role: string, options: { bypassCSP?: boolean; nth?: number } = {}) {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1100, height: 800 },
    ...(options.bypassCSP ? { bypassCSP: true } : {}),
  });
  const page = await context.newPage();
  await page.goto(ready.console);
  await page.getByRole('heading', { name: /Sign in to ondemand console/ }).waitFor();
  await page
    .locator('li', { hasText: new RegExp(`· ${role}\\b`) })
    .nth(options.nth ?? 0)
    .getByRole('button')
    .click();
  await page.getByRole('heading', { name: 'Approvals' }).waitFor();
  return { context, page };
}

/** The request form filled for the demo's group and one member, with `reason`, and sent. */
async function requestGroup(form: Page, reason: string) {
  await form.getByLabel('App (service principal object id)').fill(ids.groupServicePrincipal);
  await form.getByLabel('Job id', { exact: true }).fill(ids.groupJob);
  await form.getByLabel('Rule id', { exact: true }).fill(ids.groupRule);
  await form.getByRole('radio', { name: 'a group' }).check();
  await form.getByLabel('Object id', { exact: true }).fill(ids.group);
  await form.getByLabel(/Members/).fill(ids.groupMembers[0]);
  await form.getByLabel(/Why/).fill(reason);
  await form.getByRole('button', { name: 'Request' }).click();
}

/** How many provisionOnDemand calls the proxy's simulator has received (its control API). */
async function receivedByGraph(): Promise<number> {
  const answer = await request(`${ready.simulator}/_sim/stats`, {
    dispatcher: new Agent({ connect: { ca: readFileSync(ready.simulatorCaFile, 'utf8') } }),
    headers: { authorization: `Bearer ${ready.simulatorControlToken}` },
  });
  return ((await answer.body.json()) as { provisionOnDemand: { received: number } }).provisionOnDemand
    .received;
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: Array<{ id: string; impact: string | null; help: string }>;
  };
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help}`);
}

describe('the console in a real browser', { tags: ['e2e'] }, () => {
  let requester: { context: BrowserContext; page: Page };
  let approver: { context: BrowserContext; page: Page };
  let approvalUrl: string;

  it('a requester asks for a group; an approver sees it arrive without reloading and approves it; the requester sees the result', async () => {
    approver = await signedIn('approver');
    await approver.page.getByRole('heading', { name: /Waiting for your decision \(0\)/ }).waitFor();

    requester = await signedIn('requester');
    await requester.page.getByRole('link', { name: 'Request' }).click();
    const form = requester.page;
    // A reason holding an escape sequence is refused, said in plain words; nothing is recorded.
    await requestGroup(form, hostile.slice(0, 400));
    await form
      .getByText(/Why holds a control character \(U\+001B\) at position \d+: write plain text\./)
      .waitFor();
    await requestGroup(form, readable);
    await form.getByText('the rule "groups need an approver"').waitFor();
    approvalUrl = form.url();
    expect(approvalUrl).toMatch(/\/console\/approvals\/[0-9a-f-]{36}$/);
    // Nobody decides their own request: no button, and the page says why.
    expect(await form.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await form
      .getByText(/You cannot approve or deny this: nobody approves or denies their own request/)
      .waitFor();
    // The requester's reason is text: the script is shown, not run, and no control character is kept.
    // The reason is text: the markup shown, not run; the bidi override shown as an escape, not obeyed.
    const reason = await form.locator('dd', { hasText: 'Ticket' }).textContent();
    expect(reason).toContain('<script>alert(1)</script>');
    expect(reason).toContain('\\u202e');
    expect(reason).not.toContain('\u202e');
    await form.screenshot({ path: join(shots, 'console-approval-requester.png'), fullPage: true });
    // Forced past the page (the form posted by hand, with this session's token): refused, and why.
    const csrf = await form.locator('input[name="csrf"]').first().inputValue();
    const forced = await form.evaluate(
      async ({ url, csrf }) => {
        const answer = await fetch(`${url}/review`, {
          method: 'POST',
          body: new URLSearchParams({ csrf, decision: 'approve', reason: 'mine' }),
        });
        return { status: answer.status, text: await answer.text() };
      },
      { url: approvalUrl, csrf },
    );
    expect(forced.status).toBe(403);
    expect(forced.text).toMatch(/nobody approves or denies their own request/);

    // The approver's inbox shows it without a reload (the live list).
    const row = approver.page.getByRole('link', { name: /Group Project Falcon \+ 1 member/ });
    await row.waitFor({ timeout: 10_000 });
    await approver.page.screenshot({ path: join(shots, 'console-inbox.png'), fullPage: true });
    await row.click();
    // Beside the request: the job's health and the subjects' newest log entries.
    await approver.page.getByRole('heading', { name: 'Before you decide' }).waitFor();
    expect(await approver.page.locator('.context').textContent()).toMatch(/The job is\s+active/);
    await approver.page.screenshot({ path: join(shots, 'console-approval-approver.png'), fullPage: true });
    // Keyboard only: Tab to the reason, type it, Tab to Approve, Enter.
    for (let presses = 0; presses < 60; presses++) {
      if ((await approver.page.evaluate('document.activeElement && document.activeElement.id')) === 'reason')
        break;
      await approver.page.keyboard.press('Tab');
    }
    await approver.page.keyboard.type('Falcon needs its workspace, CHG-42');
    await approver.page.keyboard.press('Tab');
    expect(await approver.page.evaluate('document.activeElement.textContent')).toBe('Approve');
    await approver.page.keyboard.press('Enter');
    await approver.page.getByText('Approved: it runs now.').waitFor();

    // The requester's page shows what the run did once it has run.
    for (let tries = 0; tries < 20; tries++) {
      await requester.page.reload();
      if ((await requester.page.locator('.state').first().textContent()) === 'completed') break;
      await requester.page.waitForTimeout(250);
    }
    await requester.page.getByText('Graph answered').waitFor();
    expect(await requester.page.locator('.state').first().textContent()).toBe('completed');
  }, 60_000);

  it('lets a requester withdraw their own request, and refuses a form without its CSRF token', async () => {
    const page = requester.page;
    await page.getByRole('link', { name: 'Request' }).click();
    await requestGroup(page, 'second thoughts');
    await page.getByRole('button', { name: 'Withdraw my request' }).click();
    await page.getByText('Withdrawn: it will not run.').waitFor();
    expect(await page.locator('.state').first().textContent()).toBe('withdrawn');
    await page.goto(approvalUrl);
    const noToken = await page.evaluate(async (url) => {
      const answer = await fetch(`${url}/review`, {
        method: 'POST',
        body: new URLSearchParams({ decision: 'approve', reason: 'x' }),
      });
      return { status: answer.status, text: await answer.text() };
    }, approvalUrl);
    expect(noToken.status).toBe(403);
    expect(noToken.text).toMatch(/did not come from this console/);
  });

  it('runs a request form sent twice (a double click, a reload) once: the second is answered from the first', async () => {
    const page = requester.page;
    await page.goto(`${ready.console}request`);
    await page.getByLabel('App (service principal object id)').fill(ids.saasServicePrincipal);
    await page.getByLabel('Job id', { exact: true }).fill(ids.saasJob);
    await page.getByLabel('Rule id', { exact: true }).fill(ids.saasRule);
    await page.getByLabel('Object id', { exact: true }).fill(ids.saasUser);
    const before = await receivedByGraph();
    const answers = (await page.evaluate(`(async () => {
      const form = document.querySelector('form[action="/console/request"]');
      const send = () => fetch('/console/request', { method: 'POST', body: new URLSearchParams(new FormData(form)) })
        .then(async (answer) => ({ status: answer.status, text: await answer.text() }));
      return [await send(), await send()];
    })()`)) as Array<{ status: number; text: string }>;
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    for (const answer of answers)
      expect(answer.text).toMatch(/Allowed by the policy and sent: Graph answered 200/);
    expect(await receivedByGraph()).toBe(before + 1);
  });

  it('an auditor finds both in the audit log, with the chain verified', async () => {
    const auditor = await signedIn('auditor');
    await auditor.page.getByRole('link', { name: 'Audit log' }).click();
    await auditor.page.getByRole('heading', { name: '✓ The chain verifies' }).waitFor();
    expect(await auditor.page.locator('.verdict').textContent()).toMatch(
      /the audit log is intact: \d+ entries/,
    );
    await auditor.page.getByLabel('Action').fill('review');
    await auditor.page.getByRole('button', { name: 'Filter' }).click();
    const table = await auditor.page.locator('table').textContent();
    await auditor.page.getByLabel('Action').fill('sign_in');
    await auditor.page.getByRole('button', { name: 'Filter' }).click();
    // Every sign-in is recorded, with the roles it gave.
    expect(await auditor.page.locator('table').textContent()).toMatch(/sign_in.*(requester|approver)/s);
    expect(table).toMatch(/review/);
    await auditor.page.screenshot({ path: join(shots, 'console-audit.png'), fullPage: true });
    // Job health across apps, in words.
    await auditor.page.getByRole('link', { name: 'Jobs' }).click();
    const jobs = (await auditor.page.locator('table').textContent()) ?? '';
    expect(jobs).toMatch(/Contoso Expenses \(SCIM\)/);
    expect(jobs).toMatch(/active/);
    await auditor.page.screenshot({ path: join(shots, 'console-jobs.png'), fullPage: true });
    // Helpdesk's why, for a user by sign-in name: each of their apps with a verdict and what to do.
    await auditor.page.getByRole('link', { name: 'Why' }).click();
    await auditor.page
      .getByLabel(/User \(object id or sign-in name\)/)
      .fill('bill.bob@contoso.onmicrosoft.com');
    await auditor.page.getByRole('button', { name: 'Ask' }).click();
    const why = (await auditor.page.locator('table').textContent()) ?? '';
    expect(why).toMatch(/Contoso Expenses \(SCIM\)/);
    expect(why).toMatch(/yes \(directly, Sales\)/);
    await auditor.page.screenshot({ path: join(shots, 'console-why.png'), fullPage: true });
    const exported = await auditor.page.evaluate(async () => {
      const answer = await fetch('/console/audit/export');
      return { status: answer.status, text: await answer.text() };
    });
    expect(exported.status).toBe(200);
    expect(
      exported.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).action),
    ).toContain('review');
    await auditor.context.close();
  });

  it('sends a session past its expiry to sign in again', async () => {
    // The session's expiry moved to the past behind the console's back, as time would.
    const db = new Database(ready.database);
    db.prepare("UPDATE console_sessions SET expires_at = '2000-01-01T00:00:00.000Z'").run();
    db.close();
    await approver.page.goto(ready.console);
    await approver.page.getByRole('heading', { name: /Sign in to ondemand console/ }).waitFor();
  });

  it('has no serious accessibility violation on any page, and stays usable at 320 px', async () => {
    const person = await signedIn('requester', { bypassCSP: true });
    for (const path of [
      '',
      'request',
      'jobs',
      'why?user=bill.bob%40contoso.onmicrosoft.com',
      approvalUrl.split('/console/')[1]!,
    ]) {
      await person.page.goto(`${ready.console}${path}`);
      expect(await seriousViolations(person.page), path || 'inbox').toEqual([]);
    }
    await person.page.setViewportSize({ width: 320, height: 640 });
    await person.page.goto(approvalUrl);
    const overflow = (await person.page.evaluate('document.documentElement.scrollWidth')) as number;
    expect(overflow).toBeLessThanOrEqual(320);
    await person.page.screenshot({ path: join(shots, 'console-320.png'), fullPage: true });
    await person.context.close();
    await requester.context.close();
    await approver.context.close();
  }, 60_000);
});
