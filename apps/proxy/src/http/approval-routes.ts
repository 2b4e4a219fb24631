import { Hono } from 'hono';
import { z } from 'zod';
import type { Principal } from '../api-keys.js';
import { type ApprovalRecord, ReviewRefused } from '../approvals/approval.js';
import { approvalView } from './approval-view.js';
import { holdsRole, requireRole } from './authentication.js';
import { auditContext, type ProxyContext, type ProxyEnv } from './context.js';
import { ProxyError } from './proxy-error.js';
import { REVIEW_BODY_BYTES, readJsonBody } from './request-body.js';

const reviewSchema = z.strictObject({
  reason: z.string().trim().min(1, 'give a reason: it goes into the audit log').max(2_000),
});

/** The longest a long-poll is held (`Prefer: wait=N`). */
const MAX_WAIT_SECONDS = 60;

/** Approvals: list, read (and wait for) one, approve or deny it. */
export function approvalRoutes(ctx: ProxyContext): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  const { approvals, store } = ctx;

  app.get('/', async (c) => {
    const principal = c.get('principal');
    const state = c.req.query('state') as ApprovalRecord['state'] | undefined;
    const all = await store.listApprovals(state);
    return c.json({ value: all.filter((record) => mayRead(principal, record)).map(approvalView) });
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    // Who may see it is decided before anything else: before a wait, before expiry is written.
    const stored = await store.getApproval(id);
    if (!stored || !mayRead(c.get('principal'), stored))
      throw new ProxyError(404, 'NotFound', `No approval ${id} that you may see.`);
    const wait = Math.min(
      MAX_WAIT_SECONDS,
      Number(/wait=(\d+)/.exec(c.req.header('prefer') ?? '')?.[1] ?? 0),
    );
    const record = wait > 0 ? await approvals.waitForDecision(id, wait * 1000) : await approvals.get(id);
    return c.json(approvalView(record!));
  });

  for (const decision of ['approve', 'deny'] as const) {
    app.post(`/:id/${decision}`, async (c) => {
      await requireRole(ctx, c, ['approver'], 'Reviewing');
      const parsed = reviewSchema.safeParse(await readJsonBody(c, REVIEW_BODY_BYTES, '{ "reason": "…" }'));
      if (!parsed.success)
        throw new ProxyError(
          400,
          'BadRequest',
          parsed.error.issues
            .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
            .join('; '),
        );
      const id = c.req.param('id');
      try {
        return c.json(
          approvalView(await approvals.review(id, c.get('principal'), decision, parsed.data.reason)),
        );
      } catch (error) {
        if (!(error instanceof ReviewRefused)) throw error;
        await ctx.audit.append([
          ctx.audit.entry('review', auditContext(c), {
            detail: { approval: id, refused: error.reason, decision },
          }),
        ]);
        const status =
          error.reason === 'not_found'
            ? 404
            : error.reason === 'self_review' || error.reason === 'role'
              ? 403
              : 409;
        throw new ProxyError(
          status,
          status === 409 ? 'Conflict' : status === 404 ? 'NotFound' : 'Authorization_RequestDenied',
          error.message,
          { audited: true },
        );
      }
    });
  }
  return app;
}

/** Requesters see their own approvals; approvers, auditors and admins see all. */
function mayRead(principal: Principal, record: ApprovalRecord): boolean {
  return record.requester === principal.principal || holdsRole(principal, ['approver', 'auditor']);
}
