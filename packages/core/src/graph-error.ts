import { z } from 'zod';
import { parseRetryAfter } from './retry-after.js';
import { tryJson } from './try-json.js';

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
 * Of {@link RETRYABLE_STATUSES}, the answers by which Graph says it did not run the call (throttled,
 * unavailable): the only ones after which a call that must not run twice may be sent again.
 */
export const NOT_RUN_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * Answers from a gateway in front of Graph (502, 504): the call reached Graph's front door and may or
 * may not have run behind it. A provisionOnDemand answered so must be checked, not sent again blindly.
 */
export const OUTCOME_UNKNOWN_STATUSES: ReadonlySet<number> = new Set([502, 504]);

const STATUS_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  412: 'PreconditionFailed',
  413: 'RequestEntityTooLarge',
  414: 'RequestUriTooLong',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  431: 'RequestHeaderFieldsTooLarge',
  500: 'InternalServerError',
  501: 'NotImplemented',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/** Graph's error code for a bare HTTP status (`431` → `RequestHeaderFieldsTooLarge`), for answers that came without a body. */
export function statusErrorCode(status: number): string {
  return STATUS_CODES[status] ?? `http_${status}`;
}

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
    requestId: readHeader(headers, 'request-id') ?? stringField(innerError, 'request-id'),
    clientRequestId: readHeader(headers, 'client-request-id') ?? stringField(innerError, 'client-request-id'),
    retryAfterMs: parseRetryAfter(readHeader(headers, 'retry-after'), now),
    innerError,
    retryable: RETRYABLE_STATUSES.has(status),
  };
}

/** One header's value from any {@link HeaderSource}, by lower-case name (the first, when it repeats). */
export function readHeader(headers: HeaderSource | undefined, name: string): string | undefined {
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
