import type { GraphErrorInfo } from '@ondemand/core';
import { AuthError, GraphRequestError, ThrottledError, type TransportError } from './errors.js';

const PROVISIONING_GRANT =
  'Grant the app Synchronization.ReadWrite.All (or Application.ReadWrite.OwnedBy as an owner of the app) with admin consent; a signed-in user needs Application Administrator, Cloud Application Administrator, or Hybrid Identity Administrator for cloud sync';

/** What reading provisioning logs needs. */
export const AUDIT_LOG_GRANT =
  'Grant the app AuditLog.Read.All (Microsoft Graph, application permission) with admin consent; a signed-in user needs AuditLog.Read.All consented and a role that reads reports (Reports Reader, Security Reader, Global Reader)';

/** A Graph error answer as the typed error a caller branches on, with what to do next. */
export function errorForAnswer(
  info: GraphErrorInfo,
  details: TransportError['details'],
  where: string,
  /** Whether the client talks to an ondemand proxy with an API key, not to Graph with a token. */
  viaProxy = false,
  /** What to grant when Graph says 403, if not provisioning's permissions. */
  grant = PROVISIONING_GRANT,
): TransportError {
  const { status, code, message } = info;
  const ids = `request-id ${details.requestId ?? 'none'}`;
  switch (true) {
    case status === 401 && viaProxy:
      return new AuthError(
        `the proxy refused the API key (${code}: ${message}): check --api-key or ONDEMAND_API_KEY; ${ids}`,
        details,
      );
    case status === 403 && viaProxy:
      return new GraphRequestError('graph', `the proxy refused ${where}: ${message}; ${ids}`, details);
    case status === 401:
      return new AuthError(
        `Graph refused the access token (${code}: ${message}): check the tenant, the cloud, and that the app's credentials are current; ${ids}`,
        details,
      );
    case status === 403:
      return new GraphRequestError(
        'graph',
        `Graph denied ${where} (${code}: ${message}). ${grant}; ${ids}`,
        details,
      );
    case status === 404:
      return new GraphRequestError(
        'graph',
        `Graph found nothing at ${where} (${code}: ${message}): check the service principal id and the job id; ${ids}`,
        details,
      );
    case status === 429:
      return new ThrottledError(
        'throttled',
        `Graph is still throttling after ${details.attempts} attempts (${code}): wait ${Math.ceil((details.retryAfterMs ?? 10_000) / 1000)} s and try again; another client may be using this app's 5-per-10 s budget; ${ids}`,
        details,
      );
    case status >= 500:
      return new GraphRequestError(
        'graph',
        `Graph failed on ${where} with ${status} (${code}: ${message}) after ${details.attempts} attempts: try again later; ${ids}`,
        details,
      );
    default:
      return new GraphRequestError(
        'graph',
        `Graph refused ${where} with ${status} (${code}: ${message}); ${ids}`,
        details,
      );
  }
}
