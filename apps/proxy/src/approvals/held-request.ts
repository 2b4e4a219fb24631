import { APPROVAL_ODATA_TYPE, approvalEnding, isFinalApprovalState } from '@ondemand/core';
import { ids, type ProxyContext, type ProxyRequest } from '../app/context.js';
import { graphAnswerText } from '../graph/public-links.js';
import { type GraphShapedAnswer, graphError, mayHaveRun, respond } from '../http/graph-shaped-answer.js';
import { preferredWait } from '../http/prefer-wait.js';
import type { ApprovalRecord } from './approval.js';
import { approvalTag, approvalView } from './approval-view.js';

/** How often a caller that got a 202 should look again. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The answer to a request held for approval. With `Prefer: wait=N` the call is held until the request
 * is decided (up to N s) and then answered as Graph answered the run (or as a denial, an expiry, a
 * withdrawal, a lost answer); otherwise, or past N, it is 202 with `Location` and `Retry-After` (the
 * asynchronous pattern of RFC 7240 and Azure's long-running operations) and the approval, typed
 * `#ondemand.approval` and without Graph's `key`/`value`, so no SDK can take it for Graph's answer.
 */
export async function answerHeld(
  ctx: ProxyContext,
  c: ProxyRequest,
  held: ApprovalRecord,
): Promise<Response> {
  const wait = preferredWait(c.req.header('prefer'));
  const record = wait > 0 ? ((await ctx.approvals.waitForDecision(held.id, wait * 1000)) ?? held) : held;
  const applied: Record<string, string> = wait > 0 ? { 'Preference-Applied': `wait=${wait}` } : {};
  const base = ctx.urls.of(c);
  if (!isFinalApprovalState(record.state)) {
    const view = approvalView(record, base);
    return c.json(
      {
        '@odata.type': APPROVAL_ODATA_TYPE,
        ...view,
        message: `Held for approval (it needs ${record.required.count} ${record.required.roles.join(' or ')} approval${record.required.count === 1 ? '' : 's'}): the request runs once approved. Follow ${view.url}.`,
      },
      202,
      // Its tag, for a follower's first If-None-Match: it is then told of each review as it comes.
      {
        Location: view.url,
        'Retry-After': String(RETRY_AFTER_SECONDS),
        ETag: approvalTag(record),
        ...applied,
      },
    );
  }
  return respond(c, finalAnswer(ctx, c, record, base), applied);
}

/** A decided request, answered as what came of it: Graph's own answer when it ran. */
function finalAnswer(
  ctx: ProxyContext,
  c: ProxyRequest,
  record: ApprovalRecord,
  base: string,
): GraphShapedAnswer {
  const error = (status: number, code: string, message: string) =>
    graphError(status, code, message, { ids: ids(c) });
  const view = approvalView(record, base);
  switch (record.state) {
    case 'completed':
    case 'failed': {
      const result = record.result!;
      const text =
        result.text ?? (typeof result.body === 'string' ? result.body : JSON.stringify(result.body));
      return {
        status: result.status,
        text: graphAnswerText(ctx, text, base),
        headers: result.headers ?? {
          'content-type': 'application/json',
          'graph-request-id': result.graphRequestId ?? '',
        },
      };
    }
    case 'denied':
    case 'expired':
    case 'withdrawn': {
      // One sentence for how it ended, as every client says it; a denial is a 403, like a policy's.
      const ending = approvalEnding(view)!;
      return error(
        record.state === 'withdrawn' ? 409 : 403,
        record.state === 'withdrawn' ? 'Conflict' : 'Authorization_RequestDenied',
        `${ending[0]!.toUpperCase()}${ending.slice(1)} (${view.url}).`,
      );
    }
    default:
      return mayHaveRun('It was approved and sent, and its answer was lost', { ids: ids(c), link: view.url });
  }
}
