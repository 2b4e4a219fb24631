import { userRequest } from '@ondemand/core';
import type { ApprovalService } from '../src/approvals/approval-service.js';

/** What tests ask approval for: one user on job `job` of app `sp`, one approver needed. */
export function approvalRequest(
  overrides: Partial<Parameters<ApprovalService['create']>[0]> = {},
): Parameters<ApprovalService['create']>[0] {
  return {
    requester: 'alice',
    reason: null,
    apiVersion: 'v1.0',
    servicePrincipalId: 'sp',
    jobId: 'job',
    body: userRequest({ ruleId: 'r', userId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8' }),
    rule: 'groups',
    approvals: { count: 1, roles: ['approver'], expiresInMinutes: 60 },
    ...overrides,
  };
}
