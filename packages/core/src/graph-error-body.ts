/**
 * Graph's error body, as Graph, the simulator and the proxy all answer it:
 * `{ error: { code, message, details?, innerError: { date, request-id, client-request-id } } }`.
 */
export function graphErrorBody(
  code: string,
  message: string,
  ids: {
    requestId?: string | undefined;
    clientRequestId?: string | undefined;
    details?: Array<{ code: string; message: string; target?: string }>;
  } = {},
): { error: Record<string, unknown> } {
  return {
    error: {
      code,
      message,
      ...(ids.details ? { details: ids.details } : {}),
      innerError: {
        date: new Date().toISOString().replace(/\.\d+Z$/, ''),
        'request-id': ids.requestId,
        'client-request-id': ids.clientRequestId ?? ids.requestId,
      },
    },
  };
}
