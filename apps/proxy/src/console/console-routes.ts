import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { verifyChain } from '@ondemand/audit-log';
import {
  type ApprovalView,
  type ChainVerdict,
  describeVerdict,
  subjectRequest,
  terminalSafe,
  validateProvisionRequest,
} from '@ondemand/core';
import { readApprovalContext, readJobHealth, whyUser } from '@ondemand/transport';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html, raw } from 'hono/html';
import { auditContext, type ProxyContext, type ProxyEnv, type ProxyRequest } from '../app/context.js';
import { mayRead, refusedAsAudited, seesAll } from '../approvals/approval-access.js';
import { approvalView } from '../approvals/approval-view.js';
import { answerHeld } from '../approvals/held-request.js';
import { auditExport } from '../audit/audit-routes.js';
import { holdsRole, requireRole } from '../auth/authentication.js';
import type { Role } from '../auth/roles.js';
import { decideAndAnswer } from '../graph/decide-and-answer.js';
import { reasonProblem } from '../graph/requester-reason.js';
import { subjectTypes } from '../graph/subject-check.js';
import { ProxyError } from '../http/proxy-error.js';
import { answerOnce } from '../idempotency/idempotency.js';
import { canonicalTarget } from '../policy/canonical-ids.js';
import { CONSOLE_CSS, FAVICON_SVG, INBOX_JS } from './console-assets.js';
import {
  approvalPage,
  auditPage,
  inboxLists,
  inboxPage,
  jobsPage,
  layout,
  problemPage,
  requestPage,
  type Viewer,
  whyPage,
} from './console-pages.js';
import { newSignIn, type OidcSignIn, SignInRefused } from './oidc-sign-in.js';

/** The session's cookie and the sign-in-under-way's: `__Host-` so no subdomain can set or read them. */
const SESSION_COOKIE = 'ondemand-session';
const SIGN_IN_COOKIE = 'ondemand-sign-in';
const SIGN_IN_MINUTES = 10;
/** How long the live inbox's request is held open when nothing changes. */
const LIVE_WAIT_MS = 25_000;

/** Headers every console answer carries: no inline script, no framing, nothing cached or referred. */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on its own forms.
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
};

type ConsoleEnv = {
  Bindings: ProxyEnv['Bindings'];
  Variables: ProxyEnv['Variables'] & {
    viewer: Viewer;
    sessionKey: string;
    /** A POST's form, read once by the session check (which needs its CSRF token). */
    form: Record<string, string | File>;
  };
};
type ConsoleRequest = Context<ConsoleEnv>;

/** The hash a record is kept under: the store never holds a cookie's token that works. */
function keyOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * The web console under `/console/`, on the proxy's own origin: sign-in with the identity provider
 * (authorization code with PKCE), a server-side session in an HttpOnly, Secure, SameSite cookie, a
 * CSRF token in every form that changes something, and pages that use the same services and rules
 * as the API (a review, a withdrawal, a request through the policy, the audit log and its verdict).
 */
export function consoleRoutes(ctx: ProxyContext, signIn: OidcSignIn | undefined): Hono<ConsoleEnv> {
  // Full paths, mounted at the root: `/console/` itself is the inbox (a sub-app at /console could
  // not route its own trailing slash).
  const app = new Hono<ConsoleEnv>();
  const config = ctx.config.console;
  app.get('/console', (c) => c.redirect('/console/', 301));

  app.use('/console/*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(name, value);
  });

  // Errors as pages, in plain words, never a stack (the proxy's own 5xx are logged by its handler).
  app.onError((error, c) => {
    const viewer = c.get('viewer') as Viewer | undefined;
    if (error instanceof ProxyError)
      return c.html(problemPage(viewer, 'That did not work', error.message), error.status as 400);
    if (error instanceof SignInRefused)
      return c.html(
        problemPage(viewer, 'Sign-in is not available', `${error.message}. Try again shortly.`),
        503,
      );
    ctx.log({ level: 'error', msg: 'console page failed', cause: (error as Error).message });
    return c.html(
      problemPage(viewer, 'Something went wrong', 'The proxy could not answer this page; try again shortly.'),
      500,
    );
  });

  app.get('/console/assets/console.css', (c) =>
    c.body(CONSOLE_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }),
  );
  app.get('/console/assets/favicon.svg', (c) =>
    c.body(FAVICON_SVG, 200, { 'content-type': 'image/svg+xml' }),
  );
  app.get('/console/assets/inbox.js', (c) =>
    c.body(INBOX_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );

  if (!config || !signIn) {
    app.all('/console/*', (c) =>
      c.html(
        problemPage(
          undefined,
          'The console is not turned on',
          'This proxy has no console configured: its operator adds a console section to the config (see the proxy README).',
        ),
        404,
      ),
    );
    return app;
  }

  const redirectUri = (c: ConsoleRequest) => `${ctx.urls.of(base(c))}/console/callback`;

  app.get('/console/sign-in', async (c) => {
    const start = newSignIn();
    const token = randomBytes(32).toString('base64url');
    const returnTo = safeReturn(c.req.query('returnTo'));
    await ctx.store.putConsoleRecord(
      keyOf(token),
      { kind: 'sign-in', ...start, returnTo },
      new Date(Date.now() + SIGN_IN_MINUTES * 60_000).toISOString(),
    );
    // Lax: the identity provider sends the browser back with a top-level GET from its own site.
    setCookie(c, SIGN_IN_COOKIE, token, {
      prefix: 'host',
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: SIGN_IN_MINUTES * 60,
    });
    return c.redirect(await signIn.authorizationUrl(start, redirectUri(c)), 302);
  });

  app.get('/console/callback', async (c) => {
    const token = getCookie(c, SIGN_IN_COOKIE, 'host');
    const record = token
      ? await ctx.store.getConsoleRecord(keyOf(token), new Date().toISOString())
      : undefined;
    if (token) await ctx.store.deleteConsoleRecord(keyOf(token));
    deleteCookie(c, SIGN_IN_COOKIE, { prefix: 'host', secure: true, path: '/' });
    const again = html400(c, 'Sign-in did not finish');
    if (record?.kind !== 'sign-in')
      return again('This sign-in is unknown or took longer than 10 minutes: sign in again.');
    if (c.req.query('error'))
      return again(`The identity provider said: ${c.req.query('error_description') ?? c.req.query('error')}`);
    // The state ties the answer to the sign-in this browser started: another one's code is refused.
    if (c.req.query('state') !== record.state)
      return again('This answer is not for the sign-in you started: sign in again.');
    let who: Awaited<ReturnType<OidcSignIn['redeem']>>;
    try {
      who = await signIn.redeem(c.req.query('code') ?? '', record, redirectUri(c));
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      await ctx.audit.append([
        ctx.audit.entry('sign_in', auditContext(base(c)), { detail: { refused: error.message } }),
      ]);
      return again(`Sign-in refused: ${error.message}.`);
    }
    const session = randomBytes(32).toString('base64url');
    const minutes = config.sessionMinutes;
    // Who signed in, with the roles their token gave, before the session exists: no unrecorded sign-in.
    await ctx.audit.append([
      ctx.audit.entry(
        'sign_in',
        { principal: who.principal, requestId: c.get('requestId') },
        { detail: { name: who.name, roles: who.roles, sessionMinutes: minutes } },
      ),
    ]);
    await ctx.store.putConsoleRecord(
      keyOf(session),
      {
        kind: 'session',
        principal: who.principal,
        name: who.name,
        roles: who.roles,
        csrf: randomBytes(32).toString('base64url'),
        createdAt: new Date().toISOString(),
      },
      new Date(Date.now() + minutes * 60_000).toISOString(),
    );
    setCookie(c, SESSION_COOKIE, session, {
      prefix: 'host',
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
      path: '/',
      maxAge: minutes * 60,
    });
    return c.redirect(record.returnTo, 302);
  });

  // Every page below needs a session; one past its time (or signed out) goes to sign in again.
  app.use('/console/*', async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE, 'host');
    const key = token ? keyOf(token) : undefined;
    const record = key ? await ctx.store.getConsoleRecord(key, new Date().toISOString()) : undefined;
    if (!key || !record || record.kind !== 'session') {
      if (c.req.method === 'GET' && !c.req.path.startsWith('/console/inbox/lists'))
        return c.redirect(`/console/sign-in?returnTo=${encodeURIComponent(c.req.path)}`, 302);
      return c.html(problemPage(undefined, 'Signed out', 'Your session has ended: sign in again.'), 401);
    }
    const viewer: Viewer = {
      principal: record.principal,
      roles: record.roles as Role[],
      name: record.name === null ? null : terminalSafe(record.name),
      csrf: record.csrf,
    };
    c.set('viewer', viewer);
    c.set('sessionKey', key);
    // The principal the proxy's services and audit entries know.
    c.set('principal', { principal: viewer.principal, roles: viewer.roles });
    // A form that changes something carries this session's token and comes from this origin.
    if (c.req.method === 'POST') {
      const form = await c.req.parseBody();
      const origin = c.req.header('origin');
      if (
        typeof form.csrf !== 'string' ||
        !sameToken(form.csrf, record.csrf) ||
        (origin !== undefined && origin !== ctx.urls.of(base(c)))
      )
        return c.html(
          problemPage(
            viewer,
            'Refused',
            'This form did not come from this console, or is out of date: reload the page and try again.',
          ),
          403,
        );
      c.set('form', form as Record<string, string | File>);
    }
    await next();
  });

  app.post('/console/sign-out', async (c) => {
    await ctx.store.deleteConsoleRecord(c.get('sessionKey'));
    await ctx.audit.append([ctx.audit.entry('sign_out', auditContext(base(c)), { detail: {} })]);
    deleteCookie(c, SESSION_COOKIE, { prefix: 'host', secure: true, path: '/' });
    return c.html(layout('Signed out', undefined, htmlSignedOut()));
  });

  /** The inbox's lists for this person, and a tag that changes when they do. */
  const lists = async (c: ConsoleRequest) => {
    const viewer = c.get('viewer');
    const principal = { principal: viewer.principal, roles: viewer.roles };
    const now = new Date();
    const origin = ctx.urls.of(base(c));
    const view = (record: Parameters<typeof approvalView>[0]) =>
      terminalSafe(approvalView(record, origin, { principal, now }));
    const pending = seesAll(principal)
      ? (await ctx.approvals.page({ state: 'pending', limit: 100 })).map(({ record }) => view(record))
      : [];
    const waiting = pending.filter((each) => each.youMay?.review.allowed);
    const mine = holdsRole(principal, ['requester'])
      ? (await ctx.approvals.page({ requester: viewer.principal, limit: 20 })).map(({ record }) =>
          view(record),
        )
      : undefined;
    const text = String(await inboxLists(waiting, mine));
    return { text, tag: createHash('sha256').update(text).digest('base64url').slice(0, 22) };
  };

  app.get('/console/', async (c) => {
    const read = await lists(c);
    return c.html(inboxPage(c.get('viewer'), htmlRaw(read.text), read.tag));
  });

  // The live inbox: held until the lists change (a change here wakes it; other replicas' within a second).
  app.get('/console/inbox/lists', async (c) => {
    const known = c.req.query('tag') ?? '';
    const read = await ctx.approvals.waitWhile(
      () => lists(c),
      (now) => now.tag === known,
      LIVE_WAIT_MS,
    );
    return c.html(read.text, 200, { 'x-inbox-tag': read.tag });
  });

  const readable = async (c: ConsoleRequest): Promise<ApprovalView> => {
    const id = c.req.param('id') ?? '';
    const viewer = c.get('viewer');
    const principal = { principal: viewer.principal, roles: viewer.roles };
    const stored = await ctx.approvals.get(id);
    if (!stored || !mayRead(principal, stored))
      throw new ProxyError(404, 'NotFound', `There is no approval ${id} that you may see.`);
    // Text from requesters and the directory shown as text: controls and bidi marks made visible.
    return terminalSafe(approvalView(stored, ctx.urls.of(base(c)), { principal, now: new Date() }));
  };

  app.get('/console/approvals/:id', async (c) => {
    const view = await readable(c);
    // For whoever may decide it: the job's health and its subjects' newest log entries, read with
    // the proxy's own permissions (audited as a read), the logs in the shared reports limit.
    if (view.state !== 'pending' || !view.youMay?.review.allowed)
      return c.html(approvalPage(c.get('viewer'), view));
    await ctx.audit.append([
      ctx.audit.entry('read', auditContext(base(c)), {
        detail: {
          path: `/console/approvals/${view.id}`,
          reads: 'the job and its subjects’ provisioning logs',
        },
      }),
    ]);
    const context = await readApprovalContext(ctx.graph, view).catch(() => undefined);
    return c.html(approvalPage(c.get('viewer'), view, undefined, context && terminalSafe(context)));
  });

  app.post('/console/approvals/:id/review', async (c) => {
    const form = formOf(c);
    const decision = form.decision === 'deny' ? 'deny' : form.decision === 'approve' ? 'approve' : undefined;
    const reason = typeof form.reason === 'string' ? form.reason.trim() : '';
    const id = c.req.param('id');
    if (!decision) throw new ProxyError(400, 'BadRequest', 'Choose Approve or Deny.');
    if (!reason || reason.length > 2000)
      return c.html(
        approvalPage(
          c.get('viewer'),
          await readable(c),
          'Give a reason (up to 2000 characters): it goes into the audit log.',
        ),
        400,
      );
    const viewer = c.get('viewer');
    const record = await refusedAsAudited(ctx, base(c), id, decision, () =>
      ctx.approvals.review(id, { principal: viewer.principal, roles: viewer.roles }, decision, reason),
    );
    const view = terminalSafe(
      terminalSafe(approvalView(record, ctx.urls.of(base(c)), { principal: viewer, now: new Date() })),
    );
    return c.html(
      approvalPage(
        viewer,
        view,
        decision === 'approve' ? 'Approved: it runs now.' : 'Denied: the requester is told why.',
      ),
    );
  });

  app.post('/console/approvals/:id/withdraw', async (c) => {
    const id = c.req.param('id');
    const viewer = c.get('viewer');
    const stored = await ctx.approvals.stored(id);
    if (!stored || !mayRead(viewer, stored))
      throw new ProxyError(404, 'NotFound', `There is no approval ${id} that you may see.`);
    const record = await refusedAsAudited(ctx, base(c), id, 'withdraw', () =>
      ctx.approvals.withdraw(id, { principal: viewer.principal, admin: viewer.roles.includes('admin') }),
    );
    return c.html(
      approvalPage(
        viewer,
        terminalSafe(approvalView(record, ctx.urls.of(base(c)), { principal: viewer, now: new Date() })),
        'Withdrawn: it will not run.',
      ),
    );
  });

  // Job health across apps, read with the proxy's own Graph permissions (audited as a read).
  app.get('/console/jobs', async (c) => {
    await ctx.audit.append([
      ctx.audit.entry('read', auditContext(base(c)), {
        detail: { path: '/console/jobs', reads: 'every app’s synchronization jobs and their status' },
      }),
    ]);
    const jobs = await readJobHealth(ctx.graph, undefined).then(
      (found) => terminalSafe(found),
      (error: Error) => ({ error: terminalSafe(error.message) }),
    );
    return c.html(jobsPage(c.get('viewer'), jobs));
  });

  // Helpdesk's "why": the same answer as `ondemand why`, read with the proxy's own Graph permissions
  // (audited as a read, the user named), the provisioning logs in the shared reports limit.
  app.get('/console/why', async (c) => {
    const asked = (c.req.query('user') ?? '').trim();
    if (!asked) return c.html(whyPage(c.get('viewer'), '', undefined));
    await ctx.audit.append([
      ctx.audit.entry('read', auditContext(base(c)), {
        detail: { path: '/console/why', reads: `why for the user ${asked}` },
      }),
    ]);
    const report = await (async () => {
      const user = await ctx.graph.getUser(asked);
      if (!user) return { error: `No user has the object id or sign-in name "${asked}".` };
      return whyUser(
        ctx.graph,
        {
          id: user.id,
          displayName: user.displayName ?? null,
          userPrincipalName: user.userPrincipalName ?? null,
        },
        undefined,
      );
    })().catch((error: Error) => ({ error: `It could not be read: ${error.message}` }));
    return c.html(whyPage(c.get('viewer'), terminalSafe(asked), terminalSafe(report)));
  });

  app.get('/console/request', async (c) => {
    await requireRole(ctx, base(c), ['requester'], 'Requesting provisioning');
    return c.html(requestPage(c.get('viewer')));
  });

  // A request from the form goes the way of any API call: checked, judged by the policy, audited.
  app.post('/console/request', async (c) => {
    await requireRole(ctx, base(c), ['requester'], 'Requesting provisioning');
    const viewer = c.get('viewer');
    const form = formOf(c);
    const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
    const members = text('members').split(/\s+/).filter(Boolean);
    let body: unknown;
    try {
      body = subjectRequest({
        ruleId: text('ruleId'),
        objectId: text('objectId'),
        objectTypeName: text('objectTypeName') === 'Group' ? 'Group' : 'User',
        memberIds: members,
      });
    } catch (error) {
      return c.html(requestPage(viewer, (error as Error).message), 400);
    }
    const checked = validateProvisionRequest(body);
    const canonical = checked.ok
      ? canonicalTarget({
          servicePrincipalId: text('servicePrincipalId'),
          jobId: text('jobId'),
          body: checked.value,
        })
      : checked;
    if (!canonical.ok)
      return c.html(
        requestPage(viewer, canonical.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')),
        400,
      );
    const reason = text('reason') || null;
    const reasonRefused = reason === null ? undefined : reasonProblem(reason);
    if (reasonRefused)
      return c.html(requestPage(viewer, `Why holds ${reasonRefused}: write plain text.`), 400);
    const target = { ...canonical.value, apiVersion: 'v1.0' as const };
    // Sent twice with the same form (a double click, a reload), it is answered once: the key is the form's.
    const key = text('idempotencyKey') || undefined;
    const checkedSubjects = await subjectTypes(ctx, target);
    const answer = await answerOnce(
      ctx,
      base(c),
      target,
      {
        replayApproval: async (id) => answerHeld(ctx, base(c), (await ctx.approvals.get(id))!),
        decide: () => decideAndAnswer(ctx, base(c), target, checkedSubjects, reason),
      },
      key,
    );
    const json = (await answer
      .clone()
      .json()
      .catch(() => undefined)) as
      | { id?: string; error?: { message?: string }; '@odata.type'?: string }
      | undefined;
    if (answer.status === 202 && json?.id)
      return c.redirect(`/console/approvals/${encodeURIComponent(json.id)}`, 303);
    if (answer.status >= 400)
      return c.html(
        requestPage(viewer, json?.error?.message ?? `The proxy answered ${answer.status}.`),
        answer.status as 400,
      );
    return c.html(
      problemPage(
        viewer,
        'Provisioned',
        `Allowed by the policy and sent: Graph answered ${answer.status}. The audit log has the details.`,
      ),
    );
  });

  app.get('/console/audit', async (c) => {
    await requireRole(ctx, base(c), ['auditor'], 'Reading the audit log');
    const filters = Object.fromEntries(
      ['action', 'principal', 'subject', 'cursor'].flatMap((name) => {
        const value = c.req.query(name);
        return value ? [[name, value]] : [];
      }),
    );
    const chain = await ctx.audit.openChain();
    let verdict: Awaited<ReturnType<typeof verifyChain>>;
    try {
      verdict = await verifyChain(chain, await ctx.chainTrust());
    } finally {
      await chain.close();
    }
    const limit = 50;
    const entries = await ctx.audit.query({
      ...(filters.action ? { action: filters.action as never } : {}),
      ...(filters.principal ? { principal: filters.principal } : {}),
      ...(filters.subject ? { subject: filters.subject } : {}),
      after: Number(filters.cursor ?? 0) || 0,
      limit,
    });
    const next =
      entries.length === limit
        ? `/console/audit?${new URLSearchParams({ ...filters, cursor: String(entries.at(-1)!.seq) })}`
        : undefined;
    return c.html(
      auditPage(
        c.get('viewer'),
        summaryOf(verdict),
        terminalSafe(entries) as never,
        terminalSafe(filters),
        next,
      ),
    );
  });

  app.get('/console/audit/export', async (c) => {
    await requireRole(ctx, base(c), ['auditor'], 'Exporting the audit log');
    return auditExport(ctx, c);
  });

  return app;
}

/** The verdict as core says it in sentences, and what it could not check, for the page. */
function summaryOf(verdict: ChainVerdict): { valid: boolean; lines: string[]; notChecked: string[] } {
  const lines = describeVerdict(verdict)
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('not checked: '));
  return { valid: verdict.valid, lines, notChecked: verdict.unchecked };
}

/** The console's request as the proxy's services take it (its extra variables are the console's own). */
function base(c: ConsoleRequest): ProxyRequest {
  return c as unknown as ProxyRequest;
}

function formOf(c: ConsoleRequest): Record<string, string | File> {
  return c.get('form') ?? {};
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Where to go after signing in: a console path, never another site. */
function safeReturn(path: string | undefined): string {
  return path && /^\/console(\/[\w\-./%]*)?$/.test(path) && !path.includes('//') ? path : '/console/';
}

function html400(c: ConsoleRequest, title: string) {
  return (message: string) => c.html(layout(title, undefined, htmlSignInAgain(title, message)), 400);
}

function htmlRaw(text: string) {
  return raw(text);
}

function htmlSignInAgain(title: string, message: string) {
  return html`<h1>${title}</h1><p class="problem" role="alert">${message}</p><p><a href="/console/sign-in">Sign in</a></p>`;
}

function htmlSignedOut() {
  return html`<h1>Signed out</h1><p>Your session is over on this proxy.</p><p><a href="/console/sign-in">Sign in again</a></p>`;
}
