import { describeJobAction } from '@ondemand/core';
import { auditContext, ids, type ProxyContext, type ProxyRequest } from '../app/context.js';
import { namesForApprovers } from '../approvals/approval-names.js';
import { answerHeld } from '../approvals/held-request.js';
import { graphError, respond } from '../http/graph-shaped-answer.js';
import { ProxyError } from '../http/proxy-error.js';
import type { SettleOutcome } from '../idempotency/idempotency.js';
import { decide } from '../policy/policy.js';
import { describeSubjects } from '../policy/subjects.js';
import type { JobActionTarget } from './job-action-target.js';
import type { Target } from './provision-target.js';
import { graphAnswerText } from './public-links.js';
import type { ProxyRead } from './subject-check.js';
import type { DirectoryEntry } from './subject-directory.js';

/**
 * The policy's decision on a request (a provisionOnDemand or a job action), audited, and its answer:
 * refused, held, or Graph's.
 */
export async function decideAndAnswer(
  ctx: ProxyContext,
  c: ProxyRequest,
  target: Target | JobActionTarget,
  checked: { directory: Map<string, DirectoryEntry>; reads: ProxyRead[] },
  reason: string | null,
): Promise<{ response: Response; settle: SettleOutcome }> {
  const { directory, reads } = checked;
  const { audit, approvals, metrics } = ctx;
  const { servicePrincipalId, jobId, body, apiVersion } = target;
  // One or the other: a job action (with its criteria) or a provisionOnDemand (with its subjects).
  const action = 'action' in target ? target.action : undefined;
  const provision = 'action' in target ? undefined : target.body;
  const subject = provision ? describeSubjects(provision) : describeJobAction(action!, body);
  const where = { servicePrincipalId, jobId, subject };
  const caller = c.get('principal');
  const verdict = decide(
    ctx.config.policy,
    provision
      ? { servicePrincipalId, jobId, body: provision, caller }
      : { servicePrincipalId, jobId, action: action!, caller },
  );
  metrics.decisions.inc({ decision: verdict.decision });
  const who = auditContext(c);
  const held =
    verdict.decision === 'require_approval'
      ? {
          requester: caller.principal,
          reason,
          apiVersion,
          servicePrincipalId,
          jobId,
          ...(action ? { action } : {}),
          body,
          rule: verdict.rule,
          approvals: verdict.approvals,
        }
      : undefined;
  // A requester's waiting requests are bounded (each is an approver's work, and a row read by every
  // list): a new one past the cap is refused before anything is recorded as decided.
  const waiting = held ? await approvals.findPending(held) : undefined;
  if (held && !waiting) {
    const pending = await approvals.pendingOf(caller.principal);
    if (pending >= ctx.config.maxPendingPerRequester)
      throw new ProxyError(
        429,
        'TooManyRequests',
        `You have ${pending} requests waiting for approval, as many as this proxy holds for one requester: withdraw one (POST /approvals/{id}/withdraw) or wait until one is decided.`,
        { headers: { 'Retry-After': '60' } },
      );
  }
  // Read before anything is recorded, so what the proxy read for this request is in its entries.
  const naming = held && !waiting ? await namesForApprovers(ctx.graph, target, directory) : undefined;
  // Request and decision in one transaction: one disk sync, both durable before anything goes on.
  await audit.append([
    audit.entry('request', who, {
      ...where,
      detail: {
        apiVersion,
        // A job action with its criteria (a restart's scope); a provisioning call by its rules.
        ...(action
          ? { action, body }
          : { ruleIds: provision!.parameters.map((parameter) => parameter.ruleId) }),
        // The names the directory gave for the subjects (looked up for the type check anyway), so an
        // auditor reads who, not only an id, for direct calls as for held ones.
        ...(named(directory) ? { names: named(directory) } : {}),
        // The Graph reads the proxy made for it with its own permissions.
        ...(reads.length > 0 ? { proxyReads: reads } : {}),
      },
    }),
    audit.entry('decision', who, {
      ...where,
      detail:
        verdict.decision === 'require_approval'
          ? {
              decision: verdict.decision,
              rule: verdict.rule,
              approvals: verdict.approvals,
              ...(naming && naming.reads.length > 0 ? { proxyReads: naming.reads } : {}),
            }
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
    // Asking again while the same request waits gets that one, not a second for an approver to run too.
    const record = waiting ?? (await approvals.create({ ...held!, names: naming!.names }));
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
    ...(action ? { action } : {}),
  });
  const answer = { ...forwarded.answer, text: graphAnswerText(ctx, forwarded.answer.text, ctx.urls.of(c)) };
  return {
    response: respond(c, answer),
    settle: forwarded.sent === 'no' ? { ran: false } : { ran: true, answer: { kind: 'answer', answer } },
  };
}

/** Display names by object id, from the directory's answer; none when it gave none. */
export function named(directory: Map<string, DirectoryEntry>): Record<string, string> | undefined {
  const names = [...directory].flatMap(([id, entry]) => (entry.displayName ? [[id, entry.displayName]] : []));
  return names.length > 0 ? Object.fromEntries(names) : undefined;
}
