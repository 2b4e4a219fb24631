/**
 * Reads a `Retry-After` header (RFC 9110 §10.2.3): a number of seconds, or an HTTP date.
 * Returns the wait in milliseconds (never negative), or `undefined` when the header is absent or
 * unreadable. Graph sends seconds; proxies and gateways in between sometimes send dates.
 *
 * @example parseRetryAfter('7') // 7000
 * @example parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('Wed, 21 Oct 2026 07:27:58 GMT')) // 2000
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date always names a weekday or month; this keeps "-5" or "soon" from reaching Date.parse.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
