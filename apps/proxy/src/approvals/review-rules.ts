import type { Role } from '../config.js';
import { type ApprovalRecord, type ApprovalState, type Review, ReviewRefused } from '../store/proxy-store.js';

/**
 * What a review does to an approval, decided the same way in every store (each runs this inside
 * its own transaction): the record to write, if it changed, and the refusal, if there is one. An
 * expired approval is both: it is written as expired and the review is refused.
 */
export function applyReview(
  id: string,
  record: ApprovalRecord | undefined,
  review: Review & { roles: Role[] },
  now: Date,
): { write?: ApprovalRecord; refused?: ReviewRefused } {
  if (!record) return { refused: new ReviewRefused('not_found', `no approval has the id ${id}`) };
  const expired = expiredNow(record, now);
  if (expired)
    return {
      write: expired,
      refused: new ReviewRefused(
        'expired',
        `approval ${id} expired at ${record.expiresAt}; the request will never run: ask again`,
      ),
    };
  if (record.state !== 'pending')
    return {
      refused: new ReviewRefused(
        'decided',
        `approval ${id} is already ${record.state}: it takes no more reviews`,
      ),
    };
  if (review.principal === record.requester)
    return {
      refused: new ReviewRefused(
        'self_review',
        'nobody approves or denies their own request: ask another approver',
      ),
    };
  if (!review.roles.some((role) => record.required.roles.includes(role)))
    return {
      refused: new ReviewRefused(
        'role',
        `reviewing this request needs the role ${record.required.roles.join(' or ')}`,
      ),
    };
  if (record.reviews.some((each) => each.principal === review.principal))
    return {
      refused: new ReviewRefused('duplicate', `${review.principal} has already reviewed approval ${id}`),
    };
  const reviews = [
    ...record.reviews,
    { principal: review.principal, decision: review.decision, reason: review.reason, at: review.at },
  ];
  const approvals = reviews.filter((each) => each.decision === 'approve').length;
  const state: ApprovalState =
    review.decision === 'deny' ? 'denied' : approvals >= record.required.count ? 'approved' : 'pending';
  return { write: { ...record, reviews, state } };
}

/** The record as expired, when it is pending and past its time; otherwise undefined. */
export function expiredNow(record: ApprovalRecord | undefined, now: Date): ApprovalRecord | undefined {
  return record?.state === 'pending' && now.toISOString() >= record.expiresAt
    ? { ...record, state: 'expired' }
    : undefined;
}

/** The replica name of a proxy that was given none (a single process on SQLite). */
export const DEFAULT_REPLICA = 'default';

/** The replica whose claim a run is (records from before replicas had names belong to the default). */
export function claimHolder(record: ApprovalRecord): string {
  return record.executedBy ?? DEFAULT_REPLICA;
}

/** Whether `replica` holds the run of this record: it is executing, under its claim. */
export function holdsClaim(record: ApprovalRecord | undefined, replica: string): record is ApprovalRecord {
  return record?.state === 'executing' && claimHolder(record) === replica;
}

/** The record claimed for execution by `replica`, when it is approved; otherwise undefined. */
export function claimed(record: ApprovalRecord | undefined, replica: string): ApprovalRecord | undefined {
  return record?.state === 'approved' ? { ...record, state: 'executing', executedBy: replica } : undefined;
}
