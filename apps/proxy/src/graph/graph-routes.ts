import { API_VERSION_PATTERN, JOB_ACTIONS } from '@ondemand/core';
import { Hono } from 'hono';
import type { ProxyContext, ProxyEnv } from '../app/context.js';
import { answerHeld } from '../approvals/held-request.js';
import { requireRole } from '../auth/authentication.js';
import { ProxyError } from '../http/proxy-error.js';
import { answerOnce } from '../idempotency/idempotency.js';
import { decideAndAnswer } from './decide-and-answer.js';
import { jobActionTarget } from './job-action-target.js';
import { provisionTarget } from './provision-target.js';
import { read } from './read-route.js';
import { requesterReason } from './requester-reason.js';
import { subjectTypes } from './subject-check.js';

const JOB = `/:version{${API_VERSION_PATTERN}}/servicePrincipals/:sp/synchronization/jobs/:job`;
const PROVISION = `${JOB}/provisionOnDemand`;
const JOB_ACTION = `${JOB}/:action{${JOB_ACTIONS.join('|')}}`;
/** A job action names no subjects: there is nothing for the directory to check. */
const NO_SUBJECTS = { directory: new Map(), reads: [] };

/** Graph's own paths: provisionOnDemand and the job actions behind the policy, and the reads on the allow-list. */
export function graphRoutes(ctx: ProxyContext): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  app.post(PROVISION, async (c) => {
    await requireRole(ctx, c, ['requester'], 'Provisioning');
    const target = await provisionTarget(c, ctx.config.maxBodyBytes);
    const reason = requesterReason(c);
    const checked = await subjectTypes(ctx, target);
    // A retry with the same Idempotency-Key gets the first answer; the policy decides a first one.
    return answerOnce(ctx, c, target, {
      replayApproval: async (id) => answerHeld(ctx, c, (await ctx.approvals.get(id))!),
      decide: () => decideAndAnswer(ctx, c, target, checked, reason),
    });
  });
  app.post(JOB_ACTION, async (c) => {
    await requireRole(ctx, c, ['requester'], 'A job action');
    const target = await jobActionTarget(c, ctx.config.maxBodyBytes);
    const reason = requesterReason(c);
    return answerOnce(ctx, c, target, {
      replayApproval: async (id) => answerHeld(ctx, c, (await ctx.approvals.get(id))!),
      decide: () => decideAndAnswer(ctx, c, target, NO_SUBJECTS, reason),
    });
  });
  app.get(`/:version{${API_VERSION_PATTERN}}/*`, (c) => read(ctx, c));
  app.all(`/:version{${API_VERSION_PATTERN}}/*`, (c) => {
    throw new ProxyError(
      405,
      'Request_BadRequest',
      `The proxy takes POST …/jobs/{id}/provisionOnDemand, …/start, …/pause, …/restart and …/validateCredentials, and the reads of its allow-list (GET); not ${c.req.method} ${c.req.path}.`,
    );
  });
  return app;
}
