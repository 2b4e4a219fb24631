import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header a signed webhook delivery carries: `t=<unix time>,sha256=<HMAC of "t.body">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-ondemand-signature';

/**
 * Signs a webhook body as the ondemand proxy and `ondemand jobs watch` do: HMAC-SHA256 over
 * `timestamp.body`, so a receiver can check who sent it and that it is fresh.
 */
export function signWebhookBody(secret: string, body: string, now = Date.now()): string {
  const timestamp = String(Math.floor(now / 1000));
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},sha256=${signature}`;
}

/**
 * Checks a webhook's signature as a receiver would: the MAC over `t.body`, compared in constant time,
 * and a timestamp within `toleranceSeconds` of now (5 minutes by default), so a delivery captured
 * once cannot be replayed later.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string,
  body: string,
  options: { toleranceSeconds?: number; now?: number } = {},
): boolean {
  const match = /^t=(\d+),sha256=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const nowSeconds = (options.now ?? Date.now()) / 1000;
  if (Math.abs(nowSeconds - Number(match[1])) > (options.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}
