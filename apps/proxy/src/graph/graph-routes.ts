import { API_VERSION_PATTERN } from '@ondemand/core';
import { Hono } from 'hono';
import type { ProxyContext, ProxyEnv } from '../app/context.js';
import { answerHeld } from '../approvals/held-request.js';
import { requireRole } from '../auth/authentication.js';
import { ProxyError } from '../http/proxy-error.js';
import { answerOnce } from '../idempotency/idempotency.js';
import { decideAndAnswer } from './decide-and-answer.js';
import { provisionTarget } from './provision-target.js';
import { read } from './read-route.js';
import { requesterReason } from './requester-reason.js';
import { subjectTypes } from './subject-check.js';

const PROVISION = `/:version{${API_VERSION_PATTERN}}/servicePrincipals/:sp/synchronization/jobs/:job/provisionOnDemand`;

/** Graph's own paths: provisionOnDemand behind the policy, and the reads on the allow-list. */
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
  app.get(`/:version{${API_VERSION_PATTERN}}/*`, (c) => read(ctx, c));
  app.all(`/:version{${API_VERSION_PATTERN}}/*`, (c) => {
    throw new ProxyError(
      405,
      'Request_BadRequest',
      `The proxy takes POST …/provisionOnDemand and the reads of its allow-list (GET); not ${c.req.method} ${c.req.path} (job actions such as start, pause and restart are not passed through yet: call Graph with an admin's rights).`,
    );
  });
  return app;
}
