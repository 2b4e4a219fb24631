import type { ApiVersion, ApprovalRefusal, ApprovalState, JobAction } from '@ondemand/core';
import type { Role } from '../auth/roles.js';

export type { ApprovalState };

export interface Review {
  principal: string;
  decision: 'approve' | 'deny';
  reason: string;
  at: string;
}

/** A gated request: exactly what was asked (the body, bound by its hash), who may decide, and what came of it. */
export interface ApprovalRecord {
  id: string;
  state: ApprovalState;
  requester: string;
  reason: string | null;
  createdAt: string;
  expiresAt: string;
  apiVersion: ApiVersion;
  servicePrincipalId: string;
  jobId: string;
  /** The job action it runs (`restart`); absent for a provisionOnDemand (and records from before). */
  action?: JobAction;
  body: string;
  bodyHash: string;
  rule: string;
  required: { count: number; roles: Role[] };
  reviews: Review[];
  /**
   * Graph's answer to the run: `body` as JSON (what the approval view shows), and the text and headers
   * exactly as Graph gave them, so the requester's answer is Graph's (records from before have no text).
   */
  result: {
    status: number;
    body: unknown;
    text?: string;
    headers?: Record<string, string>;
    graphRequestId: string | null;
    finishedAt: string;
  } | null;
  /** The replica that claimed it for execution: after a restart it alone marks it interrupted. */
  executedBy?: string;
  /** When the claimed request was about to reach Graph; before it, a crash loses nothing. */
  sendingAt?: string;
  /** What the ids are, for the people who decide (resolved when it was held; the ids are what runs). */
  names?: ApprovalNames;
  /** Who withdrew it, and when. */
  withdrawn?: { principal: string; at: string };
}

/** Display names next to the ids an approval holds. */
export interface ApprovalNames {
  servicePrincipal: string | null;
  job: string | null;
  rules: Record<string, string | null>;
  /** By object id: each subject's and linked object's type and display name. */
  objects: Record<string, { type: string; displayName: string | null }>;
}

/** Why a review or a withdrawal was refused; the HTTP layer maps these to 403/404/409. */
export class ReviewRefused extends Error {
  constructor(
    readonly reason: ApprovalRefusal,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What withdrawing does: a pending request, withdrawn by whoever asked for it (or an admin), never
 * runs. Decided, expired and others' requests are refused, each with why.
 */
export function applyWithdraw(
  id: string,
  record: ApprovalRecord | undefined,
  by: { principal: string; admin: boolean },
  now: Date,
): { write?: ApprovalRecord; refused?: ReviewRefused } {
  if (!record) return { refused: new ReviewRefused('not_found', `no approval has the id ${id}`) };
  if (record.requester !== by.principal && !by.admin)
    return {
      refused: new ReviewRefused(
        'not_requester',
        `only ${record.requester} (or an admin) can withdraw approval ${id}`,
      ),
    };
  const expired = asExpired(record, now);
  if (expired)
    return {
      write: expired,
      refused: new ReviewRefused(
        'expired',
        `approval ${id} expired at ${record.expiresAt}: there is nothing to withdraw`,
      ),
    };
  if (record.state !== 'pending')
    return {
      refused: new ReviewRefused(
        'decided',
        `approval ${id} is already ${record.state}: it can no longer be withdrawn`,
      ),
    };
  return {
    write: { ...record, state: 'withdrawn', withdrawn: { principal: by.principal, at: now.toISOString() } },
  };
}

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
  const expired = asExpired(record, now);
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
export function asExpired(record: ApprovalRecord | undefined, now: Date): ApprovalRecord | undefined {
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
export function asClaimed(record: ApprovalRecord | undefined, replica: string): ApprovalRecord | undefined {
  return record?.state === 'approved' ? { ...record, state: 'executing', executedBy: replica } : undefined;
}
