import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AUDIT_COLUMNS,
  type AuditRow,
  appendToWitness,
  CheckpointSigner,
  chainRows,
  GENESIS_HASH,
  rowEntry,
  toRowValues,
} from '@ondemand/audit-log';
import { freePort } from '@ondemand/test-utils';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test/demo-proxy.js';
import { runProxyCli } from './run-cli.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';

async function run(...argv: string[]) {
  const written = { stdout: '', stderr: '' };
  const code = await runProxyCli(argv, {
    stdout: { write: (text: string) => (written.stdout += text) },
    stderr: { write: (text: string) => (written.stderr += text) },
    env: {},
    untilStopped: async () => {},
  });
  return { code, ...written };
}

/** A signed log of five entries, its public key and witness; the signing key stays with the test. */
async function signedLog() {
  const dir = tempDir();
  const database = join(dir, 'proxy.sqlite');
  const keys = generateKeyPairSync('ed25519');
  const publicKey = join(dir, 'public.pem');
  writeFileSync(publicKey, keys.publicKey.export({ type: 'spki', format: 'pem' }));
  const witness = join(dir, 'witness.ndjson');
  const signer = new CheckpointSigner(keys.privateKey);
  const store = new SqliteStore(database);
  for (let index = 1; index <= 5; index++) {
    const head = await store.appendAudit([
      {
        at: `2026-12-01T10:00:0${index}Z`,
        action: 'request',
        principal: 'svc',
        requestId: `r${index}`,
        graphRequestId: null,
        servicePrincipalId: null,
        jobId: null,
        subject: `User u${index}`,
        detail: {},
      },
    ]);
    if (index === 5) {
      const checkpoint = signer.sign(head, '2026-12-01T10:01:00Z');
      await store.addCheckpoint(checkpoint);
      await appendToWitness(witness, checkpoint);
    }
  }
  await store.close();
  return { database, publicKey, witness };
}

describe('ondemand-proxy audit verify', () => {
  it('says the log is intact, and plainly what it could not check without the key and the witness', async () => {
    const { database, publicKey, witness } = await signedLog();
    const blind = await run('audit', 'verify', '--database', database);
    expect(blind.code).toBe(0);
    expect(JSON.parse(blind.stdout)).toMatchObject({ valid: true, entries: 5 });
    expect(blind.stderr).toMatch(/the audit log is intact: 5 entries, signed up to entry 5/);
    expect(blind.stderr).toMatch(/not checked: checkpoint signatures \(no public key given\)/);
    expect(blind.stderr).toMatch(/not checked: the witness file \(none given\)/);
    const full = await run(
      'audit',
      'verify',
      '--database',
      database,
      '--public-key',
      publicKey,
      '--witness',
      witness,
    );
    expect(full.code).toBe(0);
    expect(full.stderr).not.toMatch(/not checked/);
  });

  it('catches an edit whose hashes were all recomputed with this project’s own code, given the key', async () => {
    const { database, publicKey, witness } = await signedLog();
    const db = new Database(database);
    const rows = db.prepare(`SELECT ${AUDIT_COLUMNS} FROM audit ORDER BY seq`).all() as AuditRow[];
    const { written, head } = chainRows({ seq: 0, hash: GENESIS_HASH }, [
      rows.map((row) => {
        const { seq: _s, prevHash: _p, hash: _h, ...entry } = rowEntry(row);
        return entry.requestId === 'r2' ? { ...entry, principal: 'someone-else' } : entry;
      }),
    ]);
    db.prepare('DELETE FROM audit').run();
    const insert = db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?)`);
    for (const row of written.flat()) insert.run(...toRowValues(row));
    db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(head.seq, head.hash);
    db.prepare('DELETE FROM audit_checkpoints').run();
    db.close();
    const caught = await run(
      'audit',
      'verify',
      '--database',
      database,
      '--public-key',
      publicKey,
      '--witness',
      witness,
    );
    expect(caught.code).toBe(1);
    expect(caught.stderr).toMatch(/the audit log was tampered with: 2 problems/);
    expect(caught.stderr).toMatch(/entry 5 is not the entry signed at 2026-12-01T10:01:00Z \(witness file\)/);
  });

  it('refuses what it cannot use with one line each: a missing file, a key that is not one', async () => {
    expect(await run('audit', 'verify', '--database', join(tempDir(), 'none.sqlite'))).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/there is no database file/),
    });
    const { database } = await signedLog();
    const notAKey = join(tempDir(), 'key.pem');
    writeFileSync(notAKey, 'hello');
    const refused = await run('audit', 'verify', '--database', database, '--public-key', notAKey);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/does not hold a PEM public key/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    const port = await freePort();
    const unreachable = await run(
      'audit',
      'verify',
      '--store',
      `postgres://postgres:hunter2@127.0.0.1:${port}/x`,
    );
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toMatch(
      /cannot prepare PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/,
    );
  });
});

/** A config file in a folder of its own (its database beside it, plain HTTP), with `fields` in it. */
function configFile(fields: Record<string, unknown>): string {
  const dir = tempDir();
  const config = join(dir, 'proxy.json');
  writeFileSync(config, JSON.stringify({ database: join(dir, 'p.sqlite'), plainHttp: true, ...fields }));
  return config;
}

describe('ondemand-proxy', () => {
  it('names every problem of a bad config file by path', async () => {
    const bad = await run(
      '--config',
      fileURLToPath(new URL('../test/fixtures/bad-config.yaml', import.meta.url)),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('graph.tenantId');
    expect(bad.stderr).toContain('policy.rules[0].approvals');
    expect(bad.stderr).toContain('graph.rateLimitScope: rateLimitScope is servicePrincipal or tenant');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the keys an object takes when the config holds an unknown one', async () => {
    const bad = await run(
      '--config',
      configFile({ graph: { tenantId: 't', clientId: 'c', cafile: 'ca.pem' } }),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /graph: unknown property "cafile".*; graph takes cloud, baseUrl, loginUrl, caFile, tenantId, clientId, clientSecretEnv, certificateFile, rateLimit, reportsLimit, rateLimitScope/,
    );
  });

  it.each([
    [
      'a Graph secret variable that is not set',
      {},
      /^ondemand-proxy: no Graph credential: graph\.clientSecretEnv names AZURE_CLIENT_SECRET, which is not set in the proxy's environment/,
    ],
    [
      'a CA file that is not there',
      { caFile: '/no/such/ca.pem' },
      /^ondemand-proxy: cannot read graph\.caFile \/no\/such\/ca\.pem: no such file\n$/,
    ],
  ])('stops at start with one line and exit 3 for %s', async (_, graph, message) => {
    const started = await run(
      '--config',
      configFile({
        port: 0,
        apiKeys: [{ principal: 'a', roles: ['requester'], sha256: '0'.repeat(64) }],
        graph: { tenantId: 't', clientId: 'c', ...graph },
        policy: { rules: [] },
      }),
    );
    expect(started.stderr).toMatch(message);
    expect(started.stderr).not.toMatch(/\n\s+at |--client-secret/);
    expect(started.code).toBe(3);
  });

  it('refuses unknown flags and arguments with its usage', async () => {
    expect((await run('--nope')).code).toBe(2);
    expect((await run('serve')).stderr).toMatch(/unexpected "serve"/);
    expect((await run('--help')).stdout).toMatch(/^Usage: ondemand-proxy/);
  });
});
