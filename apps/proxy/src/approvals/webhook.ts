import { signWebhookBody, verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from '@ondemand/transport';
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
    return fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(this.secret, body),
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

/** Re-exported where receivers of the proxy's webhook have always found it. */
export { verifyWebhookSignature };
