import { closeSync, openSync } from 'node:fs';
import {
  AUDIT_COLUMNS,
  auditTableDdl,
  CHECKPOINT_TABLE_DDL,
  GENESIS_HASH,
  toRowValues,
} from '@ondemand/audit-log';
import Database from 'better-sqlite3';
import { StoreUnavailable } from '../proxy-store.js';
import {
  CONSOLE_SESSIONS_TABLE_DDL,
  fromLegacyRow,
  IDEMPOTENCY_TABLE_DDL,
  type LegacyAuditRow,
  legacyAuditTableDdl,
  READINESS_TABLE_DDL,
} from '../tables.js';

/**
 * Schema versions (SQLite's `user_version`), in order; each runs once, in its own transaction.
 * Files from before versions were kept already hold the first one's tables (hence IF NOT EXISTS).
 */
const migrations: Array<(db: Database.Database) => void> = [
  (db) =>
    db.exec(`
${legacyAuditTableDdl('INTEGER', true)}
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TABLE IF NOT EXISTS audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS approvals (id TEXT PRIMARY KEY, state TEXT NOT NULL, record TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS approvals_state ON approvals (state);
CREATE TABLE IF NOT EXISTS replicas (id TEXT PRIMARY KEY, seen_at TEXT NOT NULL);`),
  // The entry stored whole, as the text its hash covers; checkpoints; the head row from the start,
  // so a log without one has been tampered with.
  (db) => {
    db.exec(auditTableDdl('sqlite', 'audit_text'));
    const insert = db.prepare(`INSERT INTO audit_text (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?)`);
    for (const row of db.prepare('SELECT * FROM audit ORDER BY seq').all() as LegacyAuditRow[])
      insert.run(...toRowValues(fromLegacyRow(row)));
    db.exec('DROP TABLE audit; ALTER TABLE audit_text RENAME TO audit;');
    db.exec(`${CHECKPOINT_TABLE_DDL}\n${READINESS_TABLE_DDL}`);
    const entries = db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number };
    if (entries.n === 0)
      db.prepare('INSERT OR IGNORE INTO audit_head (id, seq, hash) VALUES (1, 0, ?)').run(GENESIS_HASH);
  },
  (db) => db.exec(IDEMPOTENCY_TABLE_DDL),
  (db) => db.exec(CONSOLE_SESSIONS_TABLE_DDL),
];

/**
 * One SQLite file in WAL mode, migrated on open, shared by the concept stores (better-sqlite3 is
 * synchronous, so each call is atomic here). A full disk, an I/O error or a locked file is
 * {@link StoreUnavailable} (503), never a crash or a 500.
 */
export class SqliteDatabase {
  readonly #db: Database.Database;
  /** Statements are compiled once and reused: compiling them per call was a visible share of a call's cost. */
  readonly #statements = new Map<string, Database.Statement>();

  constructor(
    readonly path: string,
    options: {
      /** How long a write waits for another connection's lock before the store counts as unavailable (default 5 s). */
      busyTimeoutMs?: number;
    } = {},
  ) {
    this.#db = sqlite(() => {
      // Approvals, Graph's answers and names are for the proxy's eyes: the file is made owner-only,
      // and SQLite gives its -wal and -shm files the database file's permissions.
      if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
      const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5_000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      const version = db.pragma('user_version', { simple: true }) as number;
      for (const [index, migrate] of migrations.entries()) {
        if (index < version) continue;
        db.transaction(() => {
          migrate(db);
          db.pragma(`user_version = ${index + 1}`);
        })();
      }
      return db;
    });
  }

  /** The statement for `sql`, compiled on first use. */
  statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** `work` with SQLite's "try again later" failures as {@link StoreUnavailable}. */
  run<T>(work: () => T): T {
    return sqlite(work);
  }

  /** `work` in one transaction. */
  transaction<T>(work: () => T): T {
    return sqlite(() => this.#db.transaction(work)());
  }

  /** Writable means a write commits: a full disk or a locked file makes the proxy not ready. */
  async ping(): Promise<void> {
    this.transaction(() => {
      this.statement(
        'INSERT INTO readiness_check (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at',
      ).run(new Date().toISOString());
    });
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

/**
 * SQLite's "try again later" failures as {@link StoreUnavailable}: a full disk, I/O errors, a busy or
 * locked file, a read-only or unopenable file, no memory. Anything else is a real fault.
 */
export function sqlite<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw sqliteFault(error);
  }
}

/** The error to throw for `error`: {@link StoreUnavailable} for a "try again later", else itself. */
export function sqliteFault(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (
    typeof code === 'string' &&
    /^SQLITE_(FULL|IOERR|BUSY|LOCKED|READONLY|CANTOPEN|NOMEM|PROTOCOL)/.test(code)
  )
    return new StoreUnavailable(`SQLite cannot write: ${(error as Error).message} (${code})`, {
      cause: error,
    });
  return error;
}
