import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
  child = undefined;
});

describe('the ondemand-sim command', () => {
  it('prints a ready line, serves tokens over HTTPS with its CA, and stops on SIGTERM', async () => {
    child = spawn(process.execPath, [cli, '--port', '0', '--time-scale', '10'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: child!.stdout! }).once('line', resolve),
    );
    const ready = JSON.parse(line);
    expect(Object.keys(ready).sort()).toEqual([
      'caFile',
      'clientId',
      'clientSecret',
      'controlToken',
      'tenantId',
      'url',
    ]);
    expect(ready.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = await readFile(ready.caFile, 'utf8');
    const answer = await request(`${ready.url}/${ready.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: ready.clientId,
        client_secret: ready.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      }).toString(),
      dispatcher: new Agent({ connect: { ca } }),
    });
    expect(answer.statusCode).toBe(200);
    expect(((await answer.body.json()) as { access_token: string }).access_token).toBeTruthy();
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it.each([
    [['--port', 'abc'], /--port must be a number/],
    [['--time-scale', '0'], /--time-scale must be greater than 0/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j with exit 2 and the usage', (args, message) => {
    const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('Usage: ondemand-sim');
  });

  it('names the path of every problem in a bad seed file', () => {
    const file = join(tmpdir(), `bad-seed-${process.pid}.json`);
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
    const run = spawnSync(process.execPath, [cli, '--seed', file], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('clients:');
    expect(run.stderr).toContain('users[0].userPrincipalName');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
