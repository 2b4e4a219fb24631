import type { ApprovalView } from '@ondemand/core';
import { provisionOnDemandPath } from '@ondemand/transport';
import type { ApprovalRecord } from '../approvals/approval.js';

/**
 * What callers see of an approval (core's contract): everything but the raw stored row. The path is
 * the one that runs, encoded as it is sent, so what is shown is what is approved.
 */
export function approvalView(record: ApprovalRecord): ApprovalView {
  return {
    id: record.id,
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
    result: record.result,
  };
}
