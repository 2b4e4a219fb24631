/** How hard to try: how many retries, and how long all of them together may take. */
export interface RetryOptions {
  /** Retries after the first attempt (default 4). */
  maxRetries?: number;
  /** The whole call, retries and waits included, gives up after this (default 60 000 ms). */
  maxTotalMs?: number;
  /** First backoff when the server gave no Retry-After (default 500 ms), doubled each time. */
  baseDelayMs?: number;
  /** The longest single backoff (default 10 000 ms). */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxRetries: 4,
  maxTotalMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
};

/** Statuses worth the same request again later. 400/401/403/404 never are: the answer would not change. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503 || status === 504;
}

/** Network errors worth a retry: the connection broke, not the request. */
export function isRetryableNetworkError(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'ECONNREFUSED' ||
    code === 'UND_ERR_SOCKET' ||
    code === 'UND_ERR_CLOSED' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}

/**
 * The wait before retry number `attempt` (1-based): the server's Retry-After when it gave one (never
 * less), else exponential backoff with full jitter, capped.
 */
export function backoffMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: Required<RetryOptions>,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
