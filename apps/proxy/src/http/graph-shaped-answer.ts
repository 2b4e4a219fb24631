import { graphErrorBody, readHeader, statusErrorCode } from '@ondemand/core';
import { type GraphAnswer, HOW_TO_CHECK } from '@ondemand/transport';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * What the proxy answers a provisionOnDemand with, in one shape wherever it comes from: a direct
 * call, an approved run, an idempotent replay, a refusal. The text is sent byte for byte.
 */
export interface GraphShapedAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Who an error body names: the proxy's request id and the caller's client-request-id. */
export type AnswerIds = { requestId?: string | undefined; clientRequestId?: string | undefined };

const JSON_TYPE = { 'content-type': 'application/json' };

/** Graph's answer as Graph gave it (an empty error body gets Graph's error shape for its status). */
export function asGraphGaveIt(answer: GraphAnswer, graphRequestId: string | null): GraphShapedAnswer {
  const headers: Record<string, string> = {
    'content-type': readHeader(answer.headers, 'content-type') ?? 'application/json',
    'graph-request-id': graphRequestId ?? '',
  };
  const retryAfter = readHeader(answer.headers, 'retry-after');
  if (retryAfter) headers['Retry-After'] = retryAfter;
  if (answer.text === '' && answer.status >= 400)
    return {
      status: answer.status,
      text: JSON.stringify(
        graphErrorBody(
          statusErrorCode(answer.status),
          answer.error?.message ?? `Graph answered ${answer.status}`,
        ),
      ),
      headers: { ...headers, ...JSON_TYPE },
    };
  return { status: answer.status, text: answer.text, headers };
}

/** The proxy's own answer in Graph's error shape. */
export function graphError(
  status: number,
  code: string,
  message: string,
  options: { headers?: Record<string, string>; ids?: AnswerIds } = {},
): GraphShapedAnswer {
  return {
    status,
    text: JSON.stringify(graphErrorBody(code, message, options.ids ?? {})),
    headers: { ...JSON_TYPE, ...options.headers },
  };
}

/** Nothing reached Graph: safe to send again (the message says why and when). */
export function notSent(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): GraphShapedAnswer {
  return graphError(status, code, message, { headers });
}

/**
 * The call may have run at Graph and its answer is lost: say so and how to find out. Always 502,
 * never 504 or 503: the Graph JS SDK's and Kiota's retry handlers send a POST again on 429, 503 and
 * 504 on their own, and this one must not be sent again unchecked.
 */
export function mayHaveRun(
  what: string,
  options: { ids?: AnswerIds; link?: string } = {},
): GraphShapedAnswer {
  return graphError(
    502,
    'BadGateway',
    `${what}: the call may have run in Graph, and the proxy will not send it again. ${HOW_TO_CHECK}${options.link ? ` (${options.link})` : ''}`,
    { headers: { 'x-ondemand-outcome': 'unknown' }, ...(options.ids ? { ids: options.ids } : {}) },
  );
}

/** The answer as a response: its status, headers and text, unchanged. */
export function respond(
  c: Context,
  answer: GraphShapedAnswer,
  headers: Record<string, string> = {},
): Response {
  // Graph's status may be any number; Hono types the status of c.body() as one it knows. A 204 (a
  // job action's success) or 304 has no body: a Response with one, even empty, is refused.
  const all = { ...answer.headers, ...headers };
  if (answer.status === 204 || answer.status === 304) return c.body(null, answer.status, all);
  return c.body(answer.text, answer.status as ContentfulStatusCode, all);
}
