import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from './webhook.js';

const signed = (secret: string, timestamp: number, body: string) =>
  `t=${timestamp},sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

describe('verifyWebhookSignature', () => {
  const now = Date.parse('2026-12-07T10:00:00Z');
  const t = now / 1000;
  it.each([
    ['a fresh delivery', signed('s', t - 10, '{}'), true],
    ['one signed in 2001, replayed', signed('s', Date.parse('2001-09-09T01:46:40Z') / 1000, '{}'), false],
    ['one dated ten minutes ahead', signed('s', t + 600, '{}'), false],
    ['another secret’s', signed('other', t, '{}'), false],
    ['a changed body', signed('s', t, '{"x":1}'), false],
    ['a malformed header', 'sha256=abc', false],
  ])('%s: %s', (_, header, valid) => {
    expect(verifyWebhookSignature('s', header, '{}', { now })).toBe(valid);
  });
});
