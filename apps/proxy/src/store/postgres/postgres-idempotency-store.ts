import {
  type IdempotencyClaim,
  type IdempotencyKeyClaim,
  type IdempotencyRow,
  type IdempotencyStore,
  type IdempotentAnswer,
  idempotencyClaimOf,
  type UnansweredKey,
} from '../../idempotency/idempotency-store.js';
import type { PostgresDatabase } from './postgres-database.js';

/** `Idempotency-Key`s in PostgreSQL: replicas claiming one key together wait for each other's row lock. */
export class PostgresIdempotencyStore implements IdempotencyStore {
  constructor(readonly db: PostgresDatabase) {}

  async claimIdempotencyKey(claim: IdempotencyKeyClaim, expiresBefore: string): Promise<IdempotencyClaim> {
    return this.db.transaction(async (client) => {
      await client.query(
        'DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND created_at < $3',
        [claim.principal, claim.key, expiresBefore],
      );
      // Inserted or not, the row is locked for this transaction: two replicas claiming together wait in turn.
      const inserted = await client.query(
        'INSERT INTO idempotency_keys (principal, key, request_hash, request_id, replica, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
        [claim.principal, claim.key, claim.requestHash, claim.requestId, claim.replica, claim.at],
      );
      if (inserted.rowCount === 1) return { kind: 'claimed' } as const;
      const { rows } = await client.query<IdempotencyRow>(
        'SELECT request_hash, answer FROM idempotency_keys WHERE principal = $1 AND key = $2 FOR UPDATE',
        [claim.principal, claim.key],
      );
      return idempotencyClaimOf(rows[0]!, claim.requestHash);
    });
  }

  async answerIdempotencyKey(
    principal: string,
    key: string,
    answer: IdempotentAnswer,
    onlyUnanswered?: { requestHash: string },
  ): Promise<void> {
    if (onlyUnanswered)
      await this.db.query(
        'UPDATE idempotency_keys SET answer = $1 WHERE principal = $2 AND key = $3 AND request_hash = $4 AND answer IS NULL',
        [JSON.stringify(answer), principal, key, onlyUnanswered.requestHash],
      );
    else
      await this.db.query('UPDATE idempotency_keys SET answer = $1 WHERE principal = $2 AND key = $3', [
        JSON.stringify(answer),
        principal,
        key,
      ]);
  }

  async releaseIdempotencyKey(principal: string, key: string): Promise<void> {
    await this.db.query('DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2', [principal, key]);
  }

  async unansweredIdempotencyKeys(replica: string): Promise<UnansweredKey[]> {
    const { rows } = await this.db.query<UnansweredKey>(
      'SELECT principal, key, request_id AS "requestId" FROM idempotency_keys WHERE answer IS NULL AND replica = $1',
      [replica],
    );
    return rows;
  }
}
