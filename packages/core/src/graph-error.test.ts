import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGraphError } from './graph-error.js';
import { parseRetryAfter } from './retry-after.js';

describe('parseGraphError', () => {
  const throttled = {
    error: {
      code: 'TooManyRequests',
      message: 'Too many requests.',
      innerError: { date: '2026-11-28T10:00:00', 'request-id': 'inner-id', 'client-request-id': 'client-id' },
    },
  };

  it('reads Graph error body, request ids and Retry-After from fetch headers', () => {
    const info = parseGraphError(
      429,
      new Headers({ 'retry-after': '7', 'request-id': 'header-id' }),
      JSON.stringify(throttled),
    );
    expect(info).toMatchObject({
      status: 429,
      code: 'TooManyRequests',
      message: 'Too many requests.',
      requestId: 'header-id',
      clientRequestId: 'client-id',
      retryAfterMs: 7000,
      retryable: true,
    });
  });

  it('reads Node-style header records, falling back to innerError ids', () => {
    const info = parseGraphError(400, { 'Content-Type': 'application/json' }, throttled);
    expect(info.requestId).toBe('inner-id');
    expect(info.retryAfterMs).toBeUndefined();
    expect(info.retryable).toBe(false);
  });

  it('explains answers without a Graph body', () => {
    const info = parseGraphError(503, {}, '<html>Service Unavailable</html>');
    expect(info.code).toBe('http_503');
    expect(info.message).toMatch(/unavailable.*<html>/);
    expect(parseGraphError(403, undefined, undefined).message).toMatch(/Synchronization\.ReadWrite\.All/);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-28T10:00:00Z');

  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter('Sat, 28 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 09:59:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    for (const text of [undefined, null, '', ' ', '-5', 'soon', '1e3', 'Zzz, 99 Foo'])
      expect(parseRetryAfter(text, now)).toBeUndefined();
  });

  it('reads any whole number of seconds, and any date, to a non-negative wait', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), (seconds) => {
        expect(parseRetryAfter(String(seconds), now)).toBe(seconds * 1000);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -86_400, max: 86_400 }), (offset) => {
        const date = new Date(now + offset * 1000).toUTCString();
        expect(parseRetryAfter(date, now)).toBe(Math.max(0, offset * 1000));
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const wait = parseRetryAfter(text, now);
        if (wait !== undefined) expect(wait).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
