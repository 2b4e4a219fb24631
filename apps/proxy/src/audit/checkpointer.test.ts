import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditFields } from '@ondemand/audit-log';
import { CheckpointSigner, readWitness, signedBy } from '@ondemand/audit-log';
import { openSqliteChain } from '@ondemand/audit-log/sqlite';
import { FakeClock } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../test/demo-proxy.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { Checkpointer } from './checkpointer.js';

const entry = (index: number): AuditFields => ({
  at: `2026-12-01T10:00:0${index}Z`,
  action: 'request',
  principal: 'svc',
  requestId: `r${index}`,
  graphRequestId: null,
  servicePrincipalId: null,
  jobId: null,
  subject: null,
  detail: {},
});

describe('Checkpointer', () => {
  it('signs every N entries, after T seconds of a quieter log, and at stop; never the key itself', async () => {
    const dir = tempDir();
    const store = new SqliteStore(join(dir, 'proxy.sqlite'));
    const keys = generateKeyPairSync('ed25519');
    const clock = new FakeClock(Date.parse('2026-12-01T10:00:00Z'));
    const witnessFile = join(dir, 'witness.ndjson');
    const errors: string[] = [];
    const checkpointer = new Checkpointer({
      store,
      signer: new CheckpointSigner(keys.privateKey),
      witnessFile,
      everyEntries: 3,
      everyMs: 60_000,
      clock,
      onError: (message) => errors.push(message),
    });
    checkpointer.start();
    const append = async (index: number) => checkpointer.appended(await store.appendAudit([entry(index)]));
    for (const index of [1, 2]) await append(index);
    await checkpointer.settled();
    const witnessed = async () =>
      (await readWitness(witnessFile).catch(() => ({ checkpoints: [] }))).checkpoints;
    expect(await witnessed()).toEqual([]);
    await append(3); // the third entry since the last checkpoint
    await checkpointer.settled();
    expect((await witnessed()).map((each) => each.seq)).toEqual([3]);
    await append(4);
    await clock.advance(59_000);
    expect((await witnessed()).map((each) => each.seq)).toEqual([3]);
    await clock.advance(1_000); // a minute on: the quiet log's newest entry is signed
    await checkpointer.settled();
    expect((await witnessed()).map((each) => each.seq)).toEqual([3, 4]);
    await append(5);
    await checkpointer.stop();
    const checkpoints = await witnessed();
    expect(checkpoints.map((each) => each.seq)).toEqual([3, 4, 5]);
    for (const checkpoint of checkpoints) expect(signedBy(checkpoint, keys.publicKey)).toBe(true);
    const chain = await openSqliteChain(join(dir, 'proxy.sqlite'));
    expect(chain.checkpoints).toEqual(checkpoints);
    await chain.close();
    await store.close();
    expect(errors).toEqual([]);
    // Neither the database nor the witness holds the signing key.
    const secret = keys.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64').slice(-40);
    for (const file of ['proxy.sqlite', 'witness.ndjson'])
      expect(readFileSync(join(dir, file)).toString('latin1')).not.toContain(secret);
  });
});
