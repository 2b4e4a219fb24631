import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite-store.js';
import { type AuditFields, canonicalJson, chainEntries, verifyChain } from './hash-chain.js';

function fields(index: number): AuditFields {
  return {
    at: `2026-11-28T10:00:0${index}Z`,
    action: 'request',
    principal: 'requester',
    requestId: `r${index}`,
    graphRequestId: null,
    servicePrincipalId: 'sp',
    jobId: 'job',
    subject: `User u${index}`,
    detail: { n: index },
  };
}

async function storeWith(entries: number) {
  const path = join(mkdtempSync(join(tmpdir(), 'audit-')), 'proxy.sqlite');
  const store = new SqliteStore(path);
  for (let index = 1; index <= entries; index++) await store.appendAudit([fields(index)]);
  await store.close();
  return path;
}

async function verdictOf(path: string) {
  const store = new SqliteStore(path);
  const { entries, head } = await store.readChain();
  await store.close();
  return verifyChain(entries, head);
}

describe('the audit hash chain', () => {
  it('links a batch of groups onto the head it continues, in order', () => {
    const first = chainEntries(undefined, [[fields(1), fields(2)]]);
    const second = chainEntries(first.head, [[fields(3)], [fields(4), fields(5)]]);
    const entries = [...first.written.flat(), ...second.written.flat()];
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(second.written.map((group) => group.length)).toEqual([1, 2]);
    expect(second.head).toEqual({ seq: 5, hash: entries[4]!.hash });
    expect(verifyChain(entries, second.head)).toMatchObject({ valid: true, entries: 5 });
    // Continuing from a stale head forks the chain: the sixth entry claims seq 3, and verify names it.
    const forked = chainEntries(first.head, [[fields(6)]]);
    expect(forked.written[0]![0]!.seq).toBe(3);
    expect(verifyChain([...entries, ...forked.written.flat()], forked.head)).toMatchObject({
      valid: false,
      firstBadSeq: 6,
    });
  });

  it('verifies an untouched log', async () => {
    expect(await verdictOf(await storeWith(5))).toMatchObject({ valid: true, entries: 5 });
  });

  it.each<[string, (db: Database.Database) => void, number, string]>([
    [
      'a changed entry',
      (db) => db.prepare('UPDATE audit SET detail = \'{"n":99}\' WHERE seq = 3').run(),
      3,
      'altered',
    ],
    [
      'a changed principal',
      (db) => db.prepare("UPDATE audit SET principal = 'someone-else' WHERE seq = 2").run(),
      2,
      'altered',
    ],
    ['a deleted entry', (db) => db.prepare('DELETE FROM audit WHERE seq = 2').run(), 2, 'removed'],
    ['a deleted last entry', (db) => db.prepare('DELETE FROM audit WHERE seq = 5').run(), 5, 'removed'],
    [
      'two entries swapped',
      (db) => {
        const rows = db.prepare('SELECT * FROM audit WHERE seq IN (2, 3) ORDER BY seq').all() as Array<
          Record<string, unknown>
        >;
        db.prepare('DELETE FROM audit WHERE seq IN (2, 3)').run();
        const insert = db.prepare(
          'INSERT INTO audit (seq, at, action, principal, request_id, graph_request_id, service_principal_id, job_id, subject, detail, prev_hash, hash) VALUES (@seq, @at, @action, @principal, @request_id, @graph_request_id, @service_principal_id, @job_id, @subject, @detail, @prev_hash, @hash)',
        );
        insert.run({ ...rows[1], seq: 2 });
        insert.run({ ...rows[0], seq: 3 });
      },
      2,
      'reordered',
    ],
  ])('names the first bad entry after %s', async (_, tamper, firstBadSeq, problem) => {
    const path = await storeWith(5);
    const db = new Database(path);
    tamper(db);
    db.close();
    expect(await verdictOf(path)).toMatchObject({ valid: false, firstBadSeq, problem });
  });

  it('hashes the same entry the same whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}',
    );
  });
});
