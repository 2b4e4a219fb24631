import { createHash } from 'node:crypto';
import { approvalListQuerySchema, reviewSchema } from '@ondemand/core';
import { Hono } from 'hono';
import type { z } from 'zod';
import type { ProxyContext, ProxyEnv, ProxyRequest } from '../app/context.js';
import { requireRole } from '../auth/authentication.js';
import { preferredWait } from '../http/prefer-wait.js';
import { ProxyError } from '../http/proxy-error.js';
import { REVIEW_BODY_BYTES, readBodyText, readJsonBody } from '../http/request-body.js';
import { SharedReads } from '../http/shared-reads.js';
import { type ApprovalRecord, ReviewRefused } from './approval.js';
import { mayRead, refusedAsAudited, seesAll } from './approval-access.js';
import { approvalTag, approvalView } from './approval-view.js';
import { answerHeld } from './held-request.js';

/** List calls one principal may have held (Prefer: wait) at once; more are answered without waiting. */
const MAX_HELD_LIST_CALLS = 10;

/** Approvals: list (filtered, paged), read (and wait for) one, approve, deny or withdraw it. */
export function approvalRoutes(ctx: ProxyContext): Hono<ProxyEnv> {
  const app = new Hono<ProxyEnv>();
  const { approvals } = ctx;
  // Pages built once per change and shared by every caller asking for the same page at that moment.
  const pages = new SharedReads<{ text: string; etag: string }>();
  // Long-polls held per principal: past the cap, a list call is answered at once instead of held.
  const holding = new Map<string, number>();

  // Newest first. Requesters see their own; approvers, auditors and admins see all. With the ETag of
  // the page a caller has (If-None-Match) and Prefer: wait=N, the call is held until the page changes
  // (a new request, a review, a decision): how an inbox stays current without polling. 304 if not.
  app.get('/', async (c) => {
    const parsed = approvalListQuerySchema.safeParse(c.req.query());
    if (!parsed.success) throw badQuery(parsed.error);
    const { cursor, limit, servicePrincipal, ...filters } = parsed.data;
    const principal = c.get('principal');
    const base = ctx.urls.of(c);
    const { cursor: _cursor, ...rest } = c.req.query();
    const key = JSON.stringify([principal.principal, base, parsed.data]);
    const readPage = () => pages.read(key, approvals.changeStamp(), buildPage);
    const buildPage = async () => {
      const page = await approvals.page({
        ...filters,
        ...(servicePrincipal ? { servicePrincipalId: servicePrincipal } : {}),
        ...(seesAll(principal) ? {} : { requester: principal.principal }),
        ...(cursor ? { before: cursor } : {}),
        limit,
      });
      const next =
        page.length === limit
          ? `${base}/approvals?${new URLSearchParams({ ...rest, cursor: String(page.at(-1)!.cursor) })}`
          : undefined;
      const text = JSON.stringify({
        value: page.map(({ record }) => approvalView(record, base, { principal, now: new Date() })),
        ...(next ? { '@odata.nextLink': next } : {}),
      });
      return { text, etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"` };
    };
    const known = c.req.header('if-none-match');
    // Held only while the principal holds fewer than the cap; past it, answered at once (as 304 or the page).
    const held = holding.get(principal.principal) ?? 0;
    const wait = known && held < MAX_HELD_LIST_CALLS ? preferredWait(c.req.header('prefer')) * 1000 : 0;
    if (wait > 0) holding.set(principal.principal, held + 1);
    let answer: { text: string; etag: string };
    try {
      answer =
        wait > 0
          ? await approvals.waitWhile(readPage, (page) => page.etag === known, wait)
          : await readPage();
    } finally {
      if (wait > 0) {
        const left = (holding.get(principal.principal) ?? 1) - 1;
        if (left > 0) holding.set(principal.principal, left);
        else holding.delete(principal.principal);
      }
    }
    if (answer.etag === known) return c.body(null, 304, { ETag: answer.etag });
    return c.body(answer.text, 200, { 'content-type': 'application/json', ETag: answer.etag });
  });

  // Who may see it is decided before anything else: before a wait, before expiry is written.
  const readable = async (c: ProxyRequest): Promise<ApprovalRecord> => {
    const id = c.req.param('id')!;
    const stored = await approvals.stored(id);
    if (!stored || !mayRead(c.get('principal'), stored))
      throw new ProxyError(404, 'NotFound', `No approval ${id} that you may see.`);
    return stored;
  };

  // With Prefer: wait, held until it is decided; with If-None-Match as well (the ETag last seen), until
  // it changes at all (a review), so a waiting requester sees what is still needed go down.
  app.get('/:id', async (c) => {
    const { id } = await readable(c);
    const wait = preferredWait(c.req.header('prefer'));
    const known = c.req.header('if-none-match');
    const record =
      wait === 0
        ? await approvals.get(id)
        : known === undefined
          ? await approvals.waitForDecision(id, wait * 1000)
          : await approvals.waitForChange(id, wait * 1000, known, approvalTag);
    const tag = approvalTag(record!);
    if (known === tag) return c.body(null, 304, { ETag: tag });
    return c.json(
      approvalView(record!, ctx.urls.of(c), { principal: c.get('principal'), now: new Date() }),
      200,
      {
        ETag: tag,
      },
    );
  });

  // What came of it, answered as the held POST would have been: what an SDK follows.
  app.get('/:id/result', async (c) => answerHeld(ctx, c, (await approvals.get((await readable(c)).id))!));

  for (const decision of ['approve', 'deny'] as const) {
    app.post(`/:id/${decision}`, async (c) => {
      await requireRole(ctx, c, ['approver'], 'Reviewing');
      const parsed = reviewSchema.safeParse(await readJsonBody(c, REVIEW_BODY_BYTES, '{ "reason": "…" }'));
      if (!parsed.success) throw badQuery(parsed.error);
      const id = c.req.param('id');
      return refusedAsAudited(ctx, c, id, decision, async () =>
        c.json(
          approvalView(
            await approvals.review(id, c.get('principal'), decision, parsed.data.reason),
            ctx.urls.of(c),
            { principal: c.get('principal'), now: new Date() },
          ),
        ),
      );
    });
  }

  // By whoever asked for it (or an admin); a body, if any, is read within the review limit and ignored.
  app.post('/:id/withdraw', async (c) => {
    await readBodyText(c, REVIEW_BODY_BYTES);
    const id = c.req.param('id');
    const principal = c.get('principal');
    // Someone else's request, to a caller who may not see it, is as missing as it is to GET.
    const stored = await approvals.stored(id);
    if (stored && !mayRead(principal, stored))
      return refusedAsAudited(ctx, c, id, 'withdraw', async () => {
        throw new ReviewRefused('not_found', `no approval has the id ${id}`);
      });
    return refusedAsAudited(ctx, c, id, 'withdraw', async () =>
      c.json(
        approvalView(
          await approvals.withdraw(id, {
            principal: principal.principal,
            admin: principal.roles.includes('admin'),
          }),
          ctx.urls.of(c),
          { principal, now: new Date() },
        ),
      ),
    );
  });
  return app;
}

function badQuery(error: z.ZodError): ProxyError {
  return new ProxyError(
    400,
    'BadRequest',
    error.issues
      .map((issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown ${issue.keys.join(', ')}: use state, requester, servicePrincipal, from, to, cursor, limit`
          : `${issue.path.join('.') || 'body'}: ${issue.message}`,
      )
      .join('; '),
  );
}
