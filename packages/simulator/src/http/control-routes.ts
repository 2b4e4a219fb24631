import { toInputIssue } from '@ondemand/core';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { EXPORT_FAULTS, faultKey } from '../engine/provision-engine.js';
import { seedUserSchema } from '../seed/seed-schema.js';
import { faultSchema } from './faults.js';
import type { SimulatorContext } from './simulator-context.js';
import { TrafficStats } from './traffic-stats.js';

const userPatchSchema = seedUserSchema.omit({ id: true }).partial().strict();
const adUserPatchSchema = z.strictObject({
  distinguishedName: z.string().min(1),
  attributes: z.record(z.string(), z.string()),
});
const settingsSchema = z.strictObject({
  tokenLifetimeSeconds: z.number().int().min(-3600).max(86_400).optional(),
  /** null turns Graph's provisionOnDemand limit off (benchmarks of other parts). */
  provisionLimit: z
    .strictObject({ limit: z.number().int().positive(), windowMs: z.number().positive() })
    .nullable()
    .optional(),
});
const clockSchema = z.strictObject({
  /** Moves the simulator's clock on (ms of wall time): due cycles and quarantine retries follow. */
  advanceMs: z
    .number()
    .int()
    .min(0)
    .max(366 * 86_400_000),
});
const jobSteeringSchema = z.strictObject({
  /** The app's admin credentials stop (or start again) working: the next cycle quarantines the job. */
  credentialsExpired: z.boolean().optional(),
  /** Every export to the target fails so, or none (null). */
  exportFault: z.enum(['Timeout', 'LicenseLimitExceeded', 'EntryConflict']).nullable().optional(),
  /** Failures in one cycle past which the job is quarantined. */
  thresholds: z
    .strictObject({ total: z.number().int().positive(), proportion: z.number().gt(0).max(1) })
    .optional(),
});
const logSettingsSchema = z.strictObject({
  /** How long after the work an entry can be read, in Graph's time. */
  visibilityDelayMs: z.number().int().min(0).optional(),
  /** How long entries are kept, in Graph's time. */
  retentionMs: z.number().int().positive().optional(),
});
const approveSchema = z.strictObject({
  userCode: z.string().min(1),
  user: z.string().min(1),
  deny: z.boolean().default(false),
});

/**
 * `/_sim/`: what tests and demos need to steer the simulator. Guarded by the control token printed
 * in the ready line, so a Graph client pointed here cannot reach it by accident.
 */
export function controlRoutes(sim: SimulatorContext): Hono {
  const app = new Hono();

  app.use('*', async (c, next) => {
    const token =
      /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ??
      c.req.header('x-sim-control-token');
    if (token !== sim.controlToken) {
      return c.json(
        {
          error: {
            code: 'Unauthorized',
            message:
              'The /_sim/ control API needs the controlToken from the ready line: Authorization: Bearer <controlToken>.',
          },
        },
        401,
      );
    }
    await next();
  });

  app.post('/reset', (c) => {
    sim.reset();
    return c.json({ reset: true });
  });

  app.get('/stats', (c) => c.json(sim.stats.snapshot()));

  // Every provisionOnDemand by client-request-id: what a campaign compares with the proxy's audit log.
  app.get('/provision-calls', (c) => c.json(sim.stats.provisionCalls()));

  app.get('/requests', (c) => {
    const limit = Number(c.req.query('limit') ?? 100);
    return c.json({ value: sim.requestLog.slice(-Math.max(1, Math.min(5_000, limit))) });
  });

  app.patch('/users/:id', async (c) => {
    const user = sim.tenant.users.get(c.req.param('id'));
    if (!user) return problem(c, 404, `no user has id "${c.req.param('id')}"`);
    const patch = await parse(c, userPatchSchema);
    if (patch instanceof Response) return patch;
    const updated = { ...user, ...patch };
    sim.tenant.users.set(user.id, updated);
    return c.json(updated);
  });

  app.patch('/ad-users', async (c) => {
    const patch = await parse(c, adUserPatchSchema);
    if (patch instanceof Response) return patch;
    const user = sim.tenant.adUser(patch.distinguishedName);
    if (!user)
      return problem(
        c,
        404,
        `no Active Directory user has the distinguished name "${patch.distinguishedName}"`,
      );
    user.attributes = { ...user.attributes, ...patch.attributes };
    return c.json(user);
  });

  app.get('/jobs/:sp/:job/target', (c) => {
    const job = sim.tenant.job(c.req.param('sp'), c.req.param('job'));
    if (!job) return problem(c, 404, 'no such service principal and job');
    return c.json({ value: [...job.target.values()] });
  });

  app.get('/jobs/:sp/:job/target/:id', (c) => {
    const job = sim.tenant.job(c.req.param('sp'), c.req.param('job'));
    const object = job?.target.get(c.req.param('id'));
    if (!object) return problem(c, 404, 'no such target object');
    return c.json(object);
  });

  app.post('/clock', async (c) => {
    const request = await parse(c, clockSchema);
    if (request instanceof Response) return request;
    sim.clock.advance(request.advanceMs);
    const cycles = sim.service.runDueCycles();
    return c.json({ now: sim.clock.date().toISOString(), cycles });
  });

  // Runs one regular cycle of a job now, due or not (a paused job too: the control API is not Graph).
  app.post('/jobs/:sp/:job/cycle', (c) => {
    const job = sim.tenant.job(c.req.param('sp'), c.req.param('job'));
    if (!job) return problem(c, 404, 'no such service principal and job');
    return c.json(sim.service.runCycle(job));
  });

  app.patch('/jobs/:sp/:job/steering', async (c) => {
    const job = sim.tenant.job(c.req.param('sp'), c.req.param('job'));
    if (!job) return problem(c, 404, 'no such service principal and job');
    const request = await parse(c, jobSteeringSchema);
    if (request instanceof Response) return request;
    const steering = sim.service.steering(job);
    if (request.credentialsExpired !== undefined) steering.credentialsExpired = request.credentialsExpired;
    if (request.thresholds) steering.thresholds = request.thresholds;
    if (request.exportFault === null) sim.engine.exportFaults.delete(faultKey(job));
    else if (request.exportFault)
      sim.engine.exportFaults.set(
        faultKey(job),
        EXPORT_FAULTS[request.exportFault](job.servicePrincipal.displayName),
      );
    return c.json({ ...steering, exportFault: sim.engine.exportFaults.get(faultKey(job))?.code ?? null });
  });

  // Every entry, readable yet or not, with when it becomes readable.
  app.get('/logs', (c) =>
    c.json({
      visibilityDelayMs: sim.service.log.visibilityDelayMs,
      retentionMs: sim.service.log.retentionMs,
      value: sim.service.log.all().map((stored) => ({
        visibleAt: new Date(stored.visibleAt).toISOString(),
        entry: stored.entry,
      })),
    }),
  );

  app.patch('/logs', async (c) => {
    const settings = await parse(c, logSettingsSchema);
    if (settings instanceof Response) return settings;
    if (settings.visibilityDelayMs !== undefined)
      sim.service.log.visibilityDelayMs = settings.visibilityDelayMs;
    if (settings.retentionMs !== undefined) sim.service.log.retentionMs = settings.retentionMs;
    return c.json({
      visibilityDelayMs: sim.service.log.visibilityDelayMs,
      retentionMs: sim.service.log.retentionMs,
    });
  });

  app.get('/faults', (c) => c.json({ value: sim.faults.list() }));

  app.post('/faults', async (c) => {
    const fault = await parse(c, faultSchema);
    if (fault instanceof Response) return fault;
    return c.json({ id: sim.faults.add(fault) }, 201);
  });

  app.delete('/faults', (c) => {
    sim.faults.clear();
    return c.body(null, 204);
  });

  app.patch('/settings', async (c) => {
    const settings = await parse(c, settingsSchema);
    if (settings instanceof Response) return settings;
    if (settings.tokenLifetimeSeconds !== undefined)
      sim.tokens.lifetimeSeconds = settings.tokenLifetimeSeconds;
    if (settings.provisionLimit !== undefined) {
      sim.provisionLimit = settings.provisionLimit;
      // The busiest-window counters measure against the window in force.
      if (settings.provisionLimit) sim.stats = new TrafficStats(settings.provisionLimit.windowMs);
    }
    return c.json({ tokenLifetimeSeconds: sim.tokens.lifetimeSeconds, provisionLimit: sim.provisionLimit });
  });

  app.post('/device-codes/approve', async (c) => {
    const request = await parse(c, approveSchema);
    if (request instanceof Response) return request;
    const pending = [...sim.deviceCodes.values()].find((each) => each.userCode === request.userCode);
    if (!pending) return problem(c, 404, `no pending sign-in has the code "${request.userCode}"`);
    const user = [...sim.tenant.users.values()].find(
      (each) =>
        each.id === request.user || each.userPrincipalName.toLowerCase() === request.user.toLowerCase(),
    );
    if (!user) return problem(c, 404, `no user is "${request.user}"`);
    if (request.deny) pending.denied = true;
    else pending.userId = user.id;
    return c.json({ userCode: request.userCode, user: user.userPrincipalName, approved: !request.deny });
  });

  return app;
}

async function parse<T>(c: Context, schema: z.ZodType<T>): Promise<T | Response> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return problem(c, 400, 'the body must be JSON');
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map(toInputIssue);
  return c.json(
    {
      error: {
        code: 'BadRequest',
        message: issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '),
        issues,
      },
    },
    400,
  );
}

function problem(c: Context, status: 400 | 404, message: string): Response {
  return c.json({ error: { code: status === 404 ? 'NotFound' : 'BadRequest', message } }, status);
}
