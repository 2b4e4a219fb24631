import { subscribe } from 'node:diagnostics_channel';

const waiting = new Map<string, (at: number) => void>();
let subscribed = false;

/**
 * Calls `callback` with the time undici writes the headers of the request carrying this
 * `client-request-id` to its socket: after any connection set-up, so about when Graph starts counting
 * the call. undici publishes that moment on a diagnostics channel; nothing else exposes it.
 * Returns a function that stops listening.
 */
export function whenHeadersSent(clientRequestId: string, callback: (at: number) => void): () => void {
  if (!subscribed) {
    subscribed = true;
    subscribe('undici:client:sendHeaders', (message) => {
      const headers = (message as { headers?: unknown }).headers;
      if (typeof headers !== 'string' || waiting.size === 0) return;
      const id = /(?:^|\r\n)client-request-id: ([^\r\n]+)/i.exec(headers)?.[1];
      if (id) waiting.get(id)?.(Date.now());
    });
  }
  waiting.set(clientRequestId, callback);
  return () => waiting.delete(clientRequestId);
}
