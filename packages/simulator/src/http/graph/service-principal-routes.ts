import type { Context } from 'hono';
import { Hono } from 'hono';
import type { SeedServicePrincipal } from '../../seed/seed-schema.js';
import { graphError } from '../graph-error.js';
import { selectProperties } from '../odata.js';
import type { SimulatorContext } from '../simulator-context.js';
import type { Caller } from '../token-service.js';
import {
  collection,
  type Env,
  type FoundJob,
  graphBase,
  jobView,
  notFound,
  provision,
  readApps,
  requirePermission,
  schemaView,
  servicePrincipalView,
} from './graph-access.js';
import { jobAction } from './job-actions.js';
import { provisionOnDemand } from './provision-on-demand.js';

/** `/servicePrincipals`: the apps this caller may see, their jobs and schemas, and provisionOnDemand. */
export function servicePrincipalRoutes(sim: SimulatorContext): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/', (c) => {
    const caller = c.get('caller');
    const denied = requirePermission(c, caller, readApps);
    if (denied) return denied;
    const items = [...sim.tenant.servicePrincipals.values()]
      .filter((sp) => visibleTo(caller, sp))
      .map(servicePrincipalView);
    return collection(c, items, {
      filterable: ['displayName', 'appId', 'id', 'servicePrincipalType'],
      searchable: ['displayName'],
    });
  });

  app.get('/:sp', (c) => {
    const sp = findServicePrincipal(c);
    if (sp instanceof Response) return sp;
    return c.json(
      selectProperties(
        {
          '@odata.context': `${graphBase(c)}/$metadata#servicePrincipals/$entity`,
          ...servicePrincipalView(sp),
        },
        c.req.query('$select'),
      ),
    );
  });

  app.get('/:sp/synchronization/jobs', (c) => {
    const sp = findServicePrincipal(c);
    if (sp instanceof Response) return sp;
    sim.service.runDueCycles();
    return c.json({
      '@odata.context': `${graphBase(c)}/$metadata#servicePrincipals('${sp.id}')/synchronization/jobs`,
      value: sp.jobs.map((job) => jobView(job, sim.service.health(sim.tenant.job(sp.id, job.id)!))),
    });
  });

  app.get('/:sp/synchronization/jobs/:job', (c) => {
    const found = findJob(c);
    if (found instanceof Response) return found;
    sim.service.runDueCycles();
    return c.json(jobView(found.job, sim.service.health(found.state)));
  });

  for (const action of ['start', 'pause', 'restart', 'validateCredentials'] as const)
    app.post(`/:sp/synchronization/jobs/:job/${action}`, (c) => {
      const found = findJob(c, provision);
      if (found instanceof Response) return found;
      return jobAction(sim, c, found, action);
    });

  app.get('/:sp/synchronization/jobs/:job/schema', (c) => {
    const found = findJob(c);
    if (found instanceof Response) return found;
    return c.json({
      '@odata.context': `${graphBase(c)}/$metadata#servicePrincipals('${found.sp.id}')/synchronization/jobs('${found.job.id}')/schema/$entity`,
      ...schemaView(found.job),
    });
  });

  app.post('/:sp/synchronization/jobs/:job/provisionOnDemand', (c) => {
    const found = findJob(c, provision);
    if (found instanceof Response) return found;
    return provisionOnDemand(sim, c, found);
  });

  function findServicePrincipal(c: Context<Env>, permissions = readApps): SeedServicePrincipal | Response {
    const caller = c.get('caller');
    const denied = requirePermission(c, caller, permissions);
    if (denied) return denied;
    const sp = sim.tenant.servicePrincipals.get(c.req.param('sp')?.toLowerCase() ?? '');
    if (!sp) return notFound(c, c.req.param('sp') ?? '');
    if (!visibleTo(caller, sp)) {
      return graphError(
        c,
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation. Application.ReadWrite.OwnedBy reaches only service principals this app owns.',
      );
    }
    return sp;
  }

  function findJob(c: Context<Env>, permissions = readApps): FoundJob | Response {
    const sp = findServicePrincipal(c, permissions);
    if (sp instanceof Response) return sp;
    const jobId = c.req.param('job') ?? '';
    const state = sim.tenant.job(sp.id, jobId);
    if (!state) {
      return graphError(
        c,
        404,
        'NotFound',
        `The synchronization job '${jobId}' was not found on service principal '${sp.id}'. List them with GET /servicePrincipals/${sp.id}/synchronization/jobs.`,
      );
    }
    return { sp, job: state.job, state };
  }

  function visibleTo(caller: Caller, sp: SeedServicePrincipal): boolean {
    const broad =
      caller.kind === 'user' ||
      caller.permissions.some(
        (permission) => permission !== 'Application.ReadWrite.OwnedBy' && readApps.includes(permission),
      );
    return broad || sp.owners.includes(caller.clientId);
  }

  return app;
}
