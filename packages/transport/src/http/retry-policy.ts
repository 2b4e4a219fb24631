import { NOT_RUN_STATUSES, RETRYABLE_STATUSES } from '@ondemand/core';

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
  /**
   * Send a provisionOnDemand again after its answer was lost (a reset or a timeout after sending, a
   * 502/504), as for a read (default false: Graph may have run it, and would run it again). Safe
   * for a single user, whose repeat is a redundant-export skip; a group's repeat runs again.
   */
  resendUnknownOutcome?: boolean;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  maxRetries: 4,
  maxTotalMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  resendUnknownOutcome: false,
};

/**
 * Whether an answer is worth the same request again later. Any call may go again after Graph said
 * it did not run it (429, 503); one that may be sent twice (a read) also after a gateway timeout
 * (504). 400/401/403/404 never are: the answer would not change.
 */
export function isRetryableStatus(status: number, resendable: boolean): boolean {
  return resendable ? RETRYABLE_STATUSES.has(status) : NOT_RUN_STATUSES.has(status);
}

/** Network errors worth a retry (for a call that may not go twice, only before any of it was sent). */
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
