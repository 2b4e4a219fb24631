import type { GraphShapedAnswer } from '../http/graph-shaped-answer.js';

/** What a reused `Idempotency-Key` is answered with: the first answer, or the approval it made. */
export type IdempotentAnswer =
  | { kind: 'answer'; answer: GraphShapedAnswer }
  | { kind: 'approval'; id: string };

/** A first request's claim on an `Idempotency-Key`: whose key, for which request, by which replica, when. */
export interface IdempotencyKeyClaim {
  principal: string;
  key: string;
  requestHash: string;
  requestId: string;
  replica: string;
  at: string;
}

/** What claiming an `Idempotency-Key` found. */
export type IdempotencyClaim =
  | { kind: 'claimed' }
  /** The key was used for another request: 422. */
  | { kind: 'mismatch' }
  /** The first request with this key is still being answered: 409. */
  | { kind: 'in_flight' }
  | { kind: 'answered'; answer: IdempotentAnswer };

/** An `Idempotency-Key` whose first request was still being answered when its replica stopped. */
export interface UnansweredKey {
  principal: string;
  key: string;
  requestId: string;
}

/** Where `Idempotency-Key`s and their first answers are kept. */
export interface IdempotencyStore {
  /**
   * Takes an `Idempotency-Key` for a request (by its hash) in one transaction, forgetting one used
   * before `expiresBefore`: the first request with a key claims it; later ones learn what it got.
   */
  claimIdempotencyKey(claim: IdempotencyKeyClaim, expiresBefore: string): Promise<IdempotencyClaim>;
  /**
   * Keeps the first request's answer for the key's reuse; with `onlyUnanswered`, only while the key
   * is claimed for that request and has no answer yet.
   */
  answerIdempotencyKey(
    principal: string,
    key: string,
    answer: IdempotentAnswer,
    onlyUnanswered?: { requestHash: string },
  ): Promise<void>;
  /** Lets the key go (nothing was done for it: the next request with it is a first one). */
  releaseIdempotencyKey(principal: string, key: string): Promise<void>;
  /** This replica's keys whose first request was never answered (it stopped meanwhile). */
  unansweredIdempotencyKeys(replica: string): Promise<UnansweredKey[]>;
}

/** A key's row as both stores keep it. */
export type IdempotencyRow = { request_hash: string; answer: string | null };

/** What the stored row of a key says to a request claiming it with `requestHash`. */
export function idempotencyClaimOf(row: IdempotencyRow, requestHash: string): IdempotencyClaim {
  if (row.request_hash !== requestHash) return { kind: 'mismatch' };
  if (row.answer === null) return { kind: 'in_flight' };
  return { kind: 'answered', answer: storedAnswer(JSON.parse(row.answer)) };
}

/** A kept answer as stored; one kept before answers had one shape held `body` where `text` is now. */
function storedAnswer(
  stored:
    | IdempotentAnswer
    | { kind: 'answer'; status: number; headers: Record<string, string>; body: string },
): IdempotentAnswer {
  if (stored.kind !== 'answer' || 'answer' in stored) return stored;
  return { kind: 'answer', answer: { status: stored.status, headers: stored.headers, text: stored.body } };
}
