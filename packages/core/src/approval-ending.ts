import type { ApprovalView } from './approval-view.js';

/** What a sentence about an approval's end reads of it. */
export type EndedApproval = Pick<ApprovalView, 'state' | 'expiresAt' | 'denial' | 'withdrawn' | 'reviews'>;

/**
 * How a held request ended without running, in one sentence every piece says the same way (the
 * proxy's answer, the transport's error, `ondemand`'s lines): `denied by approver: not this quarter`.
 * `time` writes an instant as its reader wants it. A request that ran, or is still open, has no such
 * sentence (undefined): what it ran into is Graph's answer.
 */
export function approvalEnding(
  approval: EndedApproval,
  time: (iso: string) => string = (iso) => iso,
): string | undefined {
  const last = approval.reviews.at(-1);
  switch (approval.state) {
    case 'denied':
      return `denied by ${approval.denial?.principal ?? last?.principal ?? 'an approver'}: ${approval.denial?.reason ?? last?.reason ?? 'no reason given'}`;
    case 'expired':
      return `expired at ${time(approval.expiresAt)}: nobody approved it in time; ask again`;
    case 'withdrawn':
      return `withdrawn by ${approval.withdrawn?.principal ?? 'its requester'}${approval.withdrawn ? ` at ${time(approval.withdrawn.at)}` : ''}`;
    case 'interrupted':
      return 'approved and sent, and its answer was lost: it may have run in Graph, and it is not sent again';
    default:
      return undefined;
  }
}
