import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGKILL');
});

describe('the ondemand-proxy command', () => {
  it('starts with --simulate, prints its ready line with demo keys, audits, stops on SIGTERM; audit verify works offline and names tampering', async () => {
    child = spawn(process.execPath, [cli, '--simulate'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const ready = JSON.parse(
      await new Promise<string>((resolve) =>
        createInterface({ input: child!.stdout! }).once('line', resolve),
      ),
    );
    expect(Object.keys(ready.keys).sort()).toEqual([
      'admin',
      'approver',
      'approver-2',
      'auditor',
      'requester',
    ]);
    expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (let i = 0; i < 3; i++) {
      const answer = await request(`${ready.url}/v1.0/users?$top=1`, {
        headers: { authorization: `Bearer ${ready.keys.requester}` },
      });
      expect(answer.statusCode).toBe(200);
      await answer.body.text();
    }
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const intact = spawnSync(process.execPath, [cli, 'audit', 'verify', '--database', ready.database], {
      encoding: 'utf8',
    });
    expect(intact.status).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ valid: true, entries: 3 });

    const db = new Database(ready.database);
    db.prepare("UPDATE audit SET principal = 'nobody' WHERE seq = 2").run();
    db.close();
    const tampered = spawnSync(process.execPath, [cli, 'audit', 'verify', '--database', ready.database], {
      encoding: 'utf8',
    });
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toContain('entry 2 was changed after it was written');
  });

  it('names every problem of a bad config file by path', () => {
    const run = spawnSync(
      process.execPath,
      [cli, '--config', fileURLToPath(new URL('./fixtures/bad-config.yaml', import.meta.url))],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('graph.tenantId');
    expect(run.stderr).toContain('policy.rules[0].approvals');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
