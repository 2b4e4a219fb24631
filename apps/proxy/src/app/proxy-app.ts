import { Hono } from 'hono';
import { approvalRoutes } from '../approvals/approval-routes.js';
import { auditRoutes } from '../audit/audit-routes.js';
import { authentication } from '../auth/authentication.js';
import { consoleRoutes } from '../console/console-routes.js';
import { graphRoutes } from '../graph/graph-routes.js';
import { ProxyError } from '../http/proxy-error.js';
import type { ProxyContext, ProxyEnv } from './context.js';
import { healthRoutes, PUBLIC_PATHS } from './health-routes.js';
import { accessLog } from './middleware/access-log.js';
import { bodyLimit } from './middleware/body-limit.js';
import { answerError, errorHandler } from './middleware/error-handler.js';
import { requestIds } from './middleware/request-ids.js';

export type { ProxyContext };

/**
 * The proxy: Graph's provisionOnDemand path behind API keys, a policy and second-person approval,
 * with every request, decision, review, forward and outcome written to the audit log first. Each
 * route group is a sub-app of its own; every failure is answered in Graph's error shape by one
 * `onError`, and every refusal is audited.
 */
export function createProxyApp(ctx: ProxyContext): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();

  app.use('*', requestIds(), accessLog(ctx.metrics, ctx.log));

  app.onError(errorHandler(ctx));
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
  app.use('*', bodyLimit(ctx.config.maxBodyBytes));
  app.route('/', healthRoutes(ctx));
  // The console signs people in with its own session cookie: before the API's authentication.
  app.route('/', consoleRoutes(ctx, ctx.consoleSignIn) as unknown as Hono<ProxyEnv>);
  const authenticate = authentication(ctx);
  app.use('*', (c, next) => (PUBLIC_PATHS.has(c.req.path) ? next() : authenticate(c, next)));
  app.route('/', graphRoutes(ctx));
  app.route('/approvals', approvalRoutes(ctx));
  app.route('/audit', auditRoutes(ctx));
  return app;
}
