import {
  type ApprovalView,
  approvalEnding,
  approvalViewSchema,
  isFinalApprovalState,
  readHeader,
  tryJson,
} from '@ondemand/core';

import { GraphRequestError } from './errors.js';
import type { GraphAnswer } from './http/graph-exchange.js';

/** A request the ondemand proxy holds for a second person's approval, and where to read it. */
export type PendingApproval = ApprovalView;

/**
 * How long each long-poll asks the proxy to hold the answer (`Prefer: wait=N`): under the proxy's
 * 60 s cap and under the idle timeouts of the load balancers usually in front of it.
 */
export const LONG_POLL_SECONDS = 25;

/**
 * Follows a request the proxy answered 202 (held for approval) until it is decided and has run:
 * long-polls `/approvals/{id}` with its `ETag` (the proxy answers as soon as it changes: a review, a
 * state), tells `onPending` of each change, and resolves to the final view.
 */
export async function followApproval(
  held: GraphAnswer,
  get: (url: string, headers: Record<string, string>) => Promise<GraphAnswer>,
  onPending?: (approval: PendingApproval) => void,
): Promise<PendingApproval> {
  let approval = readApproval(held);
  // Where the proxy says the approval is (its public address), as the 202's Location says.
  const url = readHeader(held.headers, 'location') ?? approval.url;
  // With the tag last seen, the proxy answers at each change (a review), not only at the decision.
  let tag = readHeader(held.headers, 'etag');
  for (;;) {
    onPending?.({ ...approval, url });
    if (isFinalApprovalState(approval.state)) return { ...approval, url };
    for (;;) {
      const answer = await get(url, {
        Prefer: `wait=${LONG_POLL_SECONDS}`,
        ...(tag ? { 'If-None-Match': tag } : {}),
      });
      if (answer.status === 304) continue;
      tag = readHeader(answer.headers, 'etag') ?? undefined;
      approval = readApproval(answer);
      break;
    }
  }
}

function readApproval(answer: GraphAnswer): ApprovalView {
  const parsed = approvalViewSchema.safeParse(tryJson(answer.text));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new GraphRequestError(
    'graph',
    `the proxy answered ${answer.status} with something that is not an approval (${issue.path.join('.') || 'body'}: ${issue.message}): is the base URL an ondemand proxy?`,
    { status: answer.status, requestId: answer.requestId, clientRequestId: answer.clientRequestId },
  );
}

/**
 * A request the proxy held for approval that did not run as asked: denied, expired, withdrawn, or
 * approved and then failed or lost. `approval` (its `state` first) says which; the message, why.
 */
export class HeldRequestNotRunError extends GraphRequestError {
  override readonly name = 'HeldRequestNotRunError';
  constructor(
    readonly approval: PendingApproval,
    details: GraphRequestError['details'],
  ) {
    super(
      'graph',
      `the proxy held this request for approval (${approval.url}) and ${whyNotRun(approval)}`,
      details,
    );
  }
}

/** Why a held request did not run, in a sentence for the caller (core's `approvalEnding`, or Graph's answer). */
export function whyNotRun(approval: PendingApproval): string {
  const ending = approvalEnding(approval);
  if (ending) return ending;
  if (approval.state === 'failed')
    return `it was approved, but Graph answered ${approval.result?.status}: ${JSON.stringify(approval.result?.body).slice(0, 300)}`;
  return `it stopped in the state "${approval.state}"`;
}
