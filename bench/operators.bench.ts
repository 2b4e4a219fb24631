/**
 * The operator's commands against a time-scaled simulator with Graph's real limits (on its clock).
 * Run: `pnpm bench` (from the root) or `npx tsx operators.bench.ts`; build first (`pnpm build`).
 * - onboarding one user into four apps (`ondemand onboard`, one process, the apps side by side) vs one
 *   app's `ondemand provision`, and vs the four provisioned one after another: the makespans, and
 *   the 429s (none);
 * - `ondemand why` for one user and one app: how many Graph calls, how many of them reports calls,
 *   and how long to the answer.
 */
import { spawn } from 'node:child_process';
import { demoSeed, documentedIds as ids, startSimulator } from '@ondemand/simulator';
import { repoRoot } from '@ondemand/test-utils';
import { report } from './lib/measure.js';

const cli = `${repoRoot}apps/tui/dist/bin/cli.js`;
const timeScale = Number(process.env.BENCH_TIME_SCALE ?? 10);

// Four apps for one user: the SaaS app's twin three times over, each with its own id and job.
const seed = demoSeed();
const saas = seed.servicePrincipals.find((sp) => sp.id === ids.saasServicePrincipal)!;
const user = seed.users.find((each) => each.id === ids.saasUser)!;
for (let copy = 1; copy <= 3; copy++)
  seed.servicePrincipals.push({
    ...structuredClone(saas),
    id: `${ids.saasServicePrincipal.slice(0, -1)}${copy}`,
    appId: `${saas.appId.slice(0, -1)}${copy}`,
    displayName: `${saas.displayName} ${copy + 1}`,
    assignedTo: [user.id],
  });
const apps = seed.servicePrincipals.filter(
  (sp) => sp.assignedTo.includes(user.id) && sp.jobs.length > 0 && sp.jobs[0]!.kind === 'app',
);

const sim = await startSimulator({ timeScale, seed });
const env = {
  ...process.env,
  ONDEMAND_GRAPH_URL: sim.url,
  AZURE_TENANT_ID: sim.tenantId,
  AZURE_CLIENT_ID: sim.clientId,
  AZURE_CLIENT_SECRET: sim.clientSecret,
  NO_COLOR: '1',
};
const windowMs = 10_000 / timeScale;
const pace = ['--ca', sim.caFile!, '--rate-limit', `5/${windowMs}`];

function run(args: string[]): Promise<{ ms: number; code: number | null; out: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args, ...pace], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      out += String(chunk);
    });
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, out }));
  });
}

try {
  console.log(`Operators' commands against a ×${timeScale} simulator (${apps.length} apps for one user)\n`);
  sim.context.service.log.visibilityDelayMs = 0;
  const throttledBefore = sim.context.stats.snapshot().throttled;
  const onboard = await run(['onboard', '--user', user.id]);
  if (!onboard.out.includes('applied') && !onboard.out.includes('already in sync'))
    throw new Error(`onboard did not provision: ${onboard.out}`);
  await new Promise((resolve) => setTimeout(resolve, windowMs * 1.1));
  let sequential = 0;
  for (const app of apps)
    sequential += (await run(['provision', '--sp', app.id, '--job', app.jobs[0]!.id, '--user', user.id])).ms;
  await new Promise((resolve) => setTimeout(resolve, windowMs * 1.1));
  const one = await run(['provision', '--sp', apps[0]!.id, '--job', apps[0]!.jobs[0]!.id, '--user', user.id]);
  const throttled = sim.context.stats.snapshot().throttled - throttledBefore;
  report(`onboard into ${apps.length} apps (vs one app's provision)`, onboard.ms * 1e6, one.ms * 1e6, 1.5);
  report(`the same ${apps.length} one after another (vs one app's)`, sequential * 1e6, one.ms * 1e6);
  console.log(`429s from Graph in all of it: ${throttled}`);

  const logCallsBefore = sim.context.requestLog.length;
  const why = await run(['why', '--user', user.userPrincipalName, '--sp', ids.saasServicePrincipal]);
  const calls = sim.context.requestLog
    .slice(logCallsBefore)
    .filter((entry) => !entry.path.includes('/oauth2/'));
  const reports = calls.filter((entry) => entry.path.includes('/auditLogs/provisioning')).length;
  console.log(
    `why for one user and app: ${calls.length} Graph calls (${reports} reports call), answered in ${why.ms.toFixed(0)} ms (goal < 2 000 ms)`,
  );
} finally {
  await sim.stop();
}
