import { userRequest } from '@ondemand/core';
import type { ApprovalService } from '../src/approvals/approval-service.js';
import type { GraphShapedAnswer } from '../src/http/graph-shaped-answer.js';

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

/** Graph's answer to a run as the forwarder hands it on: `body` as Graph's JSON text. */
export function graphAnswer(status: number, body: unknown): GraphShapedAnswer {
  return { status, headers: { 'content-type': 'application/json' }, text: JSON.stringify(body) };
}
