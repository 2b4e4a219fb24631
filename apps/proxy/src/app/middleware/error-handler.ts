import { graphErrorBody } from '@ondemand/core';
import type { ErrorHandler } from 'hono';
import { AuditUnavailable } from '../../audit/audit-log.js';
import { AuditChainBroken } from '../../audit/audit-store.js';
import { auditUnavailable, ProxyError, storeUnavailable } from '../../http/proxy-error.js';
import { recordedPath } from '../../http/recorded-path.js';
import { StoreUnavailable } from '../../store/proxy-store.js';
import { auditContext, ids, type ProxyContext, type ProxyEnv, type ProxyRequest } from '../context.js';

/** The proxy's `onError`: see {@link answerError}. */
export function errorHandler(ctx: Pick<ProxyContext, 'audit' | 'log'>): ErrorHandler<ProxyEnv> {
  return (error, c) => answerError(ctx, c, error);
}

/**
 * Every failure, in Graph's error shape: refusals as they were thrown (audited as `rejected` unless
 * their route audited them), a store or audit log out of reach as 503 with Retry-After, and anything
 * else as a 500 whose cause goes to the log, not to the caller.
 */
export async function answerError(
  ctx: Pick<ProxyContext, 'audit' | 'log'>,
  c: ProxyRequest,
  error: Error,
): Promise<Response> {
  const refusal = asProxyError(error);
  if (!refusal) {
    ctx.log({
      at: new Date().toISOString(),
      requestId: c.get('requestId'),
      level: 'error',
      message: error.message,
    });
    return c.json(
      graphErrorBody(
        'InternalServerError',
        'The proxy failed on this request; its log has the details.',
        ids(c),
      ),
      500,
    );
  }
  if (refusal.status < 500 && !refusal.extra.audited && !c.get('audited')) {
    try {
      await ctx.audit.append([
        ctx.audit.entry('rejected', auditContext(c), {
          detail: {
            method: c.req.method,
            ...recordedPath(c.req.path),
            status: refusal.status,
            code: refusal.code,
          },
        }),
      ]);
    } catch {
      // The audit log is away: AuditLog has counted and logged it, and nothing was done anyway.
    }
  }
  return c.json(refusal.body(ids(c)), refusal.status, refusal.extra.headers ?? {});
}

function asProxyError(error: Error): ProxyError | undefined {
  if (error instanceof ProxyError) return error;
  if (error instanceof AuditUnavailable) return auditUnavailable(error);
  if (error instanceof StoreUnavailable || error instanceof AuditChainBroken) return storeUnavailable(error);
  return undefined;
}
