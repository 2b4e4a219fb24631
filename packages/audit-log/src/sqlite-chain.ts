import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ChainHead, ChainRow } from './entry.js';
import { CHAIN_BATCH, CHECKPOINT_COLUMNS, type CheckpointRow, toCheckpoint } from './table.js';
import type { ChainSource } from './verify-chain.js';

/**
 * The audit log of an SQLite file, read-only: it never creates the file, a table or a row, so
 * verifying a copy changes nothing in it. One read transaction holds the snapshot until `close()`.
 */
export async function openSqliteChain(path: string): Promise<ChainSource & { close(): Promise<void> }> {
  if (!existsSync(path)) throw new Error(`there is no database file ${path}`);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  // Read through a memory map: no system call per page while a large log streams by.
  db.pragma('mmap_size = 1073741824');
  const has = (table: string) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  if (!has('audit')) {
    db.close();
    throw new Error(`${path} holds no audit log (no audit table): is it the proxy's database?`);
  }
  if (
    !(db.prepare('SELECT 1 FROM pragma_table_info(?) WHERE name = ?').get('audit', 'entry') !== undefined)
  ) {
    db.close();
    throw new Error(
      `${path} holds an audit log of an older version: start this proxy on it once to convert it`,
    );
  }
  db.exec('BEGIN');
  const head = has('audit_head')
    ? (db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as ChainHead | undefined)
    : undefined;
  const checkpoints = has('audit_checkpoints')
    ? (
        db
          .prepare(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY seq`)
          .all() as CheckpointRow[]
      ).map(toCheckpoint)
    : [];
  // A batch of rows as one string, each row as `seq␟hash␟prev_hash⏎entry` (␟ = U+001F), rows apart by
  // U+001E: the stored JSON text never holds either, and one value to carry out of SQLite per batch
  // instead of four per row is most of what makes a million rows verify fast. SQLite concatenates the
  // subquery's rows in its order without being asked to (asking costs a sort per batch); a batch that
  // does not come out as its count of rows in rising order (a tampered entry holding a raw U+001E, an
  // order SQLite chose otherwise) is read again row by row.
  const row = 'seq || char(31) || hash || char(31) || prev_hash || char(10) || entry';
  const batch = db.prepare(
    `SELECT count(*) AS n, max(seq) AS last, group_concat(${row}, char(30)) AS texts FROM (SELECT seq, hash, prev_hash, entry FROM audit WHERE seq > ? ORDER BY seq LIMIT ?)`,
  );
  const rowByRow = db.prepare(`SELECT ${row} FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`).pluck();
  return {
    head,
    checkpoints,
    async *rows() {
      for (let after = Number.MIN_SAFE_INTEGER; ; ) {
        const read = batch.get(after, CHAIN_BATCH) as { n: number; last: number; texts: string | null };
        if (read.n === 0) return;
        const rows = splitBatch(read.texts!);
        yield rows.length === read.n &&
        rows.every((each, index) => index === 0 || each.seq > rows[index - 1]!.seq)
          ? rows
          : (rowByRow.all(after, CHAIN_BATCH) as string[]).map((text) => chainRowAt(text, 0, text.length));
        after = read.last;
      }
    },
    close: async () => {
      if (db.open) {
        db.exec('COMMIT');
        db.close();
      }
    },
  };
}

/**
 * The rows of a batch's text, read in place: only the four values each row needs become strings of
 * their own (splitting the text first would make twice as many, and garbage collection was a sixth of
 * the time a million rows took to verify).
 */
function splitBatch(text: string): ChainRow[] {
  const rows: ChainRow[] = [];
  for (let start = 0; start <= text.length; ) {
    const end = text.indexOf('\x1e', start);
    const stop = end === -1 ? text.length : end;
    rows.push(chainRowAt(text, start, stop));
    start = stop + 1;
  }
  return rows;
}

/** The row `seq␟hash␟prev_hash⏎entry` between `start` and `stop` of `text`. */
function chainRowAt(text: string, start: number, stop: number): ChainRow {
  const first = text.indexOf('\x1f', start);
  const second = text.indexOf('\x1f', first + 1);
  return {
    seq: Number(text.slice(start, first)),
    hash: text.slice(first + 1, second),
    prevHash: text.slice(second + 1, text.indexOf('\n', second + 1)),
    hashed: text.slice(second + 1, stop),
  };
}
