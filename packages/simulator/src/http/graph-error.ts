import { graphErrorBody } from '@ondemand/core';
import type { Context } from 'hono';

/** One problem inside a Graph error (`error.details[]`). */
export interface GraphErrorDetail {
  code: string;
  message: string;
  target?: string;
}

/**
 * Answers in Graph's error shape: `{ error: { code, message, innerError: { date, request-id,
 * client-request-id } } }`, with the same ids in the headers, as Graph does on every error.
 */
export function graphError(
  c: Context,
  status: number,
  code: string,
  message: string,
  options: { details?: GraphErrorDetail[]; headers?: Record<string, string> } = {},
): Response {
  const body = graphErrorBody(code, message, {
    requestId: c.get('requestId') as string | undefined,
    clientRequestId: c.req.header('client-request-id'),
    ...(options.details ? { details: options.details } : {}),
  });
  return c.json(body, status as never, options.headers);
}
