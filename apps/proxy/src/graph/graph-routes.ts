import {
  API_VERSION_PATTERN,
  type ApiVersion,
  unsafeCharacter,
  validateProvisionRequest,
} from '@ondemand/core';
import { TransportError } from '@ondemand/transport';
import { Hono } from 'hono';
import { auditContext, ids, type ProxyContext, type ProxyEnv, type ProxyRequest } from '../app/context.js';
import { namesForApprovers } from '../approvals/approval-names.js';
import { answerHeld } from '../approvals/held-request.js';
import { requireRole } from '../auth/authentication.js';
import { ROLES } from '../auth/roles.js';
import { graphError, respond } from '../http/graph-shaped-answer.js';
import { invalidInput, ProxyError } from '../http/proxy-error.js';
import { readJsonBody } from '../http/request-body.js';
import {
  claimIdempotency,
  idempotencyScope,
  keepIdempotencyAnswer,
  settleIdempotency,
} from '../idempotency/idempotency.js';
import { canonicalTarget, type ProvisionTarget } from '../policy/canonical-ids.js';
import { decide } from '../policy/policy.js';
import { describeSubjects } from '../policy/subjects.js';
import { graphAnswerText } from './public-links.js';
import { allowedRead } from './read-allow-list.js';
import { type DirectoryEntry, entraObjectIds, typeMismatches } from './subject-directory.js';

const PROVISION = `/:version{${API_VERSION_PATTERN}}/servicePrincipals/:sp/synchronization/jobs/:job/provisionOnDemand`;

/** Graph's own paths: provisionOnDemand behind the policy, and the reads on the allow-list. */
export function graphRoutes(ctx: ProxyContext): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  app.post(PROVISION, (c) => provision(ctx, c));
  app.get(`/:version{${API_VERSION_PATTERN}}/*`, (c) => read(ctx, c));
  app.all(`/:version{${API_VERSION_PATTERN}}/*`, (c) => {
    throw new ProxyError(
      405,
      'Request_BadRequest',
      `The proxy takes POST …/provisionOnDemand and the reads of its allow-list (GET); not ${c.req.method} ${c.req.path}.`,
    );
  });
  return app;
}

async function provision(ctx: ProxyContext, c: ProxyRequest): Promise<Response> {
  const { config } = ctx;
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
  const target = { ...canonical.value, apiVersion };
  const reason = requesterReason(c);
  const directory = await subjectTypes(ctx, target.body, apiVersion, target.servicePrincipalId);

  const scope = idempotencyScope(c, target);
  if (scope) {
    const replay = await claimIdempotency(ctx, c, scope, async (id) =>
      answerHeld(ctx, c, (await ctx.approvals.get(id))!),
    );
    if (replay) return replay;
  }
  let decided: Awaited<ReturnType<typeof decideAndAnswer>>;
  try {
    decided = await decideAndAnswer(ctx, c, target, directory, reason);
  } catch (error) {
    // Nothing was done (the audit log or the store away): the next request with this key is a first one.
    if (scope) await settleIdempotency(ctx, scope, { ran: false }).catch(() => {});
    throw error;
  }
  // Decided, perhaps run: from here the caller gets its answer, whether or not the key can be settled now.
  if (scope) await keepIdempotencyAnswer(ctx, scope, decided.settle);
  return decided.response;
}

type Target = ProvisionTarget & { apiVersion: ApiVersion };

/** The policy's decision on a request, audited, and its answer: refused, held, or Graph's. */
async function decideAndAnswer(
  ctx: ProxyContext,
  c: ProxyRequest,
  target: Target,
  directory: Map<string, DirectoryEntry>,
  reason: string | null,
): Promise<{ response: Response; settle: Parameters<typeof settleIdempotency>[2] }> {
  const { audit, approvals, metrics } = ctx;
  const { servicePrincipalId, jobId, body, apiVersion } = target;
  const subject = describeSubjects(body);
  const where = { servicePrincipalId, jobId, subject };
  const caller = c.get('principal');
  const verdict = decide(ctx.config.policy, { servicePrincipalId, jobId, body, caller });
  metrics.decisions.inc({ decision: verdict.decision });
  const who = auditContext(c);
  // Request and decision in one transaction: one disk sync, both durable before anything goes on.
  await audit.append([
    audit.entry('request', who, {
      ...where,
      detail: {
        apiVersion,
        ruleIds: body.parameters.map((parameter) => parameter.ruleId),
        // The names the directory gave for the subjects (looked up for the type check anyway), so an
        // auditor reads who, not only an id, for direct calls as for held ones.
        ...(named(directory) ? { names: named(directory) } : {}),
      },
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

  if (verdict.decision === 'deny') {
    // Answered, not thrown: a replay with the same Idempotency-Key is told the same.
    const denied = graphError(403, 'Authorization_RequestDenied', `Denied by policy: ${verdict.reason}.`, {
      ids: ids(c),
    });
    return {
      response: respond(c, denied),
      settle: { ran: true, answer: { kind: 'answer', answer: denied } },
    };
  }
  if (verdict.decision === 'require_approval') {
    const request = {
      requester: caller.principal,
      reason,
      apiVersion,
      servicePrincipalId,
      jobId,
      body,
      rule: verdict.rule,
      approvals: verdict.approvals,
    };
    // Asking again while the same request waits gets that one, not a second for an approver to run too.
    const record =
      (await approvals.findPending(request)) ??
      (await approvals.create({ ...request, names: await namesForApprovers(ctx.graph, target, directory) }));
    return {
      response: await answerHeld(ctx, c, record),
      settle: { ran: true, answer: { kind: 'approval', id: record.id } },
    };
  }
  const forwarded = await ctx.forwarder.forward({
    who,
    apiVersion,
    servicePrincipalId,
    jobId,
    subject,
    body,
  });
  const answer = { ...forwarded.answer, text: graphAnswerText(ctx, forwarded.answer.text, ctx.urls.of(c)) };
  return {
    response: respond(c, answer),
    settle: forwarded.sent === 'no' ? { ran: false } : { ran: true, answer: { kind: 'answer', answer } },
  };
}

/** Display names by object id, from the directory's answer; none when it gave none. */
function named(directory: Map<string, DirectoryEntry>): Record<string, string> | undefined {
  const names = [...directory].flatMap(([id, entry]) => (entry.displayName ? [[id, entry.displayName]] : []));
  return names.length > 0 ? Object.fromEntries(names) : undefined;
}

/**
 * The requester's reason (`X-Ondemand-Reason`) as the text they sent. HTTP hands header bytes over as
 * Latin-1, so UTF-8 is decoded here; a reason holding a control character (C0 or C1: a terminal acts on
 * them) or that is not UTF-8 is refused rather than stored for an approver's screen.
 */
function requesterReason(c: ProxyRequest): string | null {
  const raw = c.req.header('x-ondemand-reason');
  if (raw === undefined) return null;
  const reason = Buffer.from(raw, 'latin1').toString('utf8');
  const problem = reason.includes('\ufffd') ? 'text that is not UTF-8' : unsafeCharacter(reason);
  if (problem || reason.length > 1_000)
    throw new ProxyError(
      400,
      'BadRequest',
      `The X-Ondemand-Reason header holds ${problem ?? 'more than 1 000 characters'}: send a reason of plain text.`,
    );
  return reason;
}

/**
 * What the directory says each Entra subject is; refuses one whose declared type is not that (a group
 * sent as a `User`). With `policy.checkSubjectTypes: false`, nothing is looked up.
 */
async function subjectTypes(
  ctx: ProxyContext,
  body: Target['body'],
  apiVersion: ApiVersion,
  servicePrincipalId: string,
): Promise<Map<string, DirectoryEntry>> {
  const ids = entraObjectIds(body);
  if (!ctx.config.policy.checkSubjectTypes || ids.length === 0) return new Map();
  let directory: Map<string, DirectoryEntry>;
  try {
    // The app too, in the same call: its name goes into the audit entry beside the subjects'.
    directory = await ctx.subjects.lookup([...ids, servicePrincipalId], apiVersion);
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    // The permission is the fix only when Graph refused the read; a sign-in or a network failure
    // says its own cause (a DNS failure was followed by advice about permissions).
    const refused = error.details.status === 403;
    throw new ProxyError(
      502,
      'BadGateway',
      `The proxy could not ask the directory what the subjects are, so nothing was sent (${error.message}).${refused ? ' Its Graph app needs Directory.Read.All, or User.Read.All and Group.Read.All.' : ''}`,
      {},
      { cause: error },
    );
  }
  const mismatches = typeMismatches(body, directory);
  if (mismatches.length > 0) throw invalidInput(mismatches, 'Invalid request');
  return directory;
}

async function read(ctx: ProxyContext, c: ProxyRequest): Promise<Response> {
  // The proxy reads with its own Graph permissions: only callers it knows a role for may use them.
  await requireRole(ctx, c, [...ROLES], 'Reading the directory through the proxy');
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
  return respond(c, {
    status: answer.status,
    text: graphAnswerText(ctx, answer.text, ctx.urls.of(c)),
    headers: { 'content-type': 'application/json', 'graph-request-id': answer.requestId ?? '' },
  });
}
