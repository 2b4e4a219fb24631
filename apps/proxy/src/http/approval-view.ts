import { type ApprovalView, approvalPath, approvalResultPath } from '@ondemand/core';
import { provisionOnDemandPath } from '@ondemand/transport';
import type { ApprovalRecord } from '../approvals/approval.js';

/**
 * What callers see of an approval (core's contract): everything but the raw stored row. The path is
 * the one that runs, encoded as it is sent, so what is shown is what is approved; `base` is the
 * proxy's public URL.
 */
export function approvalView(record: ApprovalRecord, base: string): ApprovalView {
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
      path: provisionOnDemandPath(record.servicePrincipalId, record.jobId, record.apiVersion),
      body: JSON.parse(record.body),
      bodySha256: record.bodyHash,
    },
    rule: record.rule,
    required: record.required,
    reviews: record.reviews,
    denial: denial ? { principal: denial.principal, reason: denial.reason, at: denial.at } : null,
    withdrawn: record.withdrawn ?? null,
    names: record.names ?? null,
    result: record.result,
  };
}
