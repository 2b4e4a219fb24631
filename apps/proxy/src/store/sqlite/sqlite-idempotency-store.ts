import {
  type IdempotencyClaim,
  type IdempotencyKeyClaim,
  type IdempotencyRow,
  type IdempotencyStore,
  type IdempotentAnswer,
  idempotencyClaimOf,
  type UnansweredKey,
} from '../../idempotency/idempotency-store.js';
import type { SqliteDatabase } from './sqlite-database.js';

/** `Idempotency-Key`s in SQLite: a claim is one transaction, so two requests cannot both claim a key. */
export class SqliteIdempotencyStore implements IdempotencyStore {
  constructor(readonly db: SqliteDatabase) {}

  async claimIdempotencyKey(claim: IdempotencyKeyClaim, expiresBefore: string): Promise<IdempotencyClaim> {
    return this.db.transaction(() => {
      this.db
        .statement('DELETE FROM idempotency_keys WHERE principal = ? AND key = ? AND created_at < ?')
        .run(claim.principal, claim.key, expiresBefore);
      const row = this.db
        .statement('SELECT request_hash, answer FROM idempotency_keys WHERE principal = ? AND key = ?')
        .get(claim.principal, claim.key) as IdempotencyRow | undefined;
      if (row) return idempotencyClaimOf(row, claim.requestHash);
      this.db
        .statement(
          'INSERT INTO idempotency_keys (principal, key, request_hash, request_id, replica, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(claim.principal, claim.key, claim.requestHash, claim.requestId, claim.replica, claim.at);
      return { kind: 'claimed' } as const;
    });
  }

  async answerIdempotencyKey(
    principal: string,
    key: string,
    answer: IdempotentAnswer,
    onlyUnanswered?: { requestHash: string },
  ): Promise<void> {
    this.db.run(() =>
      onlyUnanswered
        ? this.db
            .statement(
              'UPDATE idempotency_keys SET answer = ? WHERE principal = ? AND key = ? AND request_hash = ? AND answer IS NULL',
            )
            .run(JSON.stringify(answer), principal, key, onlyUnanswered.requestHash)
        : this.db
            .statement('UPDATE idempotency_keys SET answer = ? WHERE principal = ? AND key = ?')
            .run(JSON.stringify(answer), principal, key),
    );
  }

  async releaseIdempotencyKey(principal: string, key: string): Promise<void> {
    this.db.run(() =>
      this.db.statement('DELETE FROM idempotency_keys WHERE principal = ? AND key = ?').run(principal, key),
    );
  }

  async unansweredIdempotencyKeys(replica: string): Promise<UnansweredKey[]> {
    return this.db.run(() =>
      this.db
        .statement(
          'SELECT principal, key, request_id AS requestId FROM idempotency_keys WHERE answer IS NULL AND replica = ?',
        )
        .all(replica),
    ) as UnansweredKey[];
  }
}
