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
  const requestId = c.get('requestId') as string | undefined;
  const clientRequestId = c.req.header('client-request-id');
  const body = {
    error: {
      code,
      message,
      ...(options.details ? { details: options.details } : {}),
      innerError: {
        date: new Date().toISOString().replace(/\.\d+Z$/, ''),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
  return c.json(body, status as never, options.headers);
}
