import { Hono } from 'hono';
import { callerOf } from '../auth/authentication.js';
import { ProxyError } from '../http/proxy-error.js';
import type { ProxyContext, ProxyEnv } from './context.js';
import { openApiDocument } from './openapi.js';

/** The routes anyone may call: liveness, readiness, metrics and the API's description. */
export const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);

export function healthRoutes(ctx: ProxyContext): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  // Ready means: the store takes a write, the audit log's last write did not fail, and a Graph token
  // can be had (cached tokens make this cheap). Why not is shown to callers with a key only: sign-in
  // errors name the app and the tenant.
  app.get('/readyz', async (c) => {
    const [store, graph] = await Promise.allSettled([ctx.store.ping(), ctx.graph.checkSignIn()]);
    const reason = (check: PromiseSettledResult<void>) =>
      check.status === 'fulfilled' ? 'ok' : ((check.reason as Error).message ?? String(check.reason));
    const checks = {
      store: reason(store),
      audit: ctx.audit.failure ? `cannot be written: ${ctx.audit.failure}` : 'ok',
      graphToken: reason(graph),
    };
    const ready = Object.values(checks).every((check) => check === 'ok');
    const status = ready ? 'ready' : 'not ready';
    const { principal } = await callerOf(ctx, c.req.header('authorization'));
    return c.json(principal ? { status, ...checks } : { status }, ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    if (ctx.config.metricsNeedKey && !(await callerOf(ctx, c.req.header('authorization'))).principal)
      throw new ProxyError(
        401,
        'InvalidAuthenticationToken',
        'Metrics need a key here: send Authorization: Bearer <API key>.',
        {
          headers: { 'WWW-Authenticate': 'Bearer realm="ondemand-proxy"' },
          // Not in the audit log: a refused scrape changes and shows nothing, and a scraper without
          // its key would otherwise add an entry every few seconds (the requests metric counts it).
          audited: true,
        },
      );
    return c.text(await ctx.metrics.render(), 200, { 'content-type': ctx.metrics.contentType });
  });
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  return app;
}
