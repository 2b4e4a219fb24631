import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { documentedIds as ids, type RunningSimulator, startSimulator } from '@ondemand/simulator';
import { memoryIo, until } from '@ondemand/test-utils';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { verifyWebhookSignature } from '@ondemand/transport';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ondemandAgainst, simulatorFlags } from '../../test/simulator-flags.js';
import { runCli } from '../run-cli.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.stop());
beforeEach(() => sim.context.reset());

const target = () => ['--sp', ids.saasServicePrincipal, '--job', ids.saasJob];
const saasJob = () => sim.context.tenant.job(ids.saasServicePrincipal, ids.saasJob)!;

const ondemand = (args: string[], options: { stdin?: string; isTTY?: boolean } = {}) =>
  ondemandAgainst(sim, args, options);

/** The SaaS app's credentials stop working and its next cycle runs: quarantine. */
function quarantineSaasJob() {
  sim.context.service.steering(saasJob()).credentialsExpired = true;
  sim.context.service.runCycle(saasJob());
}

describe('ondemand jobs status', () => {
  it('prints every job’s health as the README promises with --json, and exits 0 when all are active', async () => {
    const { code, out } = await ondemand(['jobs', 'status', '--json']);
    expect(code).toBe(0);
    const { jobs } = JSON.parse(out);
    expect(jobs.length).toBe(sim.context.tenant.jobs.size);
    expect(jobs.find((job: { id: string }) => job.id === ids.saasJob)).toMatchObject({
      kind: 'synchronizationJob',
      servicePrincipalId: ids.saasServicePrincipal,
      appName: expect.any(String),
      health: 'active',
      schedule: { state: 'Active', interval: 'PT40M' },
      quarantine: null,
      lastExecution: null,
    });
  });

  it('shows an app name holding escape sequences as text', async () => {
    const app = sim.context.tenant.servicePrincipals.get(ids.saasServicePrincipal)!;
    const kept = app.displayName;
    app.displayName = 'Evil\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2J';
    try {
      const { out } = await ondemand(['jobs', 'status', '--sp', ids.saasServicePrincipal]);
      expect(out).not.toMatch(/[\u001b\u0007\u009b]/);
      expect(out).toMatch(/^Evil.*: job /);
    } finally {
      app.displayName = kept;
    }
  });

  it('names a quarantined job, its reason, its next attempt and what to do, and exits 1', async () => {
    quarantineSaasJob();
    const { code, out } = await ondemand(['jobs', 'status', '--sp', ids.saasServicePrincipal]);
    expect(code).toBe(1);
    expect(out).toMatch(/job .* is in quarantine/);
    expect(out).toMatch(/Quarantine: EncounteredQuarantineException since .*; next attempt /);
    expect(out).toMatch(/What to do: Update the app’s admin credentials/);
  });
});

describe('ondemand jobs watch', () => {
  it('reports the first reading, then each change as it happens, until Ctrl-C', async () => {
    const run = memoryIo({ env: { AZURE_CLIENT_SECRET: sim.clientSecret } });
    const done = runCli(
      ['jobs', 'watch', '--sp', ids.saasServicePrincipal, '--every', '1', '--json', ...simulatorFlags(sim)],
      run.io,
    );
    await until('the first reading', () => run.output().includes('"changes":["active"]'));
    quarantineSaasJob();
    await until('the change', () => run.output().includes('active → quarantined'));
    expect(run.interrupt()).toBe(true);
    expect(await done).toBe(130);
    const events = run
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.at(-1)).toMatchObject({ jobId: ids.saasJob, health: 'quarantined' });
    expect(events.at(-1).changes).toContain('quarantine: EncounteredQuarantineException');
  });

  it('runs --exec on each change (not on the first reading), the change as JSON on its standard input', async () => {
    const file = join(tempDir('ondemand-watch-'), 'changes.ndjson');
    const run = memoryIo({ env: { AZURE_CLIENT_SECRET: sim.clientSecret } });
    const done = runCli(
      [
        'jobs',
        'watch',
        '--sp',
        ids.saasServicePrincipal,
        '--every',
        '1',
        '--exec',
        `cat >> '${file}'`,
        ...simulatorFlags(sim),
      ],
      run.io,
    );
    await until('the first reading', () => run.output().includes(': active'));
    expect(existsSync(file)).toBe(false);
    quarantineSaasJob();
    await until('the command ran', () => existsSync(file) && readFileSync(file, 'utf8').includes('\n'));
    run.interrupt();
    expect(await done).toBe(130);
    const [event] = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(event).toMatchObject({ jobId: ids.saasJob, health: 'quarantined' });
  });
});

describe('ondemand jobs watch --webhook', () => {
  it('posts each change as signed JSON with a text line for chat, and goes on when the receiver fails', async () => {
    const deliveries: Array<{ body: string; signature: string | undefined }> = [];
    let failNext = true;
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        deliveries.push({ body, signature: request.headers['x-ondemand-signature'] as string | undefined });
        // The first delivery fails: said on standard error, and the watch goes on.
        response.statusCode = failNext ? 500 : 204;
        failNext = false;
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      const secret = 'webhook-secret-for-the-test';
      const run = memoryIo({
        env: { AZURE_CLIENT_SECRET: sim.clientSecret, ONDEMAND_WEBHOOK_SECRET: secret },
      });
      const done = runCli(
        [
          'jobs',
          'watch',
          '--sp',
          ids.saasServicePrincipal,
          '--every',
          '1',
          '--webhook',
          url,
          ...simulatorFlags(sim),
        ],
        run.io,
      );
      await until('the first reading', () => run.output().includes(': active'));
      expect(deliveries).toEqual([]);
      quarantineSaasJob();
      await until('the change was posted', () => deliveries.length === 1);
      await until('the failure is said', () => run.errors().includes('--webhook answered 500'));
      // Out of quarantine again: a second change, delivered.
      sim.context.service.steering(saasJob()).credentialsExpired = false;
      await ondemand(['jobs', 'restart', ...target(), '--preset', 'clear-quarantine', '--yes']);
      await until('the second change was posted', () => deliveries.length === 2);
      run.interrupt();
      expect(await done).toBe(130);
      const first = JSON.parse(deliveries[0]!.body);
      expect(first).toMatchObject({ jobId: ids.saasJob, health: 'quarantined' });
      expect(first.text).toMatch(/job 3f7565a3.*: .*quarantine/);
      expect(verifyWebhookSignature(secret, deliveries[0]!.signature!, deliveries[0]!.body)).toBe(true);
      expect(verifyWebhookSignature('another secret', deliveries[1]!.signature!, deliveries[1]!.body)).toBe(
        false,
      );
    } finally {
      receiver.close();
    }
  });

  it('is refused for jobs status, and a URL that is not http(s) is named', async () => {
    const status = await ondemand(['jobs', 'status', '--webhook', 'https://hooks.example.com/x']);
    expect(status.code).toBe(2);
    expect(status.err).toMatch(/--every, --exec and --webhook are for jobs watch/);
    const file = await ondemand(['jobs', 'watch', '--webhook', 'file:///etc/passwd']);
    expect(file.code).toBe(2);
    expect(file.err).toMatch(/--webhook must be an http\(s\) URL/);
  });
});

describe('ondemand jobs start|pause|restart|test', () => {
  it('refuses the restart scopes Microsoft says not to use, and an unknown preset, before connecting', async () => {
    const none = await ondemand(['jobs', 'restart', ...target(), '--reset-scope', 'Watermark,None', '--yes']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(
      /None starts a paused or quarantined job; documented DO NOT USE: use start instead/,
    );
    const store = await ondemand([
      'jobs',
      'restart',
      ...target(),
      '--reset-scope',
      'connectordatastore',
      '--yes',
    ]);
    expect(store.err).toMatch(/ConnectorDataStore .*contact Microsoft Support/);
    const preset = await ondemand(['jobs', 'restart', ...target(), '--preset', 'everything', '--yes']);
    expect(preset.code).toBe(2);
    expect(preset.err).toMatch(/unknown --preset "everything": use default, clear-quarantine/);
  });

  it('asks on a terminal, does nothing on no, and needs --yes off a terminal', async () => {
    quarantineSaasJob();
    const no = await ondemand(['jobs', 'restart', ...target(), '--preset', 'clear-quarantine'], {
      isTTY: true,
      stdin: 'n\n',
    });
    expect(no.err).toMatch(/Restart .* job .*\(QuarantineState: lifts the quarantine.*\)\? \[y\/N\]/);
    expect(no.code).toBe(1);
    expect(sim.context.service.health(saasJob()).code).toBe('Quarantine');
    const script = await ondemand(['jobs', 'restart', ...target(), '--preset', 'clear-quarantine']);
    expect(script.code).toBe(2);
    expect(script.err).toMatch(/add --yes/);
  });

  it('tests the credentials, restarts a quarantined job after the fix, and refuses to start a running one', async () => {
    quarantineSaasJob();
    const refused = await ondemand(['jobs', 'test', ...target(), '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/The app refused the credentials/);
    sim.context.service.steering(saasJob()).credentialsExpired = false;
    expect((await ondemand(['jobs', 'test', ...target(), '--yes'])).code).toBe(0);
    const restarted = await ondemand(['jobs', 'restart', ...target(), '--preset', 'clear-quarantine'], {
      isTTY: true,
      stdin: 'y\n',
    });
    expect(restarted.code).toBe(0);
    expect(restarted.out).toMatch(/is in quarantine[\s\S]*Restarted\. Now:\n.*is active/);
    const start = await ondemand(['jobs', 'start', ...target(), '--yes']);
    expect(start.code).toBe(2);
    expect(start.err).toMatch(/already running/);
    expect((await ondemand(['jobs', 'pause', ...target(), '--yes'])).code).toBe(0);
    expect(sim.context.service.health(saasJob()).code).toBe('Paused');
    expect((await ondemand(['jobs', 'start', ...target(), '--yes'])).code).toBe(0);
    expect(sim.context.service.health(saasJob()).code).toBe('Active');
  });
});

describe('one look at the job before provisioning', () => {
  it('does not spend a call on a job in quarantine, says why and what to do, and sends it with --force', async () => {
    quarantineSaasJob();
    const received = () => sim.context.stats.snapshot().provisionOnDemand.received;
    const before = received();
    const refused = await ondemand(['provision', ...target(), '--user', ids.saasUser]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /Not sent: the job is in quarantine \(EncounteredQuarantineException; next attempt .*\): Update the app’s admin credentials.*\(--force sends it anyway\)/,
    );
    expect(received()).toBe(before);
    const forced = await ondemand(['provision', ...target(), '--user', ids.saasUser, '--force']);
    expect(forced.err).toMatch(/Note: the job is in quarantine/);
    expect(received()).toBe(before + 1);
  });

  it('names a paused job and sends anyway: on-demand on a paused job is not documented as refused', async () => {
    sim.context.service.health(saasJob()).pause();
    const { code, err } = await ondemand(['provision', ...target(), '--user', ids.saasUser]);
    expect(err).toMatch(/Note: the job is paused: the regular cycle will not keep this up to date/);
    expect(code).toBe(0);
  });
});
