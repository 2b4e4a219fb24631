import { type GraphErrorInfo, parseGraphError } from '@ondemand/core';
import {
  ConfigError,
  NetworkError,
  OutcomeUnknownError,
  TimeoutError,
  type TransportError,
} from '../errors.js';
import { connectionHint, errorCode, isCertificateProblem } from './connection-failure.js';
import { isRetryableNetworkError, isRetryableStatus, type RetryOptions } from './retry-policy.js';

/** What one attempt came to: Graph's answer (any status), or a failure before one arrived. */
export type AttemptOutcome =
  | {
      kind: 'answered';
      status: number;
      text: string;
      headers: Record<string, string | string[] | undefined>;
    }
  | {
      kind: 'failed';
      error: unknown;
      /** The attempt's own timeout ran out. */
      timedOut: boolean;
      /** Any of the request was written (undici sent its headers): Graph may have it. */
      written: boolean;
    };

/** Where the call stands when its last attempt ended. */
export interface CallState {
  method: string;
  url: string;
  /** The request may go again once any of it may have reached Graph (reads; not a provisionOnDemand). */
  resendable: boolean;
  /** The call waits in a rate limiter, which then holds every caller until Retry-After. */
  limited: boolean;
  attempts: number;
  elapsedMs: number;
  /** A fresh token was already fetched once after a 401. */
  refreshedToken: boolean;
  clientRequestId: string;
  retry: Required<RetryOptions>;
  timeoutMs: number;
  /** What errors name: `Graph` or `the ondemand proxy`. */
  peer: string;
  /** The wait before retry `attempt`, honouring Retry-After (jittered in use, fixed in tests). */
  backoff: (attempt: number, retryAfterMs: number | undefined) => number;
}

/** What to do next: send again (after a wait, perhaps with a fresh token), give the answer, or fail. */
export type NextStep = (
  | { kind: 'again'; waitMs: number; refreshToken?: true }
  | { kind: 'answer'; error?: GraphErrorInfo }
  | { kind: 'fail'; error: TransportError }
) & {
  /** Graph throttled the call: tell the rate limiter to hold every caller this long. */
  throttledMs?: number;
};

/**
 * The decision after an attempt, without a socket: a call that must not run twice goes again only
 * when Graph said it did not run it (429, 503) or when none of it was written; a lost answer after
 * it may have reached Graph is an {@link OutcomeUnknownError}, never a second send.
 */
export function nextStep(outcome: AttemptOutcome, state: CallState): NextStep {
  return outcome.kind === 'failed' ? afterFailure(outcome, state) : afterAnswer(outcome, state);
}

function afterFailure(outcome: Extract<AttemptOutcome, { kind: 'failed' }>, state: CallState): NextStep {
  const { retry } = state;
  const details = { clientRequestId: state.clientRequestId, attempts: state.attempts };
  // Nothing of it reached Graph (refused, no connection) unless undici wrote its headers.
  const mayResend = state.resendable || !outcome.written;
  const within = (wait: number) =>
    state.attempts <= retry.maxRetries && state.elapsedMs + wait < retry.maxTotalMs;
  const where = `${state.method} ${new URL(state.url).pathname}`;
  if (outcome.timedOut) {
    if (mayResend && within(0)) return { kind: 'again', waitMs: 0 };
    const what = `Graph did not answer within ${state.timeoutMs} ms (${where})`;
    if (!mayResend)
      return {
        kind: 'fail',
        error: new OutcomeUnknownError('timeout', what, details, { cause: outcome.error }),
      };
    return {
      kind: 'fail',
      error: new TimeoutError('timeout', `${what}: try again, or raise the timeout`, details, {
        cause: outcome.error,
      }),
    };
  }
  const code = errorCode(outcome.error);
  if (isRetryableNetworkError(outcome.error) && mayResend) {
    const wait = state.backoff(state.attempts, undefined);
    if (within(wait)) return { kind: 'again', waitMs: wait };
  }
  if (!mayResend)
    return {
      kind: 'fail',
      error: new OutcomeUnknownError(
        'connection',
        `the connection to ${state.peer} broke after ${where} was sent (${code})`,
        details,
        { cause: outcome.error },
      ),
    };
  const unreachable = `could not reach ${state.peer} at ${new URL(state.url).origin} (${code}): ${connectionHint(code)}`;
  // A certificate this process will not trust is fixed in the configuration (--ca), not by waiting.
  if (isCertificateProblem(code))
    return { kind: 'fail', error: new ConfigError(unreachable, { cause: outcome.error }) };
  return { kind: 'fail', error: new NetworkError('network', unreachable, details, { cause: outcome.error }) };
}

function afterAnswer(answer: Extract<AttemptOutcome, { kind: 'answered' }>, state: CallState): NextStep {
  if (answer.status >= 200 && answer.status < 300) return { kind: 'answer' };
  // The token may have expired or been revoked since it was cached: one fresh token, one more try.
  if (answer.status === 401 && !state.refreshedToken) return { kind: 'again', waitMs: 0, refreshToken: true };
  const error = parseGraphError(answer.status, answer.headers, answer.text);
  // If a shared store cannot take the pause, the retry below still waits Retry-After itself.
  const throttled =
    answer.status === 429 && state.limited ? { throttledMs: error.retryAfterMs ?? 1_000 } : {};
  if (isRetryableStatus(answer.status, state.resendable) && state.attempts <= state.retry.maxRetries) {
    // A throttled provisionOnDemand waits in the limiter, which now holds every caller until Retry-After.
    const wait =
      answer.status === 429 && state.limited ? 0 : state.backoff(state.attempts, error.retryAfterMs);
    if (state.elapsedMs + (error.retryAfterMs ?? wait) < state.retry.maxTotalMs)
      return { kind: 'again', waitMs: wait, ...throttled };
  }
  return { kind: 'answer', error, ...throttled };
}
