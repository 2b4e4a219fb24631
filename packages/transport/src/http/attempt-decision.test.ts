import { describe, expect, it } from 'vitest';
import { ConfigError, OutcomeUnknownError } from '../errors.js';
import { type AttemptOutcome, type CallState, type NextStep, nextStep } from './attempt-decision.js';
import { DEFAULT_RETRY } from './retry-policy.js';

const state = (overrides: Partial<CallState> = {}): CallState => ({
  method: 'POST',
  url: 'https://graph.example/v1.0/servicePrincipals/sp/synchronization/jobs/j/provisionOnDemand',
  resendable: false,
  limited: true,
  attempts: 1,
  elapsedMs: 0,
  refreshedToken: false,
  clientRequestId: 'c-1',
  retry: DEFAULT_RETRY,
  timeoutMs: 1_000,
  peer: 'Graph',
  backoff: (attempt, retryAfterMs) => retryAfterMs ?? attempt * 100,
  ...overrides,
});
const answered = (status: number, headers: Record<string, string> = {}): AttemptOutcome => ({
  kind: 'answered',
  status,
  text: status >= 400 ? JSON.stringify({ error: { code: 'X', message: 'no' } }) : '{}',
  headers,
});
const failed = (code: string, written: boolean, timedOut = false): AttemptOutcome => ({
  kind: 'failed',
  error: Object.assign(new Error(code), { code }),
  timedOut,
  written,
});

/** The error a step fails with (the test fails if it does not fail). */
function failure(step: NextStep): Error {
  if (step.kind !== 'fail') throw new Error(`expected a failure, got ${step.kind}`);
  return step.error;
}

describe('nextStep', () => {
  it('gives a 2xx answer as it is, and tries once more with a fresh token after a 401', () => {
    expect(nextStep(answered(200), state())).toEqual({ kind: 'answer' });
    expect(nextStep(answered(401), state())).toEqual({ kind: 'again', waitMs: 0, refreshToken: true });
    expect(nextStep(answered(401), state({ refreshedToken: true }))).toMatchObject({ kind: 'answer' });
  });

  it('sends a call Graph throttled again through the limiter, which holds every caller for Retry-After', () => {
    expect(nextStep(answered(429, { 'retry-after': '3' }), state())).toEqual({
      kind: 'again',
      waitMs: 0,
      throttledMs: 3_000,
    });
    // Without a limiter it waits itself.
    expect(nextStep(answered(429, { 'retry-after': '3' }), state({ limited: false }))).toEqual({
      kind: 'again',
      waitMs: 3_000,
    });
    // Past the budget: Graph's answer, with the limiter still told.
    expect(
      nextStep(answered(429, { 'retry-after': '3' }), state({ elapsedMs: DEFAULT_RETRY.maxTotalMs - 1_000 })),
    ).toMatchObject({ kind: 'answer', throttledMs: 3_000 });
  });

  it('never sends a provisionOnDemand again after a gateway timeout (it may have run); a read, yes', () => {
    expect(nextStep(answered(504), state())).toMatchObject({ kind: 'answer' });
    expect(nextStep(answered(504), state({ resendable: true }))).toEqual({ kind: 'again', waitMs: 100 });
  });

  it('sends again a call none of which was written; one that was is an unknown outcome', () => {
    expect(nextStep(failed('ECONNREFUSED', false), state())).toEqual({ kind: 'again', waitMs: 100 });
    const lost = failure(nextStep(failed('ECONNRESET', true), state()));
    expect(lost).toBeInstanceOf(OutcomeUnknownError);
    expect((lost as OutcomeUnknownError).what).toMatch(/broke after POST .*provisionOnDemand was sent/);
    const timedOut = failure(nextStep(failed('UND_ERR_ABORTED', true, true), state()));
    expect((timedOut as OutcomeUnknownError).what).toMatch(/did not answer within 1000 ms/);
  });

  it('gives up when the retries or the time budget are spent, and names a certificate problem as configuration', () => {
    expect(nextStep(failed('ECONNREFUSED', false), state({ attempts: 5 }))).toMatchObject({ kind: 'fail' });
    expect(failure(nextStep(failed('UNABLE_TO_VERIFY_LEAF_SIGNATURE', false), state()))).toBeInstanceOf(
      ConfigError,
    );
  });
});
