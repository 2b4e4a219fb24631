import { randomUUID } from 'node:crypto';
import {
  type GraphErrorInfo,
  LimiterStoreError,
  readHeader,
  type SlidingWindowLimiter,
} from '@ondemand/core';
import { type Dispatcher, request } from 'undici';
import type { CachingCredential } from '../credentials/token-credential.js';
import { AuthError, RateLimiterUnavailableError, TransportError } from '../errors.js';
import { type AttemptOutcome, nextStep } from './attempt-decision.js';
import { abortedOr, pause } from './cancellable-pause.js';
import { backoffMs, type RetryOptions } from './retry-policy.js';
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
    let refreshedToken = false;
    for (let attempts = 1; ; attempts++) {
      const outcome = await this.#attempt(call, clientRequestId, attempts);
      const step = nextStep(outcome, {
        method: call.method,
        url: call.url,
        resendable: call.resendable,
        limited: call.limiter !== undefined,
        attempts,
        elapsedMs: Date.now() - started,
        refreshedToken,
        clientRequestId,
        retry,
        timeoutMs: this.options.timeoutMs,
        peer: this.options.peer ?? 'Graph',
        backoff: (attempt, retryAfterMs) => backoffMs(attempt, retryAfterMs, retry),
      });
      // If a shared store cannot take the pause, a retry still waits Retry-After itself.
      if (step.throttledMs !== undefined)
        await call.limiter?.reportRetryAfter(step.throttledMs).catch(() => {});
      if (step.kind === 'fail') throw step.error;
      if (step.kind === 'answer') {
        if (outcome.kind !== 'answered') throw new Error('an answer needs an attempt that was answered');
        const { kind: _kind, ...answer } = outcome;
        return {
          ...answer,
          requestId: readHeader(answer.headers, 'request-id'),
          clientRequestId,
          attempts,
          ...(step.error ? { error: step.error } : {}),
        };
      }
      if (step.refreshToken) {
        refreshedToken = true;
        this.options.credential.invalidate(this.options.scope);
      }
      if (step.waitMs > 0) await pause(step.waitMs, call.signal);
    }
  }

  /**
   * One attempt: a token, the rate limiter's grant, `beforeAttempt`, and the request with its own
   * timeout. Its answer or its failure comes back as a value; a cancel, or a refusal before it was
   * sent, is thrown.
   */
  async #attempt(call: ExchangeRequest, clientRequestId: string, number: number): Promise<AttemptOutcome> {
    // The token comes first: a grant must be spent at once, not while a sign-in is under way,
    // or calls granted in different windows reach Graph together.
    const token = await this.#token(call.signal);
    let written = false;
    const stopWatching = await this.#grant(call, clientRequestId, () => {
      written = true;
    });
    try {
      await call.beforeAttempt?.({ number, clientRequestId });
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
      return { kind: 'answered', status: response.statusCode, text, headers: response.headers };
    } catch (error) {
      if (cancel.signal.aborted) throw abortedOr(error, call.signal);
      return { kind: 'failed', error, timedOut: timeout.aborted, written };
    } finally {
      stopWatching();
      call.signal?.removeEventListener('abort', onCancel);
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
