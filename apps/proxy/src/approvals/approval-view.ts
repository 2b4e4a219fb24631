import { type ApprovalView, approvalPath, approvalResultPath } from '@ondemand/core';
import { jobActionPath, provisionOnDemandPath } from '@ondemand/transport';
import type { Principal } from '../auth/api-keys.js';
import { type ApprovalRecord, applyReview, applyWithdraw } from './approval.js';

/**
 * What callers see of an approval (core's contract): everything but the raw stored row. The path is
 * the one that runs, encoded as it is sent, so what is shown is what is approved; `base` is the
 * proxy's public URL.
 */
export function approvalView(
  record: ApprovalRecord,
  base: string,
  viewer?: { principal: Principal; now: Date },
): ApprovalView {
  const denial =
    record.state === 'denied' ? record.reviews.find((review) => review.decision === 'deny') : undefined;
  return {
    id: record.id,
    url: `${base}${approvalPath(record.id)}`,
    resultUrl: `${base}${approvalResultPath(record.id)}`,
    state: record.state,
    requester: record.requester,
    reason: record.reason,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    request: {
      method: 'POST',
      path: record.action
        ? jobActionPath(record.servicePrincipalId, record.jobId, record.action, record.apiVersion)
        : provisionOnDemandPath(record.servicePrincipalId, record.jobId, record.apiVersion),
      body: JSON.parse(record.body),
      bodySha256: record.bodyHash,
    },
    rule: record.rule,
    required: record.required,
    reviews: record.reviews,
    denial: denial ? { principal: denial.principal, reason: denial.reason, at: denial.at } : null,
    withdrawn: record.withdrawn ?? null,
    names: record.names ?? null,
    result: record.result && {
      status: record.result.status,
      body: record.result.body,
      graphRequestId: record.result.graphRequestId,
      finishedAt: record.result.finishedAt,
    },
    ...(viewer ? { youMay: whatTheViewerMay(record, viewer.principal, viewer.now) } : {}),
  };
}

/** The review and withdraw rules run dry for this caller: what they may do, and why not. */
function whatTheViewerMay(record: ApprovalRecord, principal: Principal, now: Date) {
  const review = applyReview(
    record.id,
    record,
    {
      principal: principal.principal,
      roles: principal.roles,
      decision: 'approve',
      reason: '',
      at: now.toISOString(),
    },
    now,
  ).refused;
  const withdraw = applyWithdraw(
    record.id,
    record,
    { principal: principal.principal, admin: principal.roles.includes('admin') },
    now,
  ).refused;
  return {
    review: { allowed: !review, why: review?.message ?? null },
    withdraw: { allowed: !withdraw, why: withdraw?.message ?? null },
  };
}

/**
 * An approval's entity tag for `If-None-Match`: it changes with each review and each state, which is
 * what a waiting requester follows (the view's other fields, such as what the caller may do, follow
 * from these).
 */
export function approvalTag(record: Pick<ApprovalRecord, 'state' | 'reviews'>): string {
  return `"${record.state}.${record.reviews.length}"`;
}
