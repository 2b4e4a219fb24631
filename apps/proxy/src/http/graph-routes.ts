import { validateProvisionRequest } from '@ondemand/core';
import { type ApiVersion, TransportError } from '@ondemand/transport';
import { Hono } from 'hono';
import { canonicalTarget } from '../policy/canonical-ids.js';
import { decide } from '../policy/policy.js';
import { entraObjectIds, typeMismatches } from '../policy/subject-types.js';
import { describeSubjects } from '../policy/subjects.js';
import { approvalView } from './approval-view.js';
import { requireRole } from './authentication.js';
import { auditContext, type ProxyContext, type ProxyEnv, type ProxyRequest } from './context.js';
import { invalidInput, ProxyError } from './proxy-error.js';
import { allowedRead } from './read-allow-list.js';
import { readJsonBody } from './request-body.js';

const PROVISION = '/:version{v1\\.0|beta}/servicePrincipals/:sp/synchronization/jobs/:job/provisionOnDemand';

/** Graph's own paths: provisionOnDemand behind the policy, and the reads on the allow-list. */
export function graphRoutes(ctx: ProxyContext): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  app.post(PROVISION, (c) => provision(ctx, c));
  app.get('/:version{v1\\.0|beta}/*', (c) => read(ctx, c));
  app.all('/:version{v1\\.0|beta}/*', (c) => {
    throw new ProxyError(
      405,
      'Request_BadRequest',
      `The proxy takes POST …/provisionOnDemand and the reads of its allow-list (GET); not ${c.req.method} ${c.req.path}.`,
    );
  });
  return app;
}

async function provision(ctx: ProxyContext, c: ProxyRequest): Promise<Response> {
  const { config, audit, approvals, metrics } = ctx;
  await requireRole(ctx, c, ['requester'], 'Provisioning');
  const apiVersion = c.req.param('version') as ApiVersion;
  const contentType = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType))
    throw new ProxyError(
      415,
      'UnsupportedMediaType',
      `The content type '${contentType || '(none)'}' is not supported: send the body as application/json.`,
    );
  const checked = validateProvisionRequest(
    await readJsonBody(c, config.maxBodyBytes, '{ "parameters": [ { "ruleId", "subjects" } ] }'),
  );
  if (!checked.ok) throw invalidInput(checked.issues);
  const canonical = canonicalTarget({
    servicePrincipalId: c.req.param('sp')!,
    jobId: c.req.param('job')!,
    body: checked.value,
  });
  if (!canonical.ok) throw invalidInput(canonical.issues, 'Invalid request');
  const { servicePrincipalId, jobId, body } = canonical.value;
  await checkSubjectTypes(ctx, body, apiVersion);

  const subject = describeSubjects(body);
  const where = { servicePrincipalId, jobId, subject };
  const caller = c.get('principal');
  const verdict = decide(config.policy, { servicePrincipalId, jobId, body, caller });
  metrics.decisions.inc({ decision: verdict.decision });
  const who = auditContext(c);
  // Request and decision in one transaction: one disk sync, both durable before anything goes on.
  await audit.append([
    audit.entry('request', who, {
      ...where,
      detail: { apiVersion, ruleIds: body.parameters.map((parameter) => parameter.ruleId) },
    }),
    audit.entry('decision', who, {
      ...where,
      detail:
        verdict.decision === 'require_approval'
          ? { decision: verdict.decision, rule: verdict.rule, approvals: verdict.approvals }
          : { ...verdict },
    }),
  ]);
  c.set('audited', true);

  if (verdict.decision === 'deny')
    throw new ProxyError(403, 'Authorization_RequestDenied', `Denied by policy: ${verdict.reason}.`, {
      audited: true,
    });
  if (verdict.decision === 'require_approval') {
    const record = await approvals.create({
      requester: caller.principal,
      reason: c.req.header('x-ondemand-reason') ?? null,
      apiVersion,
      servicePrincipalId,
      jobId,
      body,
      rule: verdict.rule,
      approvals: verdict.approvals,
    });
    return c.json(approvalView(record), 202, { Location: `/approvals/${record.id}` });
  }
  const forwarded = await ctx.forwarder.forward({
    who,
    apiVersion,
    servicePrincipalId,
    jobId,
    subject,
    body,
  });
  return c.body(forwarded.answer.text, forwarded.answer.status as never, forwarded.answer.headers);
}

/** Refuses a subject whose declared type is not what the directory says (a group sent as a `User`). */
async function checkSubjectTypes(
  ctx: ProxyContext,
  body: Parameters<typeof typeMismatches>[0],
  apiVersion: ApiVersion,
): Promise<void> {
  if (!ctx.config.policy.checkSubjectTypes) return;
  const ids = entraObjectIds(body);
  if (ids.length === 0) return;
  let directory: Awaited<ReturnType<ProxyContext['subjects']['lookup']>>;
  try {
    directory = await ctx.subjects.lookup(ids, apiVersion);
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    throw new ProxyError(
      502,
      'BadGateway',
      `The proxy could not ask the directory what the subjects are, so nothing was sent (${error.message}). Its Graph app needs Directory.Read.All, or User.Read.All and Group.Read.All.`,
      {},
      { cause: error },
    );
  }
  const mismatches = typeMismatches(body, directory);
  if (mismatches.length > 0) throw invalidInput(mismatches, 'Invalid request');
}

async function read(ctx: ProxyContext, c: ProxyRequest): Promise<Response> {
  const apiVersion = c.req.param('version') as ApiVersion;
  const url = new URL(c.req.url);
  const allowed = allowedRead(url.pathname.slice(apiVersion.length + 1), url.searchParams);
  if (!allowed.ok) throw new ProxyError(404, 'NotFound', `Not passed through: ${allowed.issue.message}.`);
  await ctx.audit.append([
    ctx.audit.entry('read', auditContext(c), {
      detail: { apiVersion, path: allowed.path, query: url.search },
    }),
  ]);
  c.set('audited', true);
  const consistency = c.req.header('consistencylevel');
  let answer: Awaited<ReturnType<typeof ctx.graph.forwardGet>>;
  try {
    answer = await ctx.graph.forwardGet(`${allowed.path}${url.search}`, {
      apiVersion,
      ...(consistency ? { headers: { ConsistencyLevel: consistency } } : {}),
    });
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    throw new ProxyError(
      error.code === 'timeout' ? 504 : 502,
      error.code === 'timeout' ? 'GatewayTimeout' : 'BadGateway',
      `Graph could not be reached: ${error.message}`,
      { audited: true },
      { cause: error },
    );
  }
  // Paging links point at Graph; callers follow them here.
  const text = answer.text.replaceAll(ctx.graph.graphBaseUrl.replace(/\/(v1\.0|beta)$/, ''), url.origin);
  return c.body(text, answer.status as never, {
    'content-type': 'application/json',
    'graph-request-id': answer.requestId ?? '',
  });
}
