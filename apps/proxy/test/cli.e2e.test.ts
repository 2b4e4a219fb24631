import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { userRequest } from '@ondemand/core';
import { documentedIds as ids } from '@ondemand/simulator';
import { until } from '@ondemand/test-utils';
import Database from 'better-sqlite3';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from './demo-proxy.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
const userPath = `/v1.0/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${ids.saasJob}/provisionOnDemand`;

/** The built command with --simulate, and what its ready line says. */
async function simulate(database: string) {
  const child = spawn(process.execPath, [cli, '--simulate', '--database', database], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // What its embedded simulator writes (its CA) goes where the test cleans up, even after a SIGKILL.
    env: { ...process.env, TMPDIR: dirname(database) },
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const ready = JSON.parse(
    await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)),
  );
  // It serves HTTPS with a CA of its own, named in the ready line.
  const dispatcher = new Agent({ connect: { ca: readFileSync(ready.caFile, 'utf8') } });
  return { child, ready: { ...ready, dispatcher }, stderr: () => stderr };
}

async function provision(ready: { url: string; keys: Record<string, string>; dispatcher: Agent }) {
  const answer = await request(`${ready.url}${userPath}`, {
    dispatcher: ready.dispatcher,
    method: 'POST',
    headers: { authorization: `Bearer ${ready.keys.requester}`, 'content-type': 'application/json' },
    body: JSON.stringify(userRequest({ ruleId: ids.saasRule, userId: ids.saasUser })),
  });
  await answer.body.text();
  return answer;
}

describe('the ondemand-proxy command', { tags: ['e2e'] }, () => {
  it('starts with --simulate, names its keys, audit key, witness and the simulator, and stops on SIGTERM', async () => {
    const { child, ready, stderr } = await simulate(join(tempDir(), 'proxy.sqlite'));
    expect(Object.keys(ready.keys).sort()).toEqual([
      'admin',
      'approver',
      'approver-2',
      'auditor',
      'requester',
    ]);
    expect(ready.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(readFileSync(ready.auditPublicKey, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(ready).toMatchObject({
      auditWitness: expect.any(String),
      simulatorControlToken: expect.any(String),
    });
    expect((await provision(ready)).statusCode).toBe(200);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // It says where its files stay, and how to remove them.
    expect(stderr()).toContain(
      `the demo's files (database, audit keys and witness, CA) stay in ${dirname(ready.database)}`,
    );
    // The last checkpoint is signed at shutdown.
    expect(readFileSync(ready.auditWitness, 'utf8').trim().split('\n').length).toBeGreaterThan(0);
  });

  it('records a call sent just before a SIGKILL as unknown when the proxy starts again', async () => {
    const database = join(tempDir(), 'proxy.sqlite');
    const first = await simulate(database);
    const simulator = new Agent({ connect: { ca: readFileSync(first.ready.simulatorCaFile, 'utf8') } });
    await request(`${first.ready.simulator}/_sim/faults`, {
      method: 'POST',
      dispatcher: simulator,
      headers: {
        authorization: `Bearer ${first.ready.simulatorControlToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ kind: 'slow', count: 1, delayMs: 5_000, path: 'provisionOnDemand' }),
    });
    const sent = provision(first.ready).catch(() => undefined);
    const forwards = () => {
      const db = new Database(database, { readonly: true });
      const rows = db.prepare("SELECT request_id FROM audit WHERE action = 'forward'").all() as Array<{
        request_id: string;
      }>;
      db.close();
      return rows;
    };
    await until('the call is forwarded', () => forwards().length === 1);
    first.child.kill('SIGKILL');
    await sent;
    const second = await simulate(database);
    const answer = await request(`${second.ready.url}/audit?action=outcome`, {
      headers: { authorization: `Bearer ${second.ready.keys.auditor}` },
      dispatcher: second.ready.dispatcher,
    });
    const outcomes = (
      (await answer.body.json()) as { value: Array<{ requestId: string; detail: { sent: string } }> }
    ).value;
    expect(outcomes).toEqual([
      expect.objectContaining({
        requestId: forwards()[0]!.request_id,
        detail: expect.objectContaining({ sent: 'unknown' }),
      }),
    ]);
    await simulator.close();
  });
});
