import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '@ondemand/test-utils';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AuditLogBehindWitness, assembleProxy, demoConfig, parseConfig } from '../src/index.js';
import { tempDir } from './demo-proxy.js';
import { sim, start, userBody, userPath, useSimulator, verdict } from './harness.js';

useSimulator();

describe("the audit log's anchor outside the database", () => {
  async function signed() {
    const dir = tempDir();
    const keyFile = join(dir, 'signing-key.pem');
    const keys = generateKeyPairSync('ed25519');
    writeFileSync(keyFile, keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const witnessFile = join(dir, 'witness.ndjson');
    return {
      witnessFile,
      audit: { signingKeyFile: keyFile, witnessFile, checkpointEvery: { entries: 4, seconds: 3600 } },
    };
  }

  it('signs checkpoints into the database and the witness file; /audit/verify checks them with its own key', async () => {
    const { audit, witnessFile } = await signed();
    const proxy = await start({ config: { audit } });
    for (let call = 0; call < 3; call++)
      await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    // A whole line: the file exists from the moment the append opens it, before the line is in it.
    await until(
      'a checkpoint is in the witness file',
      () => existsSync(witnessFile) && readFileSync(witnessFile, 'utf8').endsWith('\n'),
    );
    const checked = await verdict(proxy);
    expect(checked, JSON.stringify(checked.problems)).toMatchObject({ valid: true });
    expect(checked.checkpoints.checked).toBeGreaterThan(0);
    expect(checked.unchecked.join(' ')).not.toMatch(/checkpoint signatures|witness file/);
  });

  it('takes the signing key from the environment variable the config names, and refuses to start without it', async () => {
    const keys = generateKeyPairSync('ed25519');
    const pem = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const lines: string[] = [];
    const proxy = await start({
      config: { audit: { signingKeyEnv: 'ONDEMAND_AUDIT_KEY' } },
      env: { ONDEMAND_AUDIT_KEY: pem },
      log: (line) => lines.push(JSON.stringify(line)),
    });
    await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    await proxy.close();
    const db = new Database(join(proxy.dir, 'proxy.sqlite'), { readonly: true });
    const [checkpoint] = db.prepare('SELECT * FROM audit_checkpoints').all() as Array<Record<string, string>>;
    db.close();
    expect(checkpoint).toBeDefined();
    expect(lines.join('\n')).not.toContain(pem.split('\n')[1]!);
    await expect(start({ config: { audit: { signingKeyEnv: 'ONDEMAND_AUDIT_KEY' } } })).rejects.toThrow(
      'audit.signingKeyEnv names ONDEMAND_AUDIT_KEY, which is not set',
    );
  });

  it('starts past a witness line its own key never signed, and says which line it ignored', async () => {
    const { audit, witnessFile } = await signed();
    const lines: string[] = [];
    const first = await start({ config: { audit } });
    await first.call(userPath, { key: first.keys.requester, body: userBody });
    await first.close();
    // Anyone who can write the folder appends a checkpoint "signed" far beyond the log's end.
    const [last] = readFileSync(witnessFile, 'utf8').trim().split('\n').slice(-1);
    const forged = { ...JSON.parse(last!), seq: 1_000_000, signature: Buffer.alloc(64).toString('base64') };
    writeFileSync(witnessFile, `${readFileSync(witnessFile, 'utf8')}${JSON.stringify(forged)}\n`);
    const again = await assembleProxy({
      config: parseConfig({
        ...demoConfig(
          { baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId },
          join(first.dir, 'proxy.sqlite'),
        ).config,
        audit,
      }),
      ca: sim.caPem!,
      env: { AZURE_CLIENT_SECRET: sim.clientSecret },
      log: (line) => lines.push(String(line.message ?? '')),
    });
    await again.close();
    expect(lines.join('\n')).toMatch(
      /witness file .* line \d+ is not signed by this proxy's audit key: ignored/,
    );
  });

  it('refuses to start on a database that is behind its witness file, saying what to do', async () => {
    const { audit, witnessFile } = await signed();
    const first = await start({ config: { audit } });
    const database = join(first.dir, 'proxy.sqlite');
    const older = join(first.dir, 'older.sqlite');
    await first.call(userPath, { key: first.keys.requester, body: userBody });
    await first.close();
    copyFileSync(database, older);
    const second = await assembleProxy({
      config: parseConfig({
        ...demoConfig({ baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId }, database).config,
        audit,
      }),
      ca: sim.caPem!,
      env: { AZURE_CLIENT_SECRET: sim.clientSecret },
      log: () => {},
    });
    for (let call = 0; call < 3; call++)
      await second.app.request(userPath, {
        method: 'POST',
        headers: { authorization: `Bearer ${first.keys.requester}`, 'content-type': 'application/json' },
        body: userBody,
      });
    await second.close();
    expect(readFileSync(witnessFile, 'utf8').trim().split('\n').length).toBeGreaterThan(1);
    await expect(
      assembleProxy({
        config: parseConfig({
          ...demoConfig({ baseUrl: sim.url, tenantId: sim.tenantId, clientId: sim.clientId }, older).config,
          audit,
        }),
        ca: sim.caPem!,
        env: { AZURE_CLIENT_SECRET: sim.clientSecret },
        log: () => {},
      }),
    ).rejects.toThrow(AuditLogBehindWitness);
  });
});
