import { ApprovalTransitions } from '../../approvals/approval-transitions.js';
import { ComposedStore } from '../proxy-store.js';
import { PostgresApprovalRecords } from './postgres-approval-records.js';
import { PostgresAuditStore } from './postgres-audit-store.js';
import { PostgresConsoleSessions } from './postgres-console-sessions.js';
import { PostgresDatabase, type PostgresStoreOptions } from './postgres-database.js';
import { PostgresIdempotencyStore } from './postgres-idempotency-store.js';
import { PostgresReplicaStore } from './postgres-replica-store.js';

export type { PostgresStoreOptions };

/** The store for several replicas: one PostgreSQL schema holding every concept's tables. */
export class PostgresStore extends ComposedStore {
  readonly #db: PostgresDatabase;

  private constructor(db: PostgresDatabase) {
    const audit = new PostgresAuditStore(db);
    const approvals = new PostgresApprovalRecords(db, audit);
    super({
      audit,
      approvals,
      transitions: new ApprovalTransitions(approvals),
      idempotency: new PostgresIdempotencyStore(db),
      replicas: new PostgresReplicaStore(db),
      consoleSessions: new PostgresConsoleSessions(db),
    });
    this.#db = db;
  }

  /** Connects, creates the schema and runs the migrations not yet applied (safe to run at every start). */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    return new PostgresStore(await PostgresDatabase.open(options));
  }

  /** Drops the schema and everything in it (tests and the campaign clean up with this). */
  static dropSchema(url: string, schema: string): Promise<void> {
    return PostgresDatabase.dropSchema(url, schema);
  }

  /** Where it is, without the password: `postgres://user:***@host/db (schema ondemand)`. */
  get description(): string {
    return this.#db.description;
  }

  ping(): Promise<void> {
    return this.#db.ping();
  }

  close(): Promise<void> {
    return this.#db.close();
  }
}
