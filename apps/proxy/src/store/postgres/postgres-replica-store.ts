import type { ReplicaStore } from '../../approvals/approval-store.js';
import type { PostgresDatabase } from './postgres-database.js';

/** Replicas' heartbeats in PostgreSQL. */
export class PostgresReplicaStore implements ReplicaStore {
  constructor(readonly db: PostgresDatabase) {}

  async heartbeat(replica: string, at: string): Promise<void> {
    await this.db.query(
      'INSERT INTO replicas (id, seen_at) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at',
      [replica, at],
    );
  }

  async staleReplicas(before: string): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>('SELECT id FROM replicas WHERE seen_at < $1', [
      before,
    ]);
    return rows.map((row) => row.id);
  }
}
