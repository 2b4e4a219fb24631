import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY, isRetryableStatus } from './retry-policy.js';

describe('retry policy', () => {
  it('retries 429, 503 and 504 for reads, and only 429 and 503 (Graph did not run it) for provisioning', () => {
    const statuses = [400, 401, 403, 404, 409, 429, 500, 502, 503, 504];
    expect(statuses.filter((status) => isRetryableStatus(status, true))).toEqual([429, 503, 504]);
    expect(statuses.filter((status) => isRetryableStatus(status, false))).toEqual([429, 503]);
  });

  it('honours Retry-After exactly, and otherwise stays within the jittered, capped exponential range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.option(fc.nat({ max: 120_000 }), { nil: undefined }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (attempt, retryAfter, random) => {
          const wait = backoffMs(attempt, retryAfter, DEFAULT_RETRY, () => random);
          if (retryAfter !== undefined) {
            expect(wait).toBe(retryAfter);
            return;
          }
          const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** (attempt - 1));
          expect(wait).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(wait).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });
});
