import type { InputIssue } from '@ondemand/core';

/** What kind of failure it was: callers branch on this, the CLI maps it to an exit code. */
export type TransportErrorCode =
  | 'config'
  | 'auth'
  | 'validation'
  | 'throttled'
  | 'graph'
  | 'network'
  | 'timeout'
  | 'rate_limiter'
  | 'aborted';

/**
 * Every error the transport throws. `message` says what went wrong and what to do next; it never
 * holds a secret, a token or a key.
 */
export class TransportError extends Error {
  override readonly name: string = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    readonly details: {
      status?: number;
      graphCode?: string;
      requestId?: string;
      clientRequestId?: string;
      retryAfterMs?: number;
      issues?: InputIssue[];
      attempts?: number;
      /** Graph's error body as it came (for a proxy that passes it on). */
      graphBody?: unknown;
    } = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get requestId(): string | undefined {
    return this.details.requestId;
  }
}

/** Bad options: an unknown cloud, the China cloud, a missing tenant or credential. */
export class ConfigError extends TransportError {
  override readonly name = 'ConfigError';
  constructor(message: string, options?: ErrorOptions) {
    super('config', message, {}, options);
  }
}

/** Signing in failed: wrong secret, unknown client, certificate not registered, consent missing. */
export class AuthError extends TransportError {
  override readonly name = 'AuthError';
  constructor(message: string, details: TransportError['details'] = {}, options?: ErrorOptions) {
    super('auth', message, details, options);
  }
}

/** The request body was refused before sending: `issues` lists every problem with its path. */
export class RequestValidationError extends TransportError {
  override readonly name = 'RequestValidationError';
  constructor(issues: InputIssue[]) {
    super(
      'validation',
      `the request body is not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      { issues },
    );
  }
}

/** Graph answered with an error (4xx/5xx other than throttling). */
export class GraphRequestError extends TransportError {
  override readonly name = 'GraphRequestError';
}

/** Graph kept answering 429 past the retry budget. */
export class ThrottledError extends TransportError {
  override readonly name = 'ThrottledError';
}

/** The connection failed (refused, reset, TLS). */
export class NetworkError extends TransportError {
  override readonly name = 'NetworkError';
}

/** No answer within the call's timeout. */
export class TimeoutError extends TransportError {
  override readonly name = 'TimeoutError';
}

/** The rate limiter's shared store (Redis) failed: nothing was sent, since nobody could say it fits. */
export class RateLimiterUnavailableError extends TransportError {
  override readonly name = 'RateLimiterUnavailableError';
  constructor(message: string, options?: ErrorOptions) {
    super('rate_limiter', message, {}, options);
  }
}
