import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { runSimulatorCli } from './run-cli.js';

/** Runs the command in-process; `whileRunning` gets the ready line and acts before it is stopped. */
async function run(argv: string[], whileRunning?: (ready: Record<string, string>) => Promise<void>) {
  const written = { stdout: '', stderr: '' };
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const code = await runSimulatorCli(argv, {
    stdout: {
      write: (text: string) => {
        written.stdout += text;
        if (whileRunning) void whileRunning(JSON.parse(text)).finally(stop);
        return true;
      },
    },
    stderr: { write: (text: string) => (written.stderr += text) },
    untilStopped: () => stopped,
  });
  return { code, ...written };
}

describe('ondemand-sim', () => {
  it('prints a ready line, serves tokens over HTTPS with its CA, and stops when told', async () => {
    const statuses: number[] = [];
    const done = await run(['--port', '0', '--time-scale', '10'], async (ready) => {
      expect(Object.keys(ready).sort()).toEqual([
        'caFile',
        'clientId',
        'clientSecret',
        'controlToken',
        'tenantId',
        'url',
      ]);
      expect(ready.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const answer = await request(`${ready.url}/${ready.tenantId}/oauth2/v2.0/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: ready.clientId!,
          client_secret: ready.clientSecret!,
          scope: 'https://graph.microsoft.com/.default',
        }).toString(),
        dispatcher: new Agent({ connect: { ca: readFileSync(ready.caFile!, 'utf8') } }),
      });
      statuses.push(answer.statusCode);
      await answer.body.text();
    });
    expect(done.code).toBe(0);
    expect(statuses).toEqual([200]);
    expect(done.stderr).toMatch(/serving tenant .* \(time ×10\)\nondemand-sim: stopped\n$/);
  });

  it.each([
    [['--port', 'abc'], /--port must be a number/],
    [['--time-scale', '0'], /--time-scale must be greater than 0/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j with exit 2 and the usage', async (args, message) => {
    const refused = await run(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(message);
    expect(refused.stderr).toContain('Usage: ondemand-sim');
  });

  it('names the path of every problem in a bad seed file', async () => {
    const file = join(tempDir(), 'bad-seed.json');
    writeFileSync(
      file,
      JSON.stringify({
        tenantId: 't',
        tenantDomain: 'd',
        clients: [],
        users: [{ id: 'u' }],
        servicePrincipals: [],
      }),
    );
    const refused = await run(['--seed', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('clients:');
    expect(refused.stderr).toContain('users[0].userPrincipalName');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  });
});
