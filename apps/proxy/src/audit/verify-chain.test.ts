import { createHash, generateKeyPairSync } from 'node:crypto';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AUDIT_COLUMNS,
  type AuditFields,
  type AuditRow,
  appendToWitness,
  CheckpointSigner,
  canonicalJson,
  chainRows,
  GENESIS_HASH,
  readWitness,
  rowEntry,
  toRowValues,
  verifyChain,
} from '@ondemand/audit-log';
import { openSqliteChain } from '@ondemand/audit-log/sqlite';
import { chainVerdictSchema } from '@ondemand/core';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { legacyAuditTableDdl } from '../store/tables.js';

function fields(index: number, overrides: Partial<AuditFields> = {}): AuditFields {
  return {
    at: `2026-11-28T10:00:0${index}Z`,
    action: 'request',
    principal: 'requester',
    requestId: `r${index}`,
    graphRequestId: null,
    servicePrincipalId: 'sp',
    jobId: 'job',
    subject: `User u${index}`,
    detail: { n: index, nested: { z: 1, a: [1, 'two'] } },
    ...overrides,
  };
}

const keys = generateKeyPairSync('ed25519');
const signer = new CheckpointSigner(keys.privateKey);

/** A log of `entries` entries; with `checkpointAt`, a checkpoint of those entries goes to the database and a witness file. */
async function storeWith(entries: number, checkpointAt: number[] = []) {
  const dir = tempDir();
  const path = join(dir, 'proxy.sqlite');
  const witness = join(dir, 'witness.ndjson');
  const store = new SqliteStore(path);
  for (let index = 1; index <= entries; index++) {
    const head = await store.appendAudit([fields(index)]);
    if (checkpointAt.includes(index)) {
      const checkpoint = signer.sign(head, `2026-11-28T10:01:0${index}Z`);
      await store.addCheckpoint(checkpoint);
      await appendToWitness(witness, checkpoint);
    }
  }
  await store.close();
  return { path, witness };
}

async function verdictOf(path: string, trust: { key?: boolean; witness?: string } = {}) {
  const chain = await openSqliteChain(path);
  try {
    const verdict = await verifyChain(chain, {
      ...(trust.key ? { publicKey: keys.publicKey } : {}),
      ...(trust.witness ? { witness: await readWitness(trust.witness) } : {}),
    });
    // What callers of /audit/verify read it with (core's contract) takes every verdict.
    expect(chainVerdictSchema.parse(verdict)).toEqual(verdict);
    return verdict;
  } finally {
    await chain.close();
  }
}

function tamper(path: string, work: (db: Database.Database) => void) {
  const db = new Database(path);
  work(db);
  db.close();
}

/** What an attacker with write access does with this project's own code: edit, then re-chain everything. */
function rewriteLog(db: Database.Database, edit: (entry: AuditFields, seq: number) => AuditFields) {
  const rows = db.prepare('SELECT * FROM audit ORDER BY seq').all() as AuditRow[];
  const edited = rows.map((row) => {
    const { seq, prevHash: _p, hash: _h, ...entry } = rowEntry(row);
    return edit(entry, seq);
  });
  const { written, head } = chainRows({ seq: 0, hash: GENESIS_HASH }, [edited]);
  db.prepare('DELETE FROM audit').run();
  const insert = db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?)`);
  for (const row of written.flat()) insert.run(...toRowValues(row));
  db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1').run(head.seq, head.hash);
}

describe('the audit hash chain', () => {
  it('links a batch of groups onto the head it continues, in order', () => {
    const first = chainRows({ seq: 0, hash: GENESIS_HASH }, [[fields(1), fields(2)]]);
    const second = chainRows(first.head, [[fields(3)], [fields(4), fields(5)]]);
    const rows = [...first.written.flat(), ...second.written.flat()];
    expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(second.written.map((group) => group.length)).toEqual([1, 2]);
    expect(second.head).toEqual({ seq: 5, hash: rows[4]!.hash });
    expect(rows[1]!.prev_hash).toBe(rows[0]!.hash);
  });

  it('stores and hashes one canonical text per entry: keys sorted at every level', () => {
    const row = chainRows({ seq: 0, hash: GENESIS_HASH }, [[fields(1)]]).written[0]![0]!;
    expect(row.entry).toBe(
      '{"action":"request","at":"2026-11-28T10:00:01Z","detail":{"n":1,"nested":{"a":[1,"two"],"z":1}},"graphRequestId":null,"jobId":"job","principal":"requester","requestId":"r1","seq":1,"servicePrincipalId":"sp","subject":"User u1"}',
    );
    expect(rowEntry(row)).toMatchObject({ ...fields(1), seq: 1 });
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}',
    );
  });

  it('verifies an untouched log, saying what it could not check without a key and a witness', async () => {
    const { path } = await storeWith(5);
    const verdict = await verdictOf(path);
    expect(verdict).toMatchObject({ valid: true, entries: 5, problems: [], head: { seq: 5 } });
    expect(verdict.unchecked.join('\n')).toMatch(/checkpoint signatures \(no public key given\)/);
    expect(verdict.unchecked.join('\n')).toMatch(/the witness file \(none given\)/);
    expect(verdict.unchecked.join('\n')).toMatch(/no checkpoint covers any of the 5 entries/);
  });

  it('keeps verifying after entries with text no store can keep as it is (lone surrogates, NUL)', async () => {
    const dir = tempDir();
    const store = new SqliteStore(join(dir, 'proxy.sqlite'));
    await store.appendAudit([fields(1, { subject: 'User a\ud800', principal: 'p\u0000' })]);
    await store.appendAudit([fields(2, { detail: { objectId: 'a\udc00\u0000' } })]);
    await store.appendAudit([fields(3)]);
    const [first] = await store.queryAudit({ limit: 1 });
    expect(first!.subject).toBe('User a\\ud800');
    expect(first!.principal).toBe('p\\u0000');
    await store.close();
    expect(await verdictOf(join(dir, 'proxy.sqlite'))).toMatchObject({ valid: true, entries: 3 });
  });

  it.each<[string, (db: Database.Database) => void, Array<{ kind: string; seq: number }>]>([
    [
      'a changed entry',
      (db) => db.prepare(`UPDATE audit SET entry = replace(entry, '"n":3', '"n":99') WHERE seq = 3`).run(),
      [{ kind: 'altered', seq: 3 }],
    ],
    [
      'a key added twice to the stored text',
      (db) =>
        db.prepare(`UPDATE audit SET entry = replace(entry, '"n":2,', '"n":2,"n":2,') WHERE seq = 2`).run(),
      [{ kind: 'altered', seq: 2 }],
    ],
    [
      'a changed principal',
      (db) =>
        db
          .prepare(
            `UPDATE audit SET entry = replace(entry, '"principal":"requester"', '"principal":"someone-else"') WHERE seq = 2`,
          )
          .run(),
      [{ kind: 'altered', seq: 2 }],
    ],
    [
      'two changed entries, far apart',
      (db) =>
        db
          .prepare(
            `UPDATE audit SET entry = replace(entry, '"subject":"User', '"subject":"Group') WHERE seq IN (2, 4)`,
          )
          .run(),
      [
        { kind: 'altered', seq: 2 },
        { kind: 'altered', seq: 4 },
      ],
    ],
    [
      'a deleted entry',
      (db) => db.prepare('DELETE FROM audit WHERE seq = 2').run(),
      [{ kind: 'removed', seq: 2 }],
    ],
    [
      'a deleted last entry',
      (db) => db.prepare('DELETE FROM audit WHERE seq = 5').run(),
      [{ kind: 'cut_off', seq: 5 }],
    ],
    [
      'the last entries and the head row deleted',
      (db) => {
        db.prepare('DELETE FROM audit WHERE seq > 3').run();
        db.prepare('DELETE FROM audit_head').run();
      },
      [{ kind: 'head_missing', seq: 3 }],
    ],
    [
      'the head table dropped',
      (db) => db.prepare('DROP TABLE audit_head').run(),
      [{ kind: 'head_missing', seq: 5 }],
    ],
    [
      'two entries swapped',
      (db) => {
        const rows = db
          .prepare(`SELECT ${AUDIT_COLUMNS} FROM audit WHERE seq IN (2, 3) ORDER BY seq`)
          .all() as AuditRow[];
        db.prepare('DELETE FROM audit WHERE seq IN (2, 3)').run();
        const insert = db.prepare(`INSERT INTO audit (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?)`);
        insert.run(...toRowValues({ ...rows[1]!, seq: 2 }));
        insert.run(...toRowValues({ ...rows[0]!, seq: 3 }));
      },
      [
        { kind: 'reordered', seq: 2 },
        { kind: 'reordered', seq: 3 },
        { kind: 'reordered', seq: 4 },
      ],
    ],
    [
      'a query column forged',
      (db) => {
        // Generated from the text: the database itself refuses to let it say something else.
        expect(() => db.prepare("UPDATE audit SET principal = 'someone-else' WHERE seq = 2").run()).toThrow(
          /cannot UPDATE generated column/,
        );
      },
      [],
    ],
  ])('names every problem after %s', async (_, change, problems) => {
    const { path } = await storeWith(5);
    tamper(path, change);
    const verdict = await verdictOf(path);
    expect(verdict.valid).toBe(problems.length === 0);
    expect(verdict.problems.map(({ kind, seq }) => ({ kind, seq }))).toEqual(problems);
  });

  it('reads only: verifying creates nothing in the file it checks', async () => {
    const { path } = await storeWith(3);
    tamper(path, (db) => db.prepare('DROP TABLE audit_head').run());
    const tables = () => {
      const db = new Database(path, { readonly: true });
      const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
      db.close();
      return names;
    };
    const before = tables();
    expect((await verdictOf(path)).valid).toBe(false);
    expect(tables()).toEqual(before);
    await expect(openSqliteChain(join(tempDir(), 'none.sqlite'))).rejects.toThrow(
      /there is no database file/,
    );
  });

  it('catches a rewrite with every hash recomputed, given the public key', async () => {
    const { path, witness } = await storeWith(6, [3, 6]);
    tamper(path, (db) =>
      rewriteLog(db, (entry, seq) => (seq === 2 ? { ...entry, principal: 'someone-else' } : entry)),
    );
    // Without the key the rewrite looks whole: the verdict says so instead of calling it proven.
    const blind = await verdictOf(path);
    expect(blind.problems.map((problem) => problem.kind)).toEqual(['rewritten', 'rewritten']);
    const verdict = await verdictOf(path, { key: true, witness });
    expect(verdict.valid).toBe(false);
    expect(verdict.problems.map(({ kind, seq }) => ({ kind, seq }))).toEqual([
      { kind: 'rewritten', seq: 3 },
      { kind: 'rewritten', seq: 6 },
    ]);
    expect(verdict.problems[0]!.message).toMatch(/the log up to entry 3 was rewritten/);
  });

  it('catches checkpoints re-signed without the key, and ones removed from the database', async () => {
    const { path, witness } = await storeWith(6, [3, 6]);
    const forger = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);
    tamper(path, (db) => {
      rewriteLog(db, (entry, seq) => (seq === 2 ? { ...entry, subject: 'User x' } : entry));
      const head = db.prepare('SELECT seq, hash FROM audit_head').get() as { seq: number; hash: string };
      db.prepare('DELETE FROM audit_checkpoints').run();
      const forged = forger.sign(head, '2026-11-28T11:00:00Z');
      db.prepare('INSERT INTO audit_checkpoints VALUES (?, ?, ?, ?, ?)').run(
        forged.seq,
        forged.hash,
        forged.at,
        forged.keyId,
        forged.signature,
      );
    });
    const verdict = await verdictOf(path, { key: true, witness });
    expect(verdict.problems.map(({ kind, seq }) => ({ kind, seq }))).toEqual([
      { kind: 'bad_signature', seq: 6 },
      { kind: 'rewritten', seq: 3 },
      { kind: 'rewritten', seq: 6 },
      { kind: 'checkpoint_removed', seq: 3 },
      { kind: 'checkpoint_removed', seq: 6 },
    ]);
  });

  it('catches an end cut off together with the head and the checkpoints, and a rollback to an older copy', async () => {
    const { path, witness } = await storeWith(6, [3, 6]);
    tamper(path, (db) => {
      db.prepare('DELETE FROM audit WHERE seq > 4').run();
      db.prepare('UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit WHERE seq = 4)').run();
      db.prepare('DELETE FROM audit_checkpoints WHERE seq > 4').run();
    });
    const cut = await verdictOf(path, { key: true, witness });
    expect(cut.problems.map(({ kind, seq }) => ({ kind, seq }))).toEqual([
      { kind: 'cut_off', seq: 5 },
      { kind: 'checkpoint_removed', seq: 6 },
    ]);
    expect(cut.problems[0]!.message).toMatch(/covers entry 6, but the log ends at entry 4/);

    // An older copy of the file put back: consistent in itself, behind the witness.
    const older = await storeWith(6, [3]);
    const copy = join(tempDir(), 'older.sqlite');
    const store = new SqliteStore(older.path);
    await store.close();
    copyFileSync(older.path, copy);
    const reopened = new SqliteStore(older.path);
    for (let index = 7; index <= 9; index++) {
      const head = await reopened.appendAudit([fields(index)]);
      if (index === 9) await appendToWitness(older.witness, signer.sign(head, '2026-11-28T10:02:00Z'));
    }
    await reopened.close();
    expect((await verdictOf(copy, { key: true })).valid).toBe(true);
    const rolledBack = await verdictOf(copy, { key: true, witness: older.witness });
    expect(rolledBack.problems.map((problem) => problem.kind)).toEqual(['cut_off', 'checkpoint_removed']);
  });

  it('catches a log emptied with its head and checkpoints, given the witness; says what it cannot see without it', async () => {
    const { path, witness } = await storeWith(4, [4]);
    tamper(path, (db) => {
      db.prepare('DELETE FROM audit').run();
      db.prepare('DELETE FROM audit_checkpoints').run();
      db.prepare('UPDATE audit_head SET seq = 0, hash = ?').run(GENESIS_HASH);
    });
    const blind = await verdictOf(path, { key: true });
    expect(blind).toMatchObject({ valid: true, entries: 0 });
    expect(blind.unchecked.join('\n')).toMatch(
      /had someone removed the newest entries together with the head/,
    );
    const verdict = await verdictOf(path, { key: true, witness });
    expect(verdict.problems.map((problem) => problem.kind)).toEqual(['cut_off', 'checkpoint_removed']);
  });

  it('finds any single changed character of any stored entry, hash or link (property)', async () => {
    const { path } = await storeWith(4);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom('entry', 'prev_hash', 'hash'),
        fc.nat(),
        async (seq, column, offset) => {
          const copy = join(tempDir(), 'copy.sqlite');
          copyFileSync(path, copy);
          tamper(copy, (db) => {
            const row = db.prepare(`SELECT ${column} AS value FROM audit WHERE seq = ?`).get(seq) as {
              value: string;
            };
            const at = offset % row.value.length;
            const changed = `${row.value.slice(0, at)}${row.value[at] === 'a' ? 'b' : 'a'}${row.value.slice(at + 1)}`;
            db.prepare(`UPDATE audit SET ${column} = ? WHERE seq = ?`).run(changed, seq);
          });
          const verdict = await verdictOf(copy);
          expect(verdict.valid).toBe(false);
          // A changed hash shows at its own entry, or (for the last entry's) at the head.
          expect(verdict.problems[0]!.seq).toBe(seq);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('converts a log of the first versions (a column per field) and keeps it verifying', async () => {
    const path = join(tempDir(), 'old.sqlite');
    const db = new Database(path);
    db.exec(legacyAuditTableDdl('INTEGER', false));
    db.exec(
      'CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL)',
    );
    // As the first versions chained them: SHA-256 over the canonical JSON of the fields, detail parsed;
    // the detail column kept as JSON.stringify wrote it (not in canonical key order).
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq++) {
      const { detail, ...rest } = fields(seq, { detail: { z: seq, a: 'x' } });
      const hash = createHash('sha256')
        .update(`${prev}\n${canonicalJson({ ...rest, detail, seq })}`)
        .digest('hex');
      db.prepare(
        'INSERT INTO audit VALUES (@seq, @at, @action, @principal, @requestId, @graphRequestId, @servicePrincipalId, @jobId, @subject, @detail, @prev, @hash)',
      ).run({ ...rest, seq, detail: JSON.stringify(detail), prev, hash });
      prev = hash;
    }
    db.prepare('INSERT INTO audit_head VALUES (1, 3, ?)').run(prev);
    db.close();
    await new SqliteStore(path).close();
    expect(await verdictOf(path)).toMatchObject({ valid: true, entries: 3 });
  });
});

describe('a witness line being written while the log is verified', () => {
  it('is not read as tampering: it is said to be unchecked, and the next checkpoint starts a line of its own', async () => {
    const { path, witness } = await storeWith(4, [2]);
    // A checkpoint's line half appended (as a verify sees it during the append, or after a stop).
    const { appendFileSync, readFileSync } = await import('node:fs');
    appendFileSync(witness, '{"seq":4,"hash":"ab');
    const during = await verdictOf(path, { key: true, witness });
    expect(during.valid).toBe(true);
    expect(during.unchecked.join('\n')).toMatch(/line 2 of the witness file, not yet ended by a newline/);
    // The next checkpoint ends the cut line first: the cut line is then unreadable (said), the new one read.
    await appendToWitness(
      witness,
      signer.sign(
        { seq: 2, hash: (await readWitness(witness)).checkpoints[0]!.hash },
        '2026-11-28T10:02:00Z',
      ),
    );
    const text = readFileSync(witness, 'utf8');
    expect(text.split('\n').at(-2)).toMatch(/^\{"seq":2/);
    const after = await readWitness(witness);
    expect(after.unreadable).toEqual([2]);
    expect(after.incomplete).toBeUndefined();
  });
});
