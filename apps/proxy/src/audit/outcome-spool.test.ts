import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AuditFields, CheckpointSigner } from '@ondemand/audit-log';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../metrics.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { AuditLog } from './audit-log.js';
import { OutcomeSpool } from './outcome-spool.js';

/** An audit log whose store can be taken away, its spool beside it, and what it said. */
function logWithSpool() {
  const dir = tempDir('spool-');
  const store = new SqliteStore(join(dir, 'proxy.sqlite'));
  let down = false;
  const flaky = Object.assign(Object.create(store), {
    appendAudit: (entries: AuditFields[]) =>
      down ? Promise.reject(new Error('the database is away')) : store.appendAudit(entries),
  }) as SqliteStore;
  const said: string[] = [];
  const signer = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
  const spool = new OutcomeSpool(join(dir, 'outcomes.ndjson'), signer.deriveKey('ondemand-outcome-spool/1'));
  const audit = new AuditLog({
    store: flaky,
    metrics: new Metrics(),
    now: () => new Date(),
    say: (_level, message) => said.push(message),
    spool,
  });
  const forward = (requestId: string, principal = 'alice') =>
    audit.append([
      audit.entry(
        'forward',
        { principal, requestId },
        { servicePrincipalId: 'sp', jobId: 'job', detail: { attempt: 1 } },
      ),
    ]);
  const outcome = (requestId: string, principal = 'alice') =>
    audit.entry(
      'outcome',
      { principal, requestId },
      { servicePrincipalId: 'sp', jobId: 'job', detail: { status: 200, sent: 'yes' } },
    );
  const outcomes = async () =>
    (await store.queryAudit({ action: 'outcome', limit: 100 })).map((entry) => entry.requestId).sort();
  return { spool, audit, said, forward, outcome, outcomes, setDown: (value: boolean) => (down = value) };
}

describe('the outcome spool', () => {
  it('writes back what it kept, and nothing a writer of its folder put there', async () => {
    const log = logWithSpool();
    await log.forward('r1');
    await log.forward('r2');
    log.setDown(true);
    await log.audit.appendOutcome(log.outcome('r1'));
    // Lines the proxy did not keep: a whole entry without a MAC, the same with another's, and an
    // outcome for a call no forward entry says was sent.
    const forged = { ...log.outcome('r2', 'alice'), detail: { status: 200, sent: 'yes', result: 'Success' } };
    appendFileSync(log.spool.path, `${JSON.stringify(forged)}\n`);
    appendFileSync(log.spool.path, `${JSON.stringify({ entry: forged, mac: 'AAAA' })}\n`);
    log.setDown(false);
    await log.audit.flushSpool();
    expect(await log.outcomes()).toEqual(['r1']);
    expect(log.said.join('\n')).toMatch(/line 3 .*not one this proxy kept/);
    expect(readFileSync(`${log.spool.path}.refused`, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('writes back only outcomes of calls a forward entry says were sent, by the same principal, to the same job', async () => {
    const log = logWithSpool();
    await log.forward('r1', 'alice');
    log.setDown(true);
    // Kept by the proxy itself, but for a request no forward entry matches (another principal).
    await log.audit.appendOutcome(log.outcome('r1', 'mallory'));
    await log.audit.appendOutcome(log.outcome('r9'));
    log.setDown(false);
    await log.audit.flushSpool();
    expect(await log.outcomes()).toEqual([]);
    expect(log.said.join('\n')).toMatch(/matches no call that was sent/);
  });

  it('never joins an outcome onto a line torn by a crash: the torn one is skipped, the next kept', async () => {
    const log = logWithSpool();
    await log.forward('r1');
    await log.forward('r2');
    log.setDown(true);
    await log.audit.appendOutcome(log.outcome('r1'));
    appendFileSync(log.spool.path, '{"entry":{"at":"2026-12-07T10:00:00Z","act');
    await log.audit.appendOutcome(log.outcome('r2'));
    log.setDown(false);
    await log.audit.flushSpool();
    expect(await log.outcomes()).toEqual(['r1', 'r2']);
  });
});
