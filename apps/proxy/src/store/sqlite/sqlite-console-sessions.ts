import type { ConsoleRecord, ConsoleSessionStore } from '../../console/console-session-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** The console's sessions in SQLite: one row each, the record as JSON. */
export class SqliteConsoleSessions implements ConsoleSessionStore {
  constructor(readonly db: SqliteDatabase) {}

  async putConsoleRecord(idHash: string, record: ConsoleRecord, expiresAt: string): Promise<void> {
    this.db.run(() =>
      this.db
        .statement(
          'INSERT INTO console_sessions (id_hash, record, expires_at) VALUES (?, ?, ?) ON CONFLICT (id_hash) DO UPDATE SET record = excluded.record, expires_at = excluded.expires_at',
        )
        .run(idHash, JSON.stringify(record), expiresAt),
    );
  }

  async getConsoleRecord(idHash: string, now: string): Promise<ConsoleRecord | undefined> {
    const row = this.db.run(() =>
      this.db
        .statement('SELECT record FROM console_sessions WHERE id_hash = ? AND expires_at > ?')
        .get(idHash, now),
    ) as { record: string } | undefined;
    return row ? JSON.parse(row.record) : undefined;
  }

  async deleteConsoleRecord(idHash: string): Promise<void> {
    this.db.run(() => this.db.statement('DELETE FROM console_sessions WHERE id_hash = ?').run(idHash));
  }

  async deleteExpiredConsoleRecords(now: string): Promise<void> {
    this.db.run(() => this.db.statement('DELETE FROM console_sessions WHERE expires_at <= ?').run(now));
  }
}
