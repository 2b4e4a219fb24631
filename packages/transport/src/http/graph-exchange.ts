import { randomUUID } from 'node:crypto';
import {
  type GraphErrorInfo,
  LimiterStoreError,
  parseGraphError,
  readHeader,
  type SlidingWindowLimiter,
} from '@ondemand/core';
import { type Dispatcher, request } from 'undici';
import type { CachingCredential } from '../credentials/token-credential.js';
import {
  AuthError,
  ConfigError,
  NetworkError,
  OutcomeUnknownError,
  RateLimiterUnavailableError,
  TimeoutError,
  TransportError,
} from '../errors.js';
import { abortedOr, pause } from './cancellable-pause.js';
import { connectionHint, errorCode, isCertificateProblem } from './connection-failure.js';
import { backoffMs, isRetryableNetworkError, isRetryableStatus, type RetryOptions } from './retry-policy.js';
import { whenHeadersSent } from './when-headers-sent.js';

/** One attempt about to be written: its number (1 first) and the call's `client-request-id`. */
export interface Attempt {
  number: number;
  clientRequestId: string;
}

export interface ExchangeRequest {
  method: Dispatcher.HttpMethod;
  url: string;
  body?: unknown;
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  /** The rate limiter this call waits in (provisionOnDemand's window), if any. */
  limiter?: SlidingWindowLimiter | undefined;
  /**
   * Whether the request may go again once any of it may have reached Graph: reads may; a
   * provisionOnDemand may not (unless its caller says so), since Graph could run it twice.
   */
  resendable: boolean;
  /**
   * Awaited before each attempt is written, after the rate limiter's grant: the last moment at which
   * that attempt has certainly not reached Graph (a proxy audits it). If it throws, nothing more is sent.
   */
  beforeAttempt?: ((attempt: Attempt) => Promise<void>) | undefined;
}

/** Graph's last answer, whatever its status: the caller decides what it means. */
export interface GraphAnswer {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
  requestId: string | undefined;
  clientRequestId: string;
  attempts: number;
  /** For a status outside 2xx: Graph's error, read. */
  error?: GraphErrorInfo;
}

export interface GraphExchangeOptions {
  credential: CachingCredential;
  scope: string;
  dispatcher: Dispatcher;
  retry: Required<RetryOptions>;
  /** Per attempt. */
  timeoutMs: number;
  /** What it talks to, as errors name it: `Graph` (the default) or `the ondemand proxy`. */
  peer?: string;
}

/**
 * Sends one Graph call and brings back its last answer: the token (one fresh one after a 401), the
 * rate limiter's grant, the request with its timeout, and retries with backoff that honours
 * Retry-After within the budget. A call that must not run twice is sent again only when Graph said
 * it did not run it (429, 503) or when none of it was written; if its answer is lost after any of it
 * may have reached Graph, that is an {@link OutcomeUnknownError}, never a second send.
 */
export class GraphExchange {
  constructor(private readonly options: GraphExchangeOptions) {}

  async run(call: ExchangeRequest): Promise<GraphAnswer> {
    const { retry } = this.options;
    const clientRequestId = randomUUID();
    const started = Date.now();
    let attempts = 0;
    let refreshedToken = false;
    for (;;) {
      attempts += 1;
      // The token comes first: a grant must be spent at once, not while a sign-in is under way,
      // or calls granted in different windows reach Graph together.
      const token = await this.#token(call.signal);
      let written = false;
      const stopWatching = await this.#grant(call, clientRequestId, () => {
        written = true;
      });
      try {
        await call.beforeAttempt?.({ number: attempts, clientRequestId });
      } catch (error) {
        stopWatching();
        throw error;
      }

      const timeout = AbortSignal.timeout(this.options.timeoutMs);
      // A cancel stops the call until any of it is written. One that may then have reached Graph and
      // must not run twice runs on to its answer, so that what it did is known and recorded.
      const cancel = new AbortController();
      const onCancel = () => {
        if (call.resendable || !written) cancel.abort(call.signal?.reason);
      };
      if (call.signal?.aborted) onCancel();
      call.signal?.addEventListener('abort', onCancel, { once: true });
      let answer: GraphAnswer;
      try {
        const response = await request(call.url, {
          method: call.method,
          dispatcher: this.options.dispatcher,
          signal: AbortSignal.any([cancel.signal, timeout]),
          headers: {
            authorization: `Bearer ${token}`,
            'client-request-id': clientRequestId,
            'return-client-request-id': 'true',
            accept: 'application/json',
            'user-agent': 'ondemand',
            ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...call.headers,
          },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
        });
        const text = await response.body.text();
        answer = {
          status: response.statusCode,
          text,
          headers: response.headers,
          requestId: readHeader(response.headers, 'request-id'),
          clientRequestId,
          attempts,
        };
      } catch (error) {
        stopWatching();
        call.signal?.removeEventListener('abort', onCancel);
        if (cancel.signal.aborted) throw abortedOr(error, call.signal);
        // Nothing of it reached Graph (refused, no connection) unless undici wrote its headers.
        const mayResend = call.resendable || !written;
        const within = (wait: number) =>
          attempts <= retry.maxRetries && Date.now() - started + wait < retry.maxTotalMs;
        const where = `${call.method} ${pathOf(call.url)}`;
        if (timeout.aborted) {
          if (mayResend && within(0)) continue;
          const what = `Graph did not answer within ${this.options.timeoutMs} ms (${where})`;
          if (!mayResend)
            throw new OutcomeUnknownError('timeout', what, { clientRequestId, attempts }, { cause: error });
          throw new TimeoutError(
            'timeout',
            `${what}: try again, or raise the timeout`,
            { clientRequestId, attempts },
            { cause: error },
          );
        }
        const code = errorCode(error);
        if (isRetryableNetworkError(error) && mayResend) {
          const wait = backoffMs(attempts, undefined, retry);
          if (within(wait)) {
            await pause(wait, call.signal);
            continue;
          }
        }
        if (!mayResend)
          throw new OutcomeUnknownError(
            'connection',
            `the connection to ${this.options.peer ?? 'Graph'} broke after ${where} was sent (${code})`,
            { clientRequestId, attempts },
            { cause: error },
          );
        const unreachable = `could not reach ${this.options.peer ?? 'Graph'} at ${new URL(call.url).origin} (${code}): ${connectionHint(code)}`;
        // A certificate this process will not trust is fixed in the configuration (--ca), not by waiting.
        if (isCertificateProblem(code)) throw new ConfigError(unreachable, { cause: error });
        throw new NetworkError('network', unreachable, { clientRequestId, attempts }, { cause: error });
      }
      stopWatching();
      call.signal?.removeEventListener('abort', onCancel);
      if (answer.status >= 200 && answer.status < 300) return answer;

      if (answer.status === 401 && !refreshedToken) {
        // The token may have expired or been revoked since it was cached: one fresh token, one more try.
        refreshedToken = true;
        this.options.credential.invalidate(this.options.scope);
        continue;
      }
      const error = parseGraphError(answer.status, answer.headers, answer.text);
      // If a shared store cannot take the pause, the retry below still waits Retry-After itself.
      if (answer.status === 429 && call.limiter)
        await call.limiter.reportRetryAfter(error.retryAfterMs ?? 1_000).catch(() => {});
      if (isRetryableStatus(answer.status, call.resendable) && attempts <= retry.maxRetries) {
        // A throttled provisionOnDemand waits in the limiter, which now holds every caller until Retry-After.
        const wait =
          answer.status === 429 && call.limiter ? 0 : backoffMs(attempts, error.retryAfterMs, retry);
        if (Date.now() - started + (error.retryAfterMs ?? wait) < retry.maxTotalMs) {
          if (wait > 0) await pause(wait, call.signal);
          continue;
        }
      }
      return { ...answer, error };
    }
  }

  /** A token, as a call would get it: a credential's failure as an {@link AuthError} (a readiness check). */
  token(signal?: AbortSignal): Promise<string> {
    return this.#token(signal);
  }

  async #token(signal: AbortSignal | undefined): Promise<string> {
    let token: { token: string } | null;
    try {
      token = await this.options.credential.getToken(
        this.options.scope,
        signal ? { abortSignal: signal } : undefined,
      );
    } catch (error) {
      if (error instanceof TransportError) throw error;
      if (signal?.aborted) throw abortedOr(error, signal);
      // A credential of the caller's own (`@azure/identity`'s, say) fails in its own words.
      throw new AuthError(
        `the credential could not get a token: ${(error as Error).message ?? String(error)}`,
        {},
        { cause: error },
      );
    }
    if (!token) throw new AuthError('the credential gave no token: check that it can sign in to this tenant');
    return token.token;
  }

  /**
   * Waits for the rate limiter's grant, if the call has a limiter, and watches for the moment undici
   * writes the request: it re-times the grant to then, and tells `onWritten`. Returns the stop.
   */
  async #grant(call: ExchangeRequest, clientRequestId: string, onWritten: () => void): Promise<() => void> {
    let grant: Awaited<ReturnType<SlidingWindowLimiter['acquire']>> | undefined;
    try {
      grant = await call.limiter?.acquire(call.signal);
    } catch (error) {
      if (error instanceof LimiterStoreError)
        throw new RateLimiterUnavailableError(
          `${error.message}: nothing was sent to Graph; try again when the limiter's store answers`,
          { cause: error },
        );
      throw abortedOr(error, call.signal);
    }
    return whenHeadersSent(clientRequestId, (at) => {
      onWritten();
      // A shared store out of reach only loses the re-timing: the call itself goes on.
      if (grant) void grant.retime(at).catch(() => {});
    });
  }
}

export function pathOf(url: string): string {
  return new URL(url).pathname;
}
