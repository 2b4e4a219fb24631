import { z } from 'zod';

/**
 * Every action the proxy's audit log records, with when it is written: the proxy writes these, and
 * the `ondemand audit` command and the README show them.
 */
export const AUDIT_ACTION_MEANINGS = {
  request:
    'a provisionOnDemand or a job action arrived and passed validation (who, which app, job and subjects, or the action and its criteria)',
  decision: "the policy's decision on it: allow, deny (with the reason) or require_approval (the rule)",
  review: 'an approver approved or denied a held request, with the reason (or a review refused, with why)',
  withdrawn:
    'the requester (or an admin) withdrew a pending request, which will never run (or a refused withdrawal)',
  expired: 'a held request reached its expiry without enough approvals: it will never run',
  forward: 'one attempt is about to leave for Graph, written before it leaves (with its client-request-id)',
  outcome: "what came of it: Graph's status and result, or sent: unknown when the answer was lost",
  interrupted: 'an approved run may have reached Graph and its answer was lost: it is never sent again',
  replayed: 'a retry with the same Idempotency-Key was answered from the first answer, nothing sent',
  read: 'an allowed Graph read passed through (path and status)',
  rejected: 'a call refused before the policy: a bad body, too large, a wrong path (status and code)',
  auth_failure: 'a call without a valid API key or token',
  forbidden: 'a call whose principal lacks the role it needs',
  sign_in: 'a person signed in to the console (their name and roles), or a sign-in refused (why)',
  sign_out: 'a person signed out of the console',
} as const;

export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_MEANINGS) as Array<keyof typeof AUDIT_ACTION_MEANINGS>;
export type AuditAction = keyof typeof AUDIT_ACTION_MEANINGS;

/** One entry of the audit log as the proxy serves it (`GET /audit`, `/audit/export`). */
export const auditEntrySchema = z.looseObject({
  seq: z.number().int().positive(),
  at: z.string(),
  action: z.string(),
  principal: z.string().nullable(),
  requestId: z.string(),
  graphRequestId: z.string().nullable(),
  servicePrincipalId: z.string().nullable(),
  jobId: z.string().nullable(),
  /** The subject, e.g. `User 9bb0f679-…` or `Group 8213fd99-… + 2 members`. */
  subject: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;
