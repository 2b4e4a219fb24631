import type { AuditStore } from '../audit/audit-store.js';
import { unknownAnswer } from './idempotency.js';
import type { IdempotencyStore } from './idempotency-store.js';

/**
 * Keys whose first request this replica was answering when it stopped: one that reached Graph is
 * answered "may have run" from now on (never sent again); one that did not is let go.
 */
export async function settleCutShortIdempotencyKeys(
  store: IdempotencyStore & Pick<AuditStore, 'queryAudit'>,
  replica: string,
): Promise<void> {
  for (const key of await store.unansweredIdempotencyKeys(replica)) {
    const [forward] = await store.queryAudit({ action: 'forward', requestId: key.requestId, limit: 1 });
    if (forward) await store.answerIdempotencyKey(key.principal, key.key, unknownAnswer());
    else await store.releaseIdempotencyKey(key.principal, key.key);
  }
}
