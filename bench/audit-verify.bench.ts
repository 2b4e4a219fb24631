/**
 * Verifying the proxy's audit log. Run: `pnpm bench` (from the root) or `cd bench && npx tsx audit-verify.bench.ts`.
 * Builds an SQLite log of AUDIT_BENCH_ENTRIES entries (default 1 000 000) shaped like the proxy's own
 * (request, decision, forward, outcome), then times `ondemand-proxy audit verify`'s work on it (read
 * every row, recompute every hash, check links, head and a signed checkpoint) next to bare SHA-256 over
 * the very bytes the hashes cover, in the same run. Goal: ≤ 2× the bare hashing, and ≤ 5 s.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuditFields,
  type AuditRow,
  CheckpointSigner,
  chainRows,
  GENESIS_HASH,
  verifyChain,
} from '@ondemand/audit-log';
import { openSqliteChain } from '@ondemand/audit-log/sqlite';
import { SqliteStore } from '@ondemand/proxy';
import Database from 'better-sqlite3';

const count = Number(process.env.AUDIT_BENCH_ENTRIES ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'ondemand-audit-bench-'));
const path = join(dir, 'proxy.sqlite');

function call(index: number): AuditFields[] {
  const base = {
    at: new Date(Date.UTC(2026, 11, 1) + index * 250).toISOString(),
    principal: 'hr-sync',
    requestId: `5d6e1c2a-0000-4000-8000-${String(index).padStart(12, '0')}`,
    graphRequestId: null,
    servicePrincipalId: 'c8c95753-f628-48e1-9fab-76c2d4cf624c',
    jobId: '3f7565a3-fde6-4e4d-bda8-1bb70aba3612',
    subject: 'User 9bb0f679-a883-4a6f-8260-35b491b8b8c8',
  };
  return [
    {
      ...base,
      action: 'request',
      detail: { apiVersion: 'v1.0', ruleIds: ['ea807875-5618-4f0a-9125-0b46a05298ca'] },
    },
    { ...base, action: 'decision', detail: { decision: 'allow', rule: 'single users on app provisioning' } },
    {
      ...base,
      action: 'forward',
      detail: { attempt: 1, clientRequestId: `c1e4-${index}`, replica: 'default' },
    },
    {
      ...base,
      action: 'outcome',
      graphRequestId: `9a1b-${index}`,
      detail: {
        status: 200,
        sent: 'yes',
        attempts: 1,
        result: 'Skipped',
        errorCode: 'RedundantExport',
        action: 'Other',
      },
    },
  ];
}

console.log(`audit log verification (${count.toLocaleString('en')} entries, SQLite)\n`);
const building = performance.now();
// The schema and the head row as the proxy makes them; then the rows in bulk, chained by the proxy's code.
await new SqliteStore(path).close();
const db = new Database(path);
db.pragma('journal_mode = WAL');
const insert = db.prepare(
  'INSERT INTO audit (seq, entry, prev_hash, hash) VALUES (@seq, @entry, @prev_hash, @hash)',
);
let head = { seq: 0, hash: GENESIS_HASH };
db.transaction(() => {
  for (let index = 0; head.seq < count; index++) {
    const chained = chainRows(head, [call(index).slice(0, count - head.seq)]);
    for (const row of chained.written.flat()) insert.run(row);
    head = chained.head;
  }
  db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(head.seq, head.hash);
})();
const keys = generateKeyPairSync('ed25519');
const checkpoint = new CheckpointSigner(keys.privateKey).sign(head, new Date().toISOString());
db.prepare('INSERT INTO audit_checkpoints VALUES (?, ?, ?, ?, ?)').run(
  checkpoint.seq,
  checkpoint.hash,
  checkpoint.at,
  checkpoint.keyId,
  checkpoint.signature,
);
// The baseline's input, read before any timing: the exact bytes each hash covers.
const covered = (
  db.prepare('SELECT seq, entry, prev_hash, hash FROM audit ORDER BY seq').all() as AuditRow[]
).map((row) => `${row.prev_hash}\n${row.entry}`);
db.close();
console.log(`built in ${((performance.now() - building) / 1000).toFixed(1)} s\n`);

const bare = () => {
  const started = performance.now();
  let last = '';
  for (const text of covered) last = createHash('sha256').update(text).digest('hex');
  if (!last) throw new Error('nothing hashed');
  return performance.now() - started;
};
const verify = async () => {
  const started = performance.now();
  const chain = await openSqliteChain(path);
  const verdict = await verifyChain(chain, { publicKey: keys.publicKey });
  await chain.close();
  if (!verdict.valid || verdict.entries !== count)
    throw new Error(`the log did not verify: ${JSON.stringify(verdict.problems[0])}`);
  return performance.now() - started;
};
// Interleaved rounds, best of each: a noisy neighbour slows one round, not the comparison.
const rounds = { bare: [] as number[], verify: [] as number[] };
for (let round = 0; round < 3; round++) {
  rounds.bare.push(bare());
  rounds.verify.push(await verify());
}
const [best, baseline] = [Math.min(...rounds.verify), Math.min(...rounds.bare)];
const ratio = best / baseline;
console.log(
  `${'verify (read, hash, link, head, signed checkpoint)'.padEnd(52)} ${(best / 1000).toFixed(2).padStart(7)} s vs ${(baseline / 1000).toFixed(2).padStart(5)} s bare SHA-256  = ${ratio.toFixed(2)}×  ${ratio <= 2 ? '✓' : '✗'} goal ≤ 2×, ${best <= 5_000 ? '✓' : '✗'} goal ≤ 5 s`,
);
rmSync(dir, { recursive: true, force: true });
