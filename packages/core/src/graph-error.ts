import { z } from 'zod';
import { parseRetryAfter } from './retry-after.js';

/** Headers as fetch, undici and Node's http module give them. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

/** A Graph error answer in one value: what failed, the ids support asks for, and how long to wait. */
export interface GraphErrorInfo {
  status: number;
  /** Graph's `error.code` (`Request_UnsupportedQuery`, `TooManyRequests`, …) or `http_<status>` without a body. */
  code: string;
  message: string;
  /** Graph's `request-id` (header, else `error.innerError["request-id"]`). */
  requestId: string | undefined;
  clientRequestId: string | undefined;
  /** Milliseconds to wait before retrying, from `Retry-After`. */
  retryAfterMs: number | undefined;
  /** The nested `innerError`, as Graph sent it. */
  innerError: Record<string, unknown> | undefined;
  /** Whether waiting and retrying the same request may succeed (429, 503, 504). */
  retryable: boolean;
}

const graphErrorBodySchema = z.object({
  error: z.looseObject({
    code: z.string().optional(),
    message: z.string().optional(),
    innerError: z.record(z.string(), z.unknown()).optional(),
    innererror: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** Statuses where the same request, sent again later, may succeed. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/**
 * Reads a failed Graph answer into a {@link GraphErrorInfo}, whatever its body holds (Graph's error
 * object, HTML from a gateway, nothing).
 *
 * @example
 * const info = parseGraphError(response.status, response.headers, await response.text());
 * if (info.retryAfterMs !== undefined) await sleep(info.retryAfterMs);
 */
export function parseGraphError(
  status: number,
  headers: HeaderSource | undefined,
  body: unknown,
  now: number = Date.now(),
): GraphErrorInfo {
  const parsed = graphErrorBodySchema.safeParse(typeof body === 'string' ? tryJson(body) : body);
  const error = parsed.success ? parsed.data.error : undefined;
  const innerError = error?.innerError ?? error?.innererror;
  return {
    status,
    code: error?.code ?? `http_${status}`,
    message: error?.message ?? describeStatus(status, body),
    requestId: header(headers, 'request-id') ?? stringField(innerError, 'request-id'),
    clientRequestId: header(headers, 'client-request-id') ?? stringField(innerError, 'client-request-id'),
    retryAfterMs: parseRetryAfter(header(headers, 'retry-after'), now),
    innerError,
    retryable: RETRYABLE_STATUSES.has(status),
  };
}

function header(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === 'function')
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

function stringField(record: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = record?.[name];
  return typeof value === 'string' ? value : undefined;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeStatus(status: number, body: unknown): string {
  const known: Record<number, string> = {
    400: 'Graph refused the request as malformed',
    401: 'Graph did not accept the access token: check the tenant, client id and credential',
    403: 'the app or user lacks permission: grant Synchronization.ReadWrite.All (or Application.ReadWrite.OwnedBy)',
    404: 'not found: check the service principal id and job id',
    429: 'throttled by Graph: provisionOnDemand allows 5 calls per 10 seconds',
    500: 'Graph failed with an internal error',
    502: 'a gateway in front of Graph failed',
    503: 'Graph is unavailable for now',
    504: 'Graph timed out',
  };
  const snippet =
    typeof body === 'string' && body.trim() !== '' ? ` (body: ${body.trim().slice(0, 120)})` : '';
  return `${known[status] ?? `Graph answered HTTP ${status}`}${snippet}`;
}
