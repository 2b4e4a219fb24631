import { randomUUID } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import { API_VERSION_PATTERN } from '@ondemand/core';
import { Hono } from 'hono';
import { controlRoutes } from './control-routes.js';
import { graphError } from './graph-error.js';
import { graphRoutes, throttled } from './graph-routes.js';
import { identityRoutes } from './identity-routes.js';
import { MAX_BODY_BYTES } from './request-body.js';
import type { SimulatorContext } from './simulator-context.js';

/**
 * The simulator as one Hono app: identity (`/{tenant}/…`), Graph (`/v1.0`, `/beta`) and control
 * (`/_sim/`). Every answer carries a `request-id`; every call is logged and counted; injected faults
 * apply to Graph and token calls alike.
 */
export function createSimulatorApp(
  sim: SimulatorContext,
): Hono<{ Bindings: HttpBindings; Variables: { requestId: string } }> {
  const app = new Hono<{ Bindings: HttpBindings; Variables: { requestId: string } }>();

  app.use('*', async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    const started = performance.now();
    // Set before the answer is built, so it is built once with them.
    c.header('request-id', requestId);
    c.header('client-request-id', c.req.header('client-request-id') ?? requestId);
    await next();
    if (!c.req.path.startsWith('/_sim/')) {
      sim.stats.call(`${c.req.method} ${endpointName(c.req.path)}`);
      if (c.req.method === 'POST' && c.req.path.endsWith('/provisionOnDemand'))
        sim.stats.provisionArrived(c.req.header('client-request-id'));
      sim.log({
        at: new Date().toISOString(),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        requestId,
        clientRequestId: c.req.header('client-request-id'),
        clientId: undefined,
      });
    }
  });

  app.use('*', async (c, next) => {
    if (Number(c.req.header('content-length') ?? 0) > MAX_BODY_BYTES) {
      // The body is never read, so the connection cannot carry another request.
      return graphError(
        c,
        413,
        'RequestEntityTooLarge',
        `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
        { headers: { Connection: 'close' } },
      );
    }
    return next();
  });

  app.use('*', async (c, next) => {
    if (c.req.path.startsWith('/_sim/')) return next();
    const fault = sim.faults.take(c.req.path);
    if (!fault) return next();
    switch (fault.kind) {
      case 'slow':
        // Graph takes the call (and counts it against the limit) when it arrives; the answer is late.
        await next();
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        return;
      case 'drop':
        // Close the connection without an answer, as a reset on the network would.
        c.env.incoming.socket.destroy();
        return new Response(null, { status: 599 });
      case 'drop-after-processing':
        await next();
        c.env.incoming.socket.destroy();
        c.res = new Response(null, { status: 599 });
        return;
      case 'answer':
        if (fault.status < 300) await next();
        c.res = new Response(fault.body === '' ? null : fault.body, {
          status: fault.status,
          headers: { 'content-type': 'application/json', 'request-id': c.get('requestId') },
        });
        return;
      case '504-after-processing':
        await next();
        c.res = graphError(c, 504, 'GatewayTimeout', 'The gateway did not receive a response in time.');
        return;
      case '429':
        return throttled(c, sim, fault.retryAfterSeconds * 1000, 'fault');
      case '503':
        return graphError(
          c,
          503,
          'ServiceUnavailable',
          'The service is temporarily unavailable. Please retry later.',
          { headers: { 'Retry-After': String(fault.retryAfterSeconds) } },
        );
      case '500':
        return graphError(c, 500, 'InternalServerError', 'An internal server error occurred.');
      case '504':
        return graphError(c, 504, 'GatewayTimeout', 'The gateway did not receive a response in time.');
    }
  });

  app.route('/_sim', controlRoutes(sim));
  const graph = graphRoutes(sim);
  app.route('/v1.0', graph);
  app.route('/beta', graph);
  // Graph's own answer for what no Graph route serves; without it the tenant routes below would take
  // `v1.0` for a tenant and answer in Entra's shape.
  app.all(`/:version{${API_VERSION_PATTERN}}/*`, (c) =>
    c.req.path.endsWith('/provisionOnDemand')
      ? graphError(
          c,
          405,
          'Request_BadRequest',
          'Specified HTTP method is not allowed for the request target.',
        )
      : graphError(
          c,
          400,
          'BadRequest',
          `Resource not found for the segment '${c.req.path.split('/').filter(Boolean).at(-1) ?? ''}'.`,
        ),
  );
  app.route('/', identityRoutes(sim));

  app.get('/', (c) =>
    c.json({
      name: 'ondemand simulator',
      tenantId: sim.tenant.seed.tenantId,
      graph: ['/v1.0', '/beta'],
      token: `/${sim.tenant.seed.tenantId}/oauth2/v2.0/token`,
    }),
  );
  app.notFound((c) =>
    graphError(
      c,
      404,
      'NotFound',
      `No endpoint at ${c.req.method} ${c.req.path}. Graph calls start with /v1.0 or /beta; tokens with /{tenant}/oauth2/v2.0/token.`,
    ),
  );
  app.onError((error, c) => {
    // The client went away (a timeout, a cancelled call): nobody is left to answer.
    if ((error as Error).message === 'aborted' || (error as NodeJS.ErrnoException).code === 'ECONNRESET')
      return c.body(null, 499 as never);
    console.error(`simulator: ${c.req.method} ${c.req.path} failed:`, error);
    return graphError(
      c,
      500,
      'InternalServerError',
      'The simulator failed on this request; the error is in its log.',
    );
  });
  return app;
}

/** Groups paths by route for the counters: ids become placeholders. */
function endpointName(path: string): string {
  return path
    .replace(/\/servicePrincipals\/[^/]+/, '/servicePrincipals/{id}')
    .replace(/\/jobs\/[^/]+/, '/jobs/{id}')
    .replace(/\/(users|groups)\/[^/]+/, '/$1/{id}')
    .replace(/^\/[^/]+\/oauth2/, '/{tenant}/oauth2')
    .replace(/^\/[^/]+\/(v2\.0|discovery)/, '/{tenant}/$1');
}
