import { Hono } from 'hono';
import { directoryRoutes } from './graph/directory-routes.js';
import { type Env, throttled, unauthorized } from './graph/graph-access.js';
import { provisioningLogRoutes } from './graph/provisioning-log-routes.js';
import { servicePrincipalRoutes } from './graph/service-principal-routes.js';
import { graphError } from './graph-error.js';
import { ODataQueryError } from './odata.js';
import type { SimulatorContext } from './simulator-context.js';
import { TokenError } from './token-service.js';

export { throttled };

/**
 * Graph v1.0 and beta, as far as provisioning on demand needs: the caller's token and the read limit
 * for every route, then the apps and their jobs (`servicePrincipalRoutes`) and the directory
 * (`directoryRoutes`) as sub-apps.
 */
export function graphRoutes(sim: SimulatorContext): Hono<Env> {
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    if (!token) return unauthorized(c, 'Access token is empty.');
    try {
      c.set('caller', await sim.tokens.verify(token, sim.tenant.seed.tenantId));
    } catch (error) {
      if (error instanceof TokenError) return unauthorized(c, error.message);
      throw error;
    }
    await next();
  });

  // Every call but provisionOnDemand shares one loose limit per client.
  app.use('*', async (c, next) => {
    // provisionOnDemand and the provisioning logs each have a limit of their own.
    if (c.req.path.endsWith('/provisionOnDemand') || c.req.path.endsWith('/auditLogs/provisioning'))
      return next();
    const attempt = sim.limiterStore.tryAcquire(
      `reads:${c.get('caller').clientId}`,
      sim.readLimit.limit,
      sim.readLimit.windowMs,
      Date.now(),
    );
    if (!attempt.granted) return throttled(c, sim, attempt.retryInMs);
    return next();
  });

  app.onError((error, c) => {
    if (error instanceof ODataQueryError) return graphError(c, 400, error.code, error.message);
    throw error;
  });

  app.route('/servicePrincipals', servicePrincipalRoutes(sim));
  app.route('/auditLogs', provisioningLogRoutes(sim));
  app.route('/', directoryRoutes(sim));

  app.notFound((c) =>
    graphError(
      c,
      400,
      'BadRequest',
      `Resource not found for the segment '${c.req.path.split('/').filter(Boolean).at(-1) ?? ''}'.`,
    ),
  );

  return app;
}
