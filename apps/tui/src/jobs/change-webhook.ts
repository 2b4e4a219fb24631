import { signWebhookBody, WEBHOOK_SIGNATURE_HEADER } from '@ondemand/transport';

/** What `jobs watch` sends for a change: the change, and a line of text chat webhooks show as is. */
export interface JobChange {
  at: string;
  servicePrincipalId: string;
  appName: string | null;
  jobId: string | null;
  health: string;
  changes: string[];
}

/**
 * POSTs a job's change to `url` as JSON, with `text` (one line, what Slack's and Teams' incoming
 * webhooks show) beside the change's fields; signed as the proxy signs its webhook
 * (`X-Ondemand-Signature`) when there is a secret. Resolves to a problem to say, or undefined: a
 * receiver that is down never stops the watch. Times out after 10 s.
 */
export async function postJobChange(
  url: string,
  change: JobChange & Record<string, unknown>,
  secret: string | undefined,
): Promise<string | undefined> {
  const body = JSON.stringify({
    text: `${change.appName ?? change.servicePrincipalId} · job ${change.jobId}: ${change.changes.join('; ')}`,
    ...change,
  });
  try {
    const answer = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret ? { [WEBHOOK_SIGNATURE_HEADER]: signWebhookBody(secret, body) } : {}),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await answer.body?.cancel();
    return answer.ok ? undefined : `--webhook answered ${answer.status}`;
  } catch (error) {
    return `--webhook could not be reached: ${(error as Error).message}`;
  }
}
