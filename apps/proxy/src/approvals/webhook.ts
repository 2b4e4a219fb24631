import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ApprovalRecord } from './approval.js';

export type ApprovalEvent = 'approval.created' | 'approval.decided';

/**
 * Tells a chat bot or ticketing system about new and decided approvals: a JSON POST signed with
 * HMAC-SHA256 over `timestamp.body` (`X-Ondemand-Signature: t=…,sha256=…`), so the receiver can
 * check it came from this proxy and is fresh. Sent in the background: a slow receiver never holds
 * up a request; a failure is logged and counted.
 */
export class ApprovalWebhook {
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly onFailure: (message: string) => void,
    /** The approval's address for the receiver to link to (the proxy's public URL). */
    private readonly approvalUrl: (id: string) => string,
  ) {}

  notify(event: ApprovalEvent, approval: ApprovalRecord): Promise<void> {
    const body = JSON.stringify({
      event,
      approval: {
        id: approval.id,
        url: this.approvalUrl(approval.id),
        state: approval.state,
        requester: approval.requester,
        servicePrincipalId: approval.servicePrincipalId,
        jobId: approval.jobId,
        expiresAt: approval.expiresAt,
        reviews: approval.reviews,
      },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', this.secret).update(`${timestamp}.${body}`).digest('hex');
    return fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-ondemand-signature': `t=${timestamp},sha256=${signature}`,
      },
      body,
      signal: AbortSignal.timeout(5_000),
    })
      .then((answer) => {
        if (!answer.ok) this.onFailure(`the approval webhook answered ${answer.status}`);
      })
      .catch((error) => this.onFailure(`the approval webhook failed: ${(error as Error).message}`));
  }
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
