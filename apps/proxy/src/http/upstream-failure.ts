import { graphErrorBody } from '@ondemand/core';
import type { TransportError } from '@ondemand/transport';

/** Graph's own answer when it gave one; otherwise a Graph-shaped 502/504. */
export function upstreamFailure(error: unknown): {
  status: number;
  body: unknown;
  code: string;
  graphRequestId: string | null;
  headers: Record<string, string>;
} {
  if ((error as TransportError).code === 'rate_limiter') {
    // Without the shared limiter nobody can tell whether a call fits Graph's window: send nothing.
    return {
      status: 503,
      body: graphErrorBody(
        'ServiceUnavailable',
        'The shared rate limiter (Redis) cannot be reached, so nothing was sent to Graph. Try again later.',
      ),
      code: 'rate_limiter',
      graphRequestId: null,
      headers: { 'Retry-After': '5' },
    };
  }
  const failure = error as TransportError;
  const details = failure.details ?? {};
  const status = details.status ?? (failure.code === 'timeout' ? 504 : 502);
  const body =
    details.graphBody ??
    graphErrorBody(
      failure.code === 'timeout' ? 'GatewayTimeout' : 'BadGateway',
      `Graph could not be reached: ${failure.message}`,
    );
  const headers: Record<string, string> = {};
  if (details.retryAfterMs !== undefined)
    headers['Retry-After'] = String(Math.ceil(details.retryAfterMs / 1000));
  return {
    status,
    body,
    code: details.graphCode ?? failure.code ?? 'error',
    graphRequestId: details.requestId ?? null,
    headers,
  };
}
