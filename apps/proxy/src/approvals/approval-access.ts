import { auditContext, type ProxyContext, type ProxyRequest } from '../app/context.js';
import type { Principal } from '../auth/api-keys.js';
import { holdsRole } from '../auth/authentication.js';
import { ProxyError } from '../http/proxy-error.js';
import { type ApprovalRecord, ReviewRefused } from './approval.js';

/** Approvers, auditors and admins see every approval; requesters their own. */
export function seesAll(principal: Principal): boolean {
  return holdsRole(principal, ['approver', 'auditor']);
}

/** Requesters see their own approvals; approvers, auditors and admins see all. */
export function mayRead(principal: Principal, record: ApprovalRecord): boolean {
  return record.requester === principal.principal || seesAll(principal);
}

/**
 * Runs a review or a withdrawal (for the API and the console alike); a refusal is audited (with why)
 * and thrown as a 403, 404 or 409 carrying the refusal.
 */
export async function refusedAsAudited<T>(
  ctx: ProxyContext,
  c: ProxyRequest,
  id: string,
  decision: 'approve' | 'deny' | 'withdraw',
  act: () => Promise<T>,
): Promise<T> {
  try {
    return await act();
  } catch (error) {
    if (!(error instanceof ReviewRefused)) throw error;
    await ctx.audit.append([
      ctx.audit.entry(decision === 'withdraw' ? 'withdrawn' : 'review', auditContext(c), {
        detail: { approval: id, refused: error.reason, decision },
      }),
    ]);
    const status =
      error.reason === 'not_found'
        ? 404
        : ['self_review', 'role', 'not_requester'].includes(error.reason)
          ? 403
          : 409;
    throw new ProxyError(
      status,
      status === 409 ? 'Conflict' : status === 404 ? 'NotFound' : 'Authorization_RequestDenied',
      error.message,
      { audited: true, refusal: error.reason },
    );
  }
}
