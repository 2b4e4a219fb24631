import { unsafeCharacter } from '@ondemand/core';
import type { ProxyRequest } from '../app/context.js';
import { ProxyError } from '../http/proxy-error.js';

/**
 * The requester's reason (`X-Ondemand-Reason`) as the text they sent. HTTP hands header bytes over as
 * Latin-1, so UTF-8 is decoded here; a reason holding a control character (C0 or C1: a terminal acts on
 * them) or that is not UTF-8 is refused rather than stored for an approver's screen.
 */
export function requesterReason(c: ProxyRequest): string | null {
  const raw = c.req.header('x-ondemand-reason');
  if (raw === undefined) return null;
  const reason = Buffer.from(raw, 'latin1').toString('utf8');
  const problem = reason.includes('\ufffd') ? 'text that is not UTF-8' : unsafeCharacter(reason);
  if (problem || reason.length > 1_000)
    throw new ProxyError(
      400,
      'BadRequest',
      `The X-Ondemand-Reason header holds ${problem ?? 'more than 1 000 characters'}: send a reason of plain text.`,
    );
  return reason;
}
