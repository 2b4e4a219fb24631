import { Hono } from 'hono';
import { betaEntry } from '../../engine/provisioning-log.js';
import { page, selectProperties, skipToken } from '../odata.js';
import type { SimulatorContext } from '../simulator-context.js';
import { type Env, graphBase, readAuditLogs, requirePermission, throttled } from './graph-access.js';
import { compileLogFilter, logOrder } from './provisioning-log-query.js';

/**
 * `GET /auditLogs/provisioning`: the provisioning logs, as Graph's List provisioningObjectSummary
 * documents it. `AuditLog.Read.All` (application, or delegated for a signed-in user with a reports
 * role), the reports limit (5 requests per 10 s per calling app and tenant: 429 with Retry-After),
 * `$filter`, `$top` (1 to 999; 50 by default), `$orderby
 * activityDateTime`, `$skiptoken` paging with `@odata.nextLink`. The beta dialect adds the deprecated
 * `action` and `statusInfo`.
 */
export function provisioningLogRoutes(sim: SimulatorContext): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/provisioning', (c) => {
    const caller = c.get('caller');
    const denied = requirePermission(c, caller, readAuditLogs, true);
    if (denied) return denied;
    const attempt = sim.limiterStore.tryAcquire(
      `reports:${caller.clientId}`,
      sim.reportsLimit.limit,
      sim.reportsLimit.windowMs,
      Date.now(),
    );
    if (!attempt.granted) return throttled(c, sim, attempt.retryInMs);

    sim.service.runDueCycles();
    const filter = c.req.query('$filter');
    const order = logOrder(c.req.query('$orderby'));
    let entries = sim.service.log.visible();
    if (filter !== undefined) entries = entries.filter(compileLogFilter(filter));
    if (order === 'asc') entries = [...entries].reverse();
    const beta = new URL(c.req.url).pathname.startsWith('/beta/');
    const { items, nextSkip } = page(entries, c.req.query('$top'), c.req.query('$skiptoken'), 50);
    const body: Record<string, unknown> = {
      '@odata.context': `${graphBase(c)}/$metadata#auditLogs/provisioning`,
    };
    if (nextSkip !== undefined) {
      const next = new URL(c.req.url);
      next.searchParams.set('$skiptoken', skipToken(nextSkip));
      body['@odata.nextLink'] = next.toString();
    }
    body.value = items.map((entry) =>
      selectProperties(beta ? betaEntry(entry) : entry, c.req.query('$select')),
    );
    return c.json(body);
  });

  return app;
}
