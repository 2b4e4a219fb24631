import { describe, expect, it } from 'vitest';
import { requestHash, unknownAnswer } from './idempotency.js';
import { idempotencyClaimOf } from './idempotency-store.js';

describe('a stored Idempotency-Key', () => {
  const request = { apiVersion: 'v1.0', servicePrincipalId: 'sp', jobId: 'job', body: { b: 1, a: [1, 2] } };

  it('is bound to exactly one request: the same request in any key order, never another', () => {
    expect(requestHash({ ...request, body: { a: [1, 2], b: 1 } })).toBe(requestHash(request));
    expect(requestHash({ ...request, jobId: 'other' })).not.toBe(requestHash(request));
  });

  it('tells a claim what the key already holds: another request, one still answering, or its answer', () => {
    const hash = requestHash(request);
    expect(idempotencyClaimOf({ request_hash: 'x', answer: null }, hash)).toEqual({ kind: 'mismatch' });
    expect(idempotencyClaimOf({ request_hash: hash, answer: null }, hash)).toEqual({ kind: 'in_flight' });
    const kept = unknownAnswer();
    expect(idempotencyClaimOf({ request_hash: hash, answer: JSON.stringify(kept) }, hash)).toEqual({
      kind: 'answered',
      answer: kept,
    });
  });

  it('reads an answer kept before answers had one shape (its text under `body`) as the same answer', () => {
    const hash = requestHash(request);
    const legacy = {
      kind: 'answer',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    };
    expect(idempotencyClaimOf({ request_hash: hash, answer: JSON.stringify(legacy) }, hash)).toEqual({
      kind: 'answered',
      answer: { kind: 'answer', answer: { status: 200, headers: legacy.headers, text: '{"a":1}' } },
    });
  });

  it('keeps for a request cut short an answer that says it may have run, never "send it again"', () => {
    const { answer } = unknownAnswer() as {
      answer: { status: number; headers: Record<string, string>; text: string };
    };
    expect(answer.status).toBe(502);
    expect(answer.headers['x-ondemand-outcome']).toBe('unknown');
    expect(JSON.parse(answer.text).error.message).toMatch(
      /may have run in Graph, and the proxy will not send it again/,
    );
  });
});
