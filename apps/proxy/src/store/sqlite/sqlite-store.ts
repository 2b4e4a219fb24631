import { ApprovalTransitions } from '../../approvals/approval-transitions.js';
import { ComposedStore } from '../proxy-store.js';
import { SqliteApprovalRecords } from './sqlite-approval-records.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';
import { SqliteConsoleSessions } from './sqlite-console-sessions.js';
import { SqliteDatabase } from './sqlite-database.js';
import { SqliteIdempotencyStore } from './sqlite-idempotency-store.js';
import { SqliteReplicaStore } from './sqlite-replica-store.js';

/** The default store: one SQLite file holding every concept's tables (see {@link SqliteDatabase}). */
export class SqliteStore extends ComposedStore {
  readonly #db: SqliteDatabase;

  constructor(path: string, options: ConstructorParameters<typeof SqliteDatabase>[1] = {}) {
    const db = new SqliteDatabase(path, options);
    const audit = new SqliteAuditStore(db);
    const approvals = new SqliteApprovalRecords(db, audit);
    super({
      audit,
      approvals,
      transitions: new ApprovalTransitions(approvals),
      idempotency: new SqliteIdempotencyStore(db),
      replicas: new SqliteReplicaStore(db),
      consoleSessions: new SqliteConsoleSessions(db),
    });
    this.#db = db;
  }

  get path(): string {
    return this.#db.path;
  }

  ping(): Promise<void> {
    return this.#db.ping();
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}
