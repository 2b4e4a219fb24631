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
  const problem = reasonProblem(reason);
  if (problem)
    throw new ProxyError(
      400,
      'BadRequest',
      `The X-Ondemand-Reason header holds ${problem}: send a reason of plain text.`,
    );
  return reason;
}

/** What is wrong with a requester's reason, if anything: not UTF-8, a control character, too long. */
export function reasonProblem(reason: string): string | undefined {
  if (reason.includes('\ufffd')) return 'text that is not UTF-8';
  return unsafeCharacter(reason) ?? (reason.length > 1_000 ? 'more than 1 000 characters' : undefined);
}
