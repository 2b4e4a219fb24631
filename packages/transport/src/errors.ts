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
  | 'outcome_unknown'
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
      /** For `outcome_unknown`: what was lost after the call was sent. */
      lost?: 'connection' | 'timeout' | 'gateway';
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
  override readonly name: string = 'GraphRequestError';
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

/**
 * A provisionOnDemand was sent and then its answer was lost (the connection broke, no answer in time,
 * a gateway answered 502/504): Graph may have run it. It is not sent again on its own, since Graph
 * could run it twice; the message says how to find out.
 */
export class OutcomeUnknownError extends TransportError {
  override readonly name = 'OutcomeUnknownError';
  constructor(
    lost: 'connection' | 'timeout' | 'gateway',
    /** What happened to the call, without the advice: "the connection closed before Graph answered". */
    readonly what: string,
    details: TransportError['details'] = {},
    options?: ErrorOptions,
  ) {
    super(
      'outcome_unknown',
      `${what}: Graph may have run it. ${HOW_TO_CHECK}`,
      { ...details, lost },
      options,
    );
  }
}

/** What to do about a provisionOnDemand whose outcome is unknown. */
export const HOW_TO_CHECK =
  "Check before sending it again: the provisioning logs (GET /auditLogs/provisioning?$filter=jobId eq '…') or the target app show whether it ran, and provisioning the same subject again is safe (a call that already ran is answered as a redundant-export skip)";
