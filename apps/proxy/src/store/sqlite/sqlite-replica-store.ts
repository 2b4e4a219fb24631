import type { ReplicaStore } from '../../approvals/approval-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** Replicas' heartbeats in SQLite (several processes may share one file). */
export class SqliteReplicaStore implements ReplicaStore {
  constructor(readonly db: SqliteDatabase) {}

  async heartbeat(replica: string, at: string): Promise<void> {
    this.db.run(() =>
      this.db
        .statement(
          'INSERT INTO replicas (id, seen_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at',
        )
        .run(replica, at),
    );
  }

  async staleReplicas(before: string): Promise<string[]> {
    const rows = this.db.run(() =>
      this.db.statement('SELECT id FROM replicas WHERE seen_at < ?').all(before),
    ) as Array<{
      id: string;
    }>;
    return rows.map((row) => row.id);
  }
}
