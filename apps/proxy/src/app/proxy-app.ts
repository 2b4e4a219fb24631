import { randomUUID } from 'node:crypto';
import { graphErrorBody, unsafeCharacter } from '@ondemand/core';
import { Hono } from 'hono';
import { approvalRoutes } from '../approvals/approval-routes.js';
import { ReviewNotYetAudited } from '../approvals/approval-service.js';
import { AuditUnavailable } from '../audit/audit-log.js';
import { auditRoutes } from '../audit/audit-routes.js';
import { AuditChainBroken } from '../audit/audit-store.js';
import { authentication } from '../auth/authentication.js';
import { graphRoutes } from '../graph/graph-routes.js';
import { auditUnavailable, ProxyError, storeUnavailable } from '../http/proxy-error.js';
import { recordedPath } from '../http/recorded-path.js';
import { StoreUnavailable } from '../store/proxy-store.js';
import { auditContext, ids, type ProxyContext, type ProxyEnv, type ProxyRequest } from './context.js';
import { healthRoutes, PUBLIC_PATHS } from './health-routes.js';

export type { ProxyContext };

/**
 * The proxy: Graph's provisionOnDemand path behind API keys, a policy and second-person approval,
 * with every request, decision, review, forward and outcome written to the audit log first. Each
 * route group is a sub-app of its own; every failure is answered in Graph's error shape by one
 * `onError`, and every refusal is audited.
 */
export function createProxyApp(ctx: ProxyContext): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  const { metrics } = ctx;

  app.use('*', async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    c.header('request-id', requestId);
    const clientRequestId = c.req.header('client-request-id');
    // Echoed and audited, so it must be text a store keeps as it is (and no header injection).
    if (clientRequestId !== undefined && (unsafeCharacter(clientRequestId) || clientRequestId.length > 200))
      throw new ProxyError(
        400,
        'BadRequest',
        'The client-request-id header must be printable text of at most 200 characters, such as a GUID.',
      );
    c.header('client-request-id', clientRequestId ?? requestId);
    const started = performance.now();
    await next();
    const status = String(c.res.status);
    metrics.requests.inc({ status });
    metrics.requestSeconds.observe({ status }, (performance.now() - started) / 1000);
    ctx.log({
      at: new Date().toISOString(),
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      principal: c.get('principal')?.principal,
    });
  });

  app.onError((error, c) => answerError(ctx, c, error));
  app.notFound((c) =>
    answerError(
      ctx,
      c,
      new ProxyError(
        404,
        'NotFound',
        `No route for ${c.req.method} ${c.req.path}. Graph calls start with /v1.0 or /beta.`,
      ),
    ),
  );

  // Every route has a body limit: a declared length past it is refused before anything is read.
  app.use('*', async (c, next) => {
    if (Number(c.req.header('content-length') ?? 0) > ctx.config.maxBodyBytes)
      throw new ProxyError(
        413,
        'RequestEntityTooLarge',
        `The request body is larger than ${ctx.config.maxBodyBytes} bytes.`,
        {
          headers: { Connection: 'close' },
        },
      );
    await next();
  });

  app.route('/', healthRoutes(ctx));
  const authenticate = authentication(ctx);
  app.use('*', (c, next) => (PUBLIC_PATHS.has(c.req.path) ? next() : authenticate(c, next)));
  app.route('/', graphRoutes(ctx));
  app.route('/approvals', approvalRoutes(ctx));
  app.route('/audit', auditRoutes(ctx));
  return app;
}

/**
 * Every failure, in Graph's error shape: refusals as they were thrown (audited as `rejected` unless
 * their route audited them), a store or audit log out of reach as 503 with Retry-After, and anything
 * else as a 500 whose cause goes to the log, not to the caller.
 */
async function answerError(ctx: ProxyContext, c: ProxyRequest, error: Error): Promise<Response> {
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
  if (error instanceof ReviewNotYetAudited)
    return new ProxyError(
      503,
      'ServiceUnavailable',
      `${error.message[0]!.toUpperCase()}${error.message.slice(1)}.`,
      { headers: { 'Retry-After': '5' } },
      { cause: error },
    );
  if (error instanceof StoreUnavailable || error instanceof AuditChainBroken) return storeUnavailable(error);
  return undefined;
}
