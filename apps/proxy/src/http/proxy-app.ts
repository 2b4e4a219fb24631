import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import {
  graphErrorBody,
  type InputIssue,
  PROVISION_ON_DEMAND_LIMIT,
  validateProvisionRequest,
} from '@ondemand/core';
import type { GraphClient } from '@ondemand/transport';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { authenticate, type Principal } from '../api-keys.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import { type AuditAction, type AuditFields, verifyChain } from '../audit/hash-chain.js';
import type { ProxyConfig, Role } from '../config.js';
import { looksLikeJwt } from '../jwt-callers.js';
import type { Metrics } from '../metrics.js';
import { decide } from '../policy.js';
import { type ApprovalRecord, type ProxyStore, StoreUnavailable } from '../store/proxy-store.js';
import { openApiDocument } from './openapi.js';
import { upstreamFailure } from './upstream-failure.js';

type Env = { Bindings: HttpBindings; Variables: { requestId: string; principal: Principal } };

export interface ProxyContext {
  config: ProxyConfig;
  store: ProxyStore;
  graph: GraphClient;
  approvals: ApprovalService;
  metrics: Metrics;
  now: () => Date;
  log: (line: Record<string, unknown>) => void;
  /** Checks an Entra ID-issued JWT when the config accepts them. */
  verifyJwt?: ((token: string) => Promise<Principal | undefined>) | undefined;
}

const reviewSchema = z.strictObject({
  reason: z.string().trim().min(1, 'give a reason: it goes into the audit log').max(2_000),
});
const auditQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  principal: z.string().optional(),
  action: z.string().optional(),
  job: z.string().optional(),
  subject: z.string().optional(),
  cursor: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

const PUBLIC_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);

/**
 * The proxy: Graph's provisionOnDemand path behind API keys, a policy and second-person approval,
 * with every request, decision, review, forward and outcome written to the audit log first.
 */
export function createProxyApp(ctx: ProxyContext): Hono<Env> {
  const app = new Hono<Env>();
  const { config, store, graph, approvals, metrics } = ctx;
  /** provisionOnDemand calls of this replica waiting for (or in) their turn at Graph. */
  let queued = 0;
  metrics.gauge(
    'ondemand_proxy_queued_calls',
    'provisionOnDemand calls of this replica waiting for (or in) their turn at Graph.',
    () => queued,
  );

  /** Writes entries in one transaction (one disk sync); throws AuditUnavailable so nothing goes on. */
  const auditAll = async (c: Context<Env>, entries: AuditItem[]) => {
    try {
      await store.appendAudit(
        entries.map(([action, fields]) => ({
          at: ctx.now().toISOString(),
          action,
          principal: c.get('principal')?.principal ?? null,
          requestId: c.get('requestId'),
          graphRequestId: null,
          servicePrincipalId: null,
          jobId: null,
          subject: null,
          detail: {},
          ...fields,
        })),
      );
    } catch (error) {
      metrics.auditWriteFailures.inc();
      throw new AuditUnavailable(error);
    }
  };
  const audit = (c: Context<Env>, action: AuditAction, fields: Partial<AuditFields> = {}) =>
    auditAll(c, [[action, fields]]);

  app.use('*', async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    c.header('request-id', requestId);
    c.header('client-request-id', c.req.header('client-request-id') ?? requestId);
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

  app.onError((error, c) => {
    if (error instanceof AuditUnavailable) {
      return c.json(
        graphErrorBody(
          'ServiceUnavailable',
          'The audit log cannot be written, so nothing is forwarded. Try again later.',
          ids(c),
        ),
        503,
        { 'Retry-After': '5' },
      );
    }
    if (error instanceof StoreUnavailable) {
      return c.json(
        graphErrorBody(
          'ServiceUnavailable',
          "The proxy's store cannot be reached right now; nothing was changed. Try again later.",
          ids(c),
        ),
        503,
        { 'Retry-After': '5' },
      );
    }
    ctx.log({
      at: new Date().toISOString(),
      requestId: c.get('requestId'),
      level: 'error',
      message: (error as Error).message,
    });
    return c.json(
      graphErrorBody(
        'InternalServerError',
        'The proxy failed on this request; its log has the details.',
        ids(c),
      ),
      500,
    );
  });

  app.notFound((c) =>
    c.json(
      graphErrorBody(
        'NotFound',
        `No route for ${c.req.method} ${c.req.path}. Graph calls start with /v1.0 or /beta.`,
        ids(c),
      ),
      404,
    ),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    // Ready means: the store answers and a Graph token can be had (cached tokens make this cheap).
    const checks = await Promise.allSettled([store.ping(), graph.checkSignIn()]);
    const [storeCheck, graphCheck] = checks.map((check) =>
      check.status === 'fulfilled' ? 'ok' : (check.reason as Error).message,
    );
    const ready = storeCheck === 'ok' && graphCheck === 'ok';
    return c.json(
      { status: ready ? 'ready' : 'not ready', store: storeCheck, graphToken: graphCheck },
      ready ? 200 : 503,
    );
  });
  app.get('/metrics', async (c) =>
    c.text(await metrics.render(), 200, { 'content-type': metrics.contentType }),
  );
  app.get('/openapi.json', (c) => c.json(openApiDocument()));

  app.use('*', async (c, next) => {
    if (PUBLIC_PATHS.has(c.req.path)) return next();
    const key = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const principal =
      authenticate(config.apiKeys, key) ??
      (key && ctx.verifyJwt && looksLikeJwt(key) ? await ctx.verifyJwt(key) : undefined);
    if (!principal) {
      await audit(c, 'auth_failure', {
        detail: { method: c.req.method, path: c.req.path, reason: key ? 'unknown key' : 'no key' },
      });
      return c.json(
        graphErrorBody(
          'InvalidAuthenticationToken',
          key ? 'The API key is not valid.' : 'Access token is empty: send Authorization: Bearer <API key>.',
          ids(c),
        ),
        401,
        { 'WWW-Authenticate': 'Bearer realm="ondemand-proxy"' },
      );
    }
    c.set('principal', principal);
    await next();
  });

  const requireRole = async (c: Context<Env>, roles: Role[], what: string) => {
    const principal = c.get('principal');
    if (principal.roles.some((role) => roles.includes(role) || role === 'admin')) return undefined;
    await audit(c, 'forbidden', { detail: { method: c.req.method, path: c.req.path, needs: roles } });
    return c.json(
      graphErrorBody(
        'Authorization_RequestDenied',
        `${what} needs the role ${roles.join(' or ')}; ${principal.principal} has ${principal.roles.join(', ')}.`,
        ids(c),
      ),
      403,
    );
  };

  app.post(
    '/:version{v1\\.0|beta}/servicePrincipals/:sp/synchronization/jobs/:job/provisionOnDemand',
    async (c) => {
      const denied = await requireRole(c, ['requester'], 'Provisioning');
      if (denied) return denied;
      const servicePrincipalId = c.req.param('sp');
      const jobId = c.req.param('job');
      const contentType = c.req.header('content-type') ?? '';
      if (!/^application\/json\b/i.test(contentType)) {
        return c.json(
          graphErrorBody(
            'UnsupportedMediaType',
            `The content type '${contentType || '(none)'}' is not supported: send the body as application/json.`,
            ids(c),
          ),
          415,
        );
      }
      const text = await readBody(c, config.maxBodyBytes);
      if (text === undefined)
        return c.json(
          graphErrorBody(
            'RequestEntityTooLarge',
            `The request body is larger than ${config.maxBodyBytes} bytes.`,
            ids(c),
          ),
          413,
          { Connection: 'close' },
        );
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return c.json(
          graphErrorBody(
            'BadRequest',
            'Unable to read JSON request payload: the body is not valid JSON.',
            ids(c),
          ),
          400,
        );
      }
      const checked = validateProvisionRequest(body);
      if (!checked.ok) return invalidBody(c, checked.issues);
      const request = checked.value;
      const subject = describeSubjects(request);
      const where = { servicePrincipalId, jobId, subject };
      const verdict = decide(config.policy, {
        servicePrincipalId,
        jobId,
        body: request,
        caller: c.get('principal'),
      });
      metrics.decisions.inc({ decision: verdict.decision });
      // A caller would wait longer than it is worth for the rate limit: say so now, send nothing.
      const queueFull = verdict.decision === 'allow' && queued >= config.maxQueuedCalls;
      // The slot is taken now, before any await, so calls arriving together cannot all slip in.
      const holdsSlot = verdict.decision === 'allow' && !queueFull;
      if (holdsSlot) queued += 1;
      // Request, decision and (when allowed) forward go in one transaction: one disk sync, and all
      // three are durable before anything reaches Graph.
      try {
        await auditAll(c, [
          [
            'request',
            {
              ...where,
              detail: {
                apiVersion: c.req.param('version'),
                ruleIds: request.parameters.map((parameter) => parameter.ruleId),
              },
            },
          ],
          [
            'decision',
            {
              ...where,
              detail:
                verdict.decision === 'require_approval'
                  ? { decision: verdict.decision, rule: verdict.rule, approvals: verdict.approvals }
                  : { ...verdict },
            },
          ],
          ...(verdict.decision !== 'allow'
            ? []
            : queueFull
              ? [['outcome', { ...where, detail: { status: 503, error: 'queue_full' } }] as AuditItem]
              : [['forward', where] as AuditItem]),
        ]);
      } catch (error) {
        if (holdsSlot) queued -= 1;
        throw error;
      }
      if (queueFull) {
        metrics.queueFull.inc();
        const { limit, windowMs } = config.graph.rateLimit ?? PROVISION_ON_DEMAND_LIMIT;
        const retryAfter = Math.max(1, Math.ceil(((queued / limit) * windowMs) / 1000));
        return c.json(
          graphErrorBody(
            'ServiceUnavailable',
            `${queued} calls are already waiting for Graph's rate limit (${limit} per ${windowMs / 1000} s); nothing was sent. Try again in ${retryAfter} s.`,
            ids(c),
          ),
          503,
          { 'Retry-After': String(retryAfter) },
        );
      }

      if (verdict.decision === 'deny')
        return c.json(
          graphErrorBody('Authorization_RequestDenied', `Denied by policy: ${verdict.reason}.`, ids(c)),
          403,
        );
      if (verdict.decision === 'require_approval') {
        const record = await approvals.create({
          requester: c.get('principal').principal,
          reason: c.req.header('x-ondemand-reason') ?? null,
          apiVersion: c.req.param('version') as 'v1.0' | 'beta',
          servicePrincipalId,
          jobId,
          body: request,
          rule: verdict.rule,
          approvals: verdict.approvals,
        });
        return c.json(approvalView(record), 202, { Location: `/approvals/${record.id}` });
      }

      const started = performance.now();
      try {
        const result = await graph.provisionOnDemand(servicePrincipalId, jobId, request);
        metrics.upstreamSeconds.observe((performance.now() - started) / 1000);
        await audit(c, 'outcome', {
          ...where,
          graphRequestId: result.requestId ?? null,
          detail: {
            status: 200,
            result: result.result,
            errorCode: result.details.errorCode ?? null,
            action: result.report.action ?? null,
          },
        });
        return c.json(result.raw as object, 200, { 'graph-request-id': result.requestId ?? '' });
      } catch (error) {
        metrics.upstreamSeconds.observe((performance.now() - started) / 1000);
        const failure = upstreamFailure(error);
        await audit(c, 'outcome', {
          ...where,
          graphRequestId: failure.graphRequestId,
          detail: { status: failure.status, error: failure.code },
        });
        return c.json(failure.body as object, failure.status as never, failure.headers);
      } finally {
        queued -= 1;
      }
    },
  );

  // Reads the UI needs pass through for any authenticated caller, audited at metadata level.
  app.get('/:version{v1\\.0|beta}/*', async (c) => {
    const url = new URL(c.req.url);
    const path = url.pathname.slice(c.req.param('version').length + 1);
    if (!/^\/(servicePrincipals|users|groups)(\/|$)/.test(path)) {
      return c.json(
        graphErrorBody(
          'NotFound',
          'The proxy passes through reads of servicePrincipals (jobs, schema), users and groups only.',
          ids(c),
        ),
        404,
      );
    }
    await audit(c, 'read', { detail: { path } });
    const consistency = c.req.header('consistencylevel');
    try {
      const answer = await graph.get(
        `${path}${url.search}`,
        consistency ? { headers: { ConsistencyLevel: consistency } } : {},
      );
      // Paging links point at Graph; callers follow them here.
      const rewritten = JSON.stringify(answer.json).replaceAll(
        graph.graphBaseUrl.replace(/\/(v1\.0|beta)$/, ''),
        url.origin,
      );
      return c.body(rewritten, 200, {
        'content-type': 'application/json',
        'graph-request-id': answer.requestId ?? '',
      });
    } catch (error) {
      const failure = upstreamFailure(error);
      return c.json(failure.body as object, failure.status as never, failure.headers);
    }
  });

  app.get('/approvals', async (c) => {
    const principal = c.get('principal');
    const state = c.req.query('state') as ApprovalRecord['state'] | undefined;
    const all = await store.listApprovals(state);
    const visible = principal.roles.some((role) => role !== 'requester')
      ? all
      : all.filter((record) => record.requester === principal.principal);
    return c.json({ value: visible.map(approvalView) });
  });

  app.get('/approvals/:id', async (c) => {
    const wait = Math.min(60, Number(/wait=(\d+)/.exec(c.req.header('prefer') ?? '')?.[1] ?? 0));
    const record =
      wait > 0
        ? await approvals.waitForDecision(c.req.param('id'), wait * 1000)
        : await approvals.get(c.req.param('id'));
    const principal = c.get('principal');
    if (
      !record ||
      (record.requester !== principal.principal && principal.roles.every((role) => role === 'requester'))
    ) {
      return c.json(
        graphErrorBody('NotFound', `No approval ${c.req.param('id')} that you may see.`, ids(c)),
        404,
      );
    }
    return c.json(approvalView(record));
  });

  for (const decision of ['approve', 'deny'] as const) {
    app.post(`/approvals/:id/${decision}`, async (c) => {
      const denied = await requireRole(c, ['approver'], 'Reviewing');
      if (denied) return denied;
      let parsed: z.infer<typeof reviewSchema>;
      try {
        parsed = reviewSchema.parse(await c.req.json());
      } catch (error) {
        const message =
          error instanceof z.ZodError
            ? error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')
            : 'the body must be JSON: { "reason": "…" }';
        return c.json(graphErrorBody('BadRequest', message, ids(c)), 400);
      }
      try {
        const record = await approvals.review(c.req.param('id'), c.get('principal'), decision, parsed.reason);
        return c.json(approvalView(record));
      } catch (error) {
        const refused = error as { reason?: string; message: string };
        const status =
          refused.reason === 'not_found'
            ? 404
            : refused.reason === 'self_review' || refused.reason === 'role'
              ? 403
              : refused.reason
                ? 409
                : 500;
        if (status === 500) throw error;
        await audit(c, 'review', {
          detail: { approval: c.req.param('id'), refused: refused.reason, decision },
        });
        return c.json(
          graphErrorBody(
            status === 409 ? 'Conflict' : status === 404 ? 'NotFound' : 'Authorization_RequestDenied',
            refused.message,
            ids(c),
          ),
          status as never,
        );
      }
    });
  }

  app.get('/audit', async (c) => {
    const denied = await requireRole(c, ['auditor'], 'Reading the audit log');
    if (denied) return denied;
    const query = auditQuerySchema.safeParse(c.req.query());
    if (!query.success)
      return c.json(
        graphErrorBody(
          'BadRequest',
          query.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
          ids(c),
        ),
        400,
      );
    const { cursor, job, limit, ...filters } = query.data;
    const entries = await store.queryAudit({
      ...filters,
      ...(job ? { jobId: job } : {}),
      after: cursor ?? 0,
      limit,
    });
    const next =
      entries.length === limit
        ? `/audit?${new URLSearchParams({ ...stringify(c.req.query()), cursor: String(entries.at(-1)!.seq) })}`
        : undefined;
    return c.json({ value: entries, ...(next ? { '@odata.nextLink': next } : {}) });
  });

  app.get('/audit/export', async (c) => {
    const denied = await requireRole(c, ['auditor'], 'Exporting the audit log');
    if (denied) return denied;
    const { entries } = await store.readChain();
    return c.body(
      entries.map((entry) => JSON.stringify(entry)).join('\n') + (entries.length ? '\n' : ''),
      200,
      { 'content-type': 'application/x-ndjson' },
    );
  });

  app.get('/audit/verify', async (c) => {
    const denied = await requireRole(c, ['auditor'], 'Verifying the audit log');
    if (denied) return denied;
    const { entries, head } = await store.readChain();
    return c.json(verifyChain(entries, head));
  });

  return app;
}

type AuditItem = [AuditAction, Partial<AuditFields>];

/** The audit log could not be written: the proxy fails closed (503, nothing forwarded). */
export class AuditUnavailable extends Error {
  constructor(cause: unknown) {
    super('the audit log cannot be written', { cause });
  }
}

function ids(c: Context<Env>) {
  return { requestId: c.get('requestId'), clientRequestId: c.req.header('client-request-id') };
}

function invalidBody(c: Context<Env>, issues: InputIssue[]) {
  return c.json(
    graphErrorBody('BadRequest', `Invalid request body: ${issues[0]!.path}: ${issues[0]!.message}`, {
      ...ids(c),
      details: issues.map((issue) => ({ code: 'InvalidValue', message: issue.message, target: issue.path })),
    }),
    400,
  );
}

function describeSubjects(body: {
  parameters: Array<{
    subjects: Array<{
      objectId: string;
      objectTypeName: string;
      links?: { members?: unknown[] | undefined } | undefined;
    }>;
  }>;
}): string {
  return body.parameters
    .flatMap((parameter) => parameter.subjects)
    .map(
      (subject) =>
        `${subject.objectTypeName} ${subject.objectId}${subject.links?.members?.length ? ` + ${subject.links.members.length} members` : ''}`,
    )
    .join('; ');
}

/** What callers see of an approval: everything but the raw stored row. */
export function approvalView(record: ApprovalRecord) {
  return {
    id: record.id,
    state: record.state,
    requester: record.requester,
    reason: record.reason,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
    request: {
      method: 'POST',
      path: `/${record.apiVersion}/servicePrincipals/${record.servicePrincipalId}/synchronization/jobs/${record.jobId}/provisionOnDemand`,
      body: JSON.parse(record.body),
      bodySha256: record.bodyHash,
    },
    rule: record.rule,
    required: record.required,
    reviews: record.reviews,
    result: record.result,
  };
}

async function readBody(c: Context<Env>, maxBytes: number): Promise<string | undefined> {
  if (Number(c.req.header('content-length') ?? 0) > maxBytes) return undefined;
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) {
    const text = await c.req.text();
    return Buffer.byteLength(text) > maxBytes ? undefined : text;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function stringify(query: Record<string, string>): Record<string, string> {
  const { cursor: _cursor, ...rest } = query;
  return rest;
}
