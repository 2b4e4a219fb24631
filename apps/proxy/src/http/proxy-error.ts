import { type ApprovalRefusal, graphErrorBody, type InputIssue } from '@ondemand/core';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * A refusal the proxy answers in Graph's error shape: status, Graph-style code, a message that says
 * what to do, and headers (Retry-After, …). Thrown anywhere in a route; one `onError` renders it
 * (and audits it, unless `audited` says the route already has).
 */
export class ProxyError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly extra: {
      headers?: Record<string, string>;
      issues?: InputIssue[];
      /** The route wrote its own audit entry for this refusal. */
      audited?: boolean;
      /** Why a review or withdrawal was refused, for clients to branch on (`details[0].code`). */
      refusal?: ApprovalRefusal;
    } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  body(ids: { requestId?: string | undefined; clientRequestId?: string | undefined }) {
    return graphErrorBody(this.code, this.message, {
      ...ids,
      ...(this.extra.refusal
        ? { details: [{ code: this.extra.refusal, message: this.message, target: 'approval' }] }
        : {}),
      ...(this.extra.issues
        ? {
            details: this.extra.issues.map((issue) => ({
              code: 'InvalidValue',
              message: issue.message,
              target: issue.path,
            })),
          }
        : {}),
    });
  }
}

/** A 400 that lists every problem, the first in the message, all in `details` with their paths. */
export function invalidInput(issues: InputIssue[], what = 'Invalid request body'): ProxyError {
  const [first] = issues;
  return new ProxyError(400, 'BadRequest', `${what}: ${first!.path}: ${first!.message}`, { issues });
}

/** The store cannot be reached or written: try again shortly (nothing was changed). */
export function storeUnavailable(cause: unknown): ProxyError {
  return new ProxyError(
    503,
    'ServiceUnavailable',
    "The proxy's store cannot be reached or written right now; nothing was changed. Try again later.",
    { headers: { 'Retry-After': '5' } },
    { cause },
  );
}

/** The audit log cannot be written: fail closed. */
export function auditUnavailable(cause: unknown): ProxyError {
  return new ProxyError(
    503,
    'ServiceUnavailable',
    'The audit log cannot be written, so nothing is forwarded. Try again later.',
    { headers: { 'Retry-After': '5' } },
    { cause },
  );
}
