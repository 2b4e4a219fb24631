import type { ConsoleRecord, ConsoleSessionStore } from '../../console/console-session-store.js';
import type { PostgresDatabase } from './postgres-database.js';

/** The console's sessions in PostgreSQL, shared by every replica. */
export class PostgresConsoleSessions implements ConsoleSessionStore {
  constructor(readonly db: PostgresDatabase) {}

  async putConsoleRecord(idHash: string, record: ConsoleRecord, expiresAt: string): Promise<void> {
    await this.db.query(
      'INSERT INTO console_sessions (id_hash, record, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id_hash) DO UPDATE SET record = excluded.record, expires_at = excluded.expires_at',
      [idHash, JSON.stringify(record), expiresAt],
    );
  }

  async getConsoleRecord(idHash: string, now: string): Promise<ConsoleRecord | undefined> {
    const { rows } = await this.db.query<{ record: string }>(
      'SELECT record FROM console_sessions WHERE id_hash = $1 AND expires_at > $2',
      [idHash, now],
    );
    return rows[0] ? JSON.parse(rows[0].record) : undefined;
  }

  async deleteConsoleRecord(idHash: string): Promise<void> {
    await this.db.query('DELETE FROM console_sessions WHERE id_hash = $1', [idHash]);
  }

  async deleteExpiredConsoleRecords(now: string): Promise<void> {
    await this.db.query('DELETE FROM console_sessions WHERE expires_at <= $1', [now]);
  }
}
