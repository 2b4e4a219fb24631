import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditFields } from '@ondemand/audit-log';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import {
  entries,
  graphStats,
  groupBody,
  groupPath,
  start,
  userBody,
  userPath,
  useSimulator,
  verdict,
} from './harness.js';

useSimulator();

describe('the proxy keeps its promises when the store fails', () => {
  it('answers 503 with Retry-After when the store cannot be written, approvals included, and is not ready', async () => {
    const proxy = await start({ store: (database) => new SqliteStore(database, { busyTimeoutMs: 20 }) });
    const held = await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    // Another connection holds the write lock: every write of the proxy's now fails, as on a full disk.
    const blocker = new Database(join(proxy.dir, 'proxy.sqlite'));
    blocker.exec('BEGIN EXCLUSIVE');
    try {
      const review = await proxy.call(`/approvals/${held.json.id}/approve`, {
        key: proxy.keys.approver,
        body: '{"reason":"ok"}',
      });
      expect(review.status).toBe(503);
      expect(review.headers.get('retry-after')).toBe('5');
      const ready = await proxy.call('/readyz', { key: proxy.keys.auditor });
      expect(ready.status).toBe(503);
      expect(ready.json.store).toMatch(/SQLite cannot write: database is locked/);
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect((await proxy.call('/readyz')).status).toBe(200);
  });

  it('stores a review only with its audit entry: while the log cannot take it, the review is refused whole and nothing runs', async () => {
    const proxy = await start();
    const held = await proxy.call(groupPath, { key: proxy.keys.requester, body: groupBody });
    // The chain's head row gone for a moment (a statement that fails): no entry can be written.
    const db = new Database(join(proxy.dir, 'proxy.sqlite'));
    const head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as {
      seq: number;
      hash: string;
    };
    db.prepare('DELETE FROM audit_head').run();
    const refused = await proxy.call(`/approvals/${held.json.id}/approve`, {
      key: proxy.keys.approver,
      body: '{"reason":"CHG-7"}',
    });
    expect(refused.status).toBe(503);
    expect(refused.json.error.message).toMatch(/nothing was changed/);
    db.prepare('INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)').run(head.seq, head.hash);
    db.close();
    await proxy.approvals.sweep();
    await proxy.approvals.drain();
    expect((await proxy.store.getApproval(held.json.id))!).toMatchObject({ state: 'pending', reviews: [] });
    // Reviewed again with the log back: the review and its entry together, then the run.
    const approved = await proxy.call(`/approvals/${held.json.id}/approve`, {
      key: proxy.keys.approver,
      body: '{"reason":"CHG-7"}',
    });
    expect(approved.status).toBe(200);
    await proxy.approvals.drain();
    const log = (await entries(proxy)).filter((entry) => entry.detail?.approval === held.json.id);
    const actions = log.map((entry) => entry.action);
    expect(actions.filter((action) => action === 'review')).toHaveLength(1);
    expect(actions.indexOf('review')).toBeLessThan(actions.indexOf('forward'));
    expect(log.find((entry) => entry.action === 'review')).toMatchObject({
      principal: 'approver',
      detail: expect.objectContaining({ reason: 'CHG-7', state: 'approved' }),
    });
    expect(await verdict(proxy)).toMatchObject({ valid: true });
  });

  it("gives the caller Graph's answer when the outcome cannot be written, keeps it on disk, and writes it once the store is back", async () => {
    let failOutcomes = false;
    const proxy = await start({
      store: (database) =>
        new (class extends SqliteStore {
          override appendAudit(entries: AuditFields[]) {
            if (failOutcomes && entries.some((entry) => entry.action === 'outcome'))
              return Promise.reject(new Error('disk full'));
            return super.appendAudit(entries);
          }
        })(database),
    });
    failOutcomes = true;
    const answer = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.json.key).result).toBeTruthy();
    const requestId = answer.headers.get('request-id')!;
    expect(readFileSync(join(proxy.dir, 'proxy.sqlite.outcomes.ndjson'), 'utf8')).toContain(requestId);
    failOutcomes = false;
    await proxy.audit.flushSpool();
    const outcomes = (await entries(proxy, '&action=outcome')).filter(
      (entry) => entry.requestId === requestId,
    );
    expect(outcomes).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ status: 200, sent: 'yes', spooled: true }),
      }),
    ]);
    await proxy.audit.flushSpool();
    expect(
      (await entries(proxy, '&action=outcome')).filter((entry) => entry.requestId === requestId),
    ).toHaveLength(1);
  });

  it("stops writing with 503 when the chain's head row is deleted under it, and its log says why", async () => {
    const lines: string[] = [];
    const proxy = await start({ log: (line) => lines.push(String(line.message ?? '')) });
    expect((await proxy.call(userPath, { key: proxy.keys.requester, body: userBody })).status).toBe(200);
    const db = new Database(join(proxy.dir, 'proxy.sqlite'));
    db.prepare('DELETE FROM audit_head').run();
    db.close();
    const before = graphStats().received;
    const answer = await proxy.call(userPath, { key: proxy.keys.requester, body: userBody });
    expect(answer.status).toBe(503);
    expect(graphStats().received).toBe(before);
    expect(lines.join('\n')).toMatch(
      /the audit log cannot be written \(the audit chain's head row is missing/,
    );
    const ready = await proxy.call('/readyz', { key: proxy.keys.auditor });
    expect(ready.json.audit).toMatch(/head row is missing/);
  });
});
