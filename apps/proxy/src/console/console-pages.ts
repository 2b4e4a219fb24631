import { randomUUID } from 'node:crypto';
import { type ApprovalView, approvalEnding, jobCallOfPath, subjectSummary } from '@ondemand/core';
import type { AppJobHealth, ApprovalContext, WhyReport } from '@ondemand/transport';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Principal } from '../auth/api-keys.js';

/**
 * The console's pages, server-rendered with Hono's `html` template: every value put into a page is
 * escaped by it (names from the directory, requesters' reasons and ids are text, never markup), and
 * no page has an inline script or style (the Content-Security-Policy allows neither).
 */
type Page = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Who is signed in, and the token their forms carry. */
export interface Viewer extends Principal {
  name: string | null;
  csrf: string;
}

export function layout(title: string, viewer: Viewer | undefined, body: Page, scripts: string[] = []): Page {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · ondemand</title>
    <link rel="stylesheet" href="/console/assets/console.css" />
    <link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml" />
    ${scripts.map((src) => html`<script src="${src}" defer></script>`)}
  </head>
  <body>
    <header>
      <a class="brand" href="/console/">ondemand</a>
      ${
        viewer
          ? html`<nav aria-label="Main">
              <a href="/console/">Inbox</a>
              <a href="/console/jobs">Jobs</a>
              <a href="/console/why">Why</a>
              ${viewer.roles.includes('requester') ? html`<a href="/console/request">Request</a>` : ''}
              ${viewer.roles.includes('auditor') || viewer.roles.includes('admin') ? html`<a href="/console/audit">Audit log</a>` : ''}
            </nav>
            <form method="post" action="/console/sign-out" class="who">
              <span>${viewer.name ?? viewer.principal} (${viewer.roles.join(', ') || 'no role'})</span>
              <input type="hidden" name="csrf" value="${viewer.csrf}" />
              <button type="submit">Sign out</button>
            </form>`
          : ''
      }
    </header>
    <main id="main">${body}</main>
  </body>
</html>`;
}

/** A page that says what went wrong in plain words, and where to go. */
export function problemPage(viewer: Viewer | undefined, title: string, message: string): Page {
  return layout(
    title,
    viewer,
    html`<h1>${title}</h1>
      <p class="problem" role="alert">${message}</p>
      <p><a href="/console/">Back to the inbox</a></p>`,
  );
}

function approvalRows(views: ApprovalView[], empty: string): Page {
  if (views.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<table>
    <thead><tr><th scope="col">Request</th><th scope="col">App</th><th scope="col">Asked by</th><th scope="col">State</th><th scope="col">Asked</th></tr></thead>
    <tbody>
      ${views.map(
        (view) => html`<tr>
          <td><a href="/console/approvals/${encodeURIComponent(view.id)}">${subjectSummary(view)}</a></td>
          <td>${view.names?.servicePrincipal ?? '(app)'}</td>
          <td>${view.requester}</td>
          <td><span class="state state-${view.state}">${view.state}</span></td>
          <td><time datetime="${view.createdAt}">${view.createdAt.replace('T', ' ').slice(0, 19)} UTC</time></td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The inbox's lists: what waits for this person's decision, and their own requests. */
export function inboxLists(waiting: ApprovalView[], mine: ApprovalView[] | undefined): Page {
  return html`<section aria-labelledby="waiting-heading">
      <h2 id="waiting-heading">Waiting for your decision (${waiting.length})</h2>
      ${approvalRows(waiting, 'Nothing waits for you.')}
    </section>
    ${
      mine
        ? html`<section aria-labelledby="mine-heading">
            <h2 id="mine-heading">Your requests</h2>
            ${approvalRows(mine, 'You have asked for nothing yet.')}
          </section>`
        : ''
    }`;
}

export function inboxPage(viewer: Viewer, lists: Page, tag: string): Page {
  return layout(
    'Inbox',
    viewer,
    html`<h1>Approvals</h1>
      <p class="live" id="live-status" role="status" aria-live="polite">Live: this page updates as requests arrive and are decided.</p>
      <div id="inbox-lists" data-tag="${tag}">${lists}</div>`,
    ['/console/assets/inbox.js'],
  );
}

/** One approval: the request as the terminal shows it, what came of it, and what this person may do. */
export function approvalPage(
  viewer: Viewer,
  view: ApprovalView,
  notice?: string,
  context?: ApprovalContext,
): Page {
  const ending = approvalEnding(view);
  const may = view.youMay;
  const call = jobCallOfPath(view.request.path);
  return layout(
    `Approval ${view.id}`,
    viewer,
    html`<h1>${subjectSummary(view)}</h1>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      <dl>
        <dt>State</dt><dd><span class="state state-${view.state}">${view.state}</span></dd>
        <dt>Asked by</dt><dd>${view.requester}, ${view.createdAt}</dd>
        ${view.reason ? html`<dt>Reason</dt><dd>${view.reason}</dd>` : ''}
        <dt>Held by</dt><dd>the rule "${view.rule}": ${view.required.count} ${view.required.roles.join(' or ')} approval${view.required.count === 1 ? '' : 's'}</dd>
        <dt>App</dt><dd>${view.names?.servicePrincipal ?? ''} <code>${call?.servicePrincipalId ?? ''}</code></dd>
        <dt>Job</dt><dd>${view.names?.job ?? ''} <code>${call?.jobId ?? ''}</code></dd>
        ${Object.entries(view.names?.objects ?? {})
          // The app is named above; the rest are the subjects and their members.
          .filter(([, object]) => object.type !== 'servicePrincipal')
          .map(
            ([id, object]) =>
              html`<dt>${object.type}</dt><dd>${object.displayName ?? ''} <code>${id}</code></dd>`,
          )}
        <dt>Request</dt><dd><code class="path">${view.request.method} ${view.request.path}</code></dd>
        <dt>Body</dt><dd>sha256 <code class="hash">${view.request.bodySha256}</code><pre>${JSON.stringify(view.request.body, null, 2)}</pre></dd>
        <dt>Reviews</dt><dd>${
          view.reviews.length === 0
            ? 'none yet'
            : html`<ul>${view.reviews.map(
                (review) =>
                  html`<li>${review.principal} ${review.decision === 'approve' ? 'approved' : 'denied'} at ${review.at}: ${review.reason}</li>`,
              )}</ul>`
        }</dd>
        ${ending ? html`<dt>Outcome</dt><dd>${ending}</dd>` : ''}
        ${view.result ? html`<dt>Graph answered</dt><dd>${view.result.status}<pre>${JSON.stringify(view.result.body, null, 2)}</pre></dd>` : ''}
      </dl>
      ${context ? beforeYouDecide(context) : ''}
      ${
        may?.review.allowed
          ? html`<form method="post" action="/console/approvals/${encodeURIComponent(view.id)}/review" class="decide">
              <input type="hidden" name="csrf" value="${viewer.csrf}" />
              <label for="reason">Why (it goes into the audit log; a requester who is denied is told)</label>
              <textarea id="reason" name="reason" required maxlength="2000" rows="3"></textarea>
              <div class="buttons">
                <button type="submit" name="decision" value="approve">Approve</button>
                <button type="submit" name="decision" value="deny" class="deny">Deny</button>
              </div>
            </form>`
          : may?.review.why && view.state === 'pending'
            ? html`<p class="why-not">You cannot approve or deny this: ${may.review.why}.</p>`
            : ''
      }
      ${
        may?.withdraw.allowed
          ? html`<form method="post" action="/console/approvals/${encodeURIComponent(view.id)}/withdraw">
              <input type="hidden" name="csrf" value="${viewer.csrf}" />
              <button type="submit">Withdraw my request</button>
            </form>`
          : ''
      }`,
  );
}

/**
 * The requester's form: a user, or a group and its members, for one app's job and rule. Each form
 * carries an `Idempotency-Key` of its own: sent twice (a double click, a reload), it runs once.
 */
export function requestPage(viewer: Viewer, notice?: string): Page {
  return layout(
    'Request provisioning',
    viewer,
    html`<h1>Request provisioning</h1>
      ${notice ? html`<p class="problem" role="alert">${notice}</p>` : ''}
      <p>It goes through the proxy's policy as any API call does: allowed, held for an approver, or refused.</p>
      <form method="post" action="/console/request">
        <input type="hidden" name="csrf" value="${viewer.csrf}" />
        <input type="hidden" name="idempotencyKey" value="${randomUUID()}" />
        <label for="servicePrincipalId">App (service principal object id)</label>
        <input id="servicePrincipalId" name="servicePrincipalId" required autocomplete="off" />
        <label for="jobId">Job id</label>
        <input id="jobId" name="jobId" required autocomplete="off" />
        <label for="ruleId">Rule id</label>
        <input id="ruleId" name="ruleId" required autocomplete="off" />
        <fieldset>
          <legend>Who</legend>
          <label><input type="radio" name="objectTypeName" value="User" checked /> a user</label>
          <label><input type="radio" name="objectTypeName" value="Group" /> a group</label>
        </fieldset>
        <label for="objectId">Object id</label>
        <input id="objectId" name="objectId" required autocomplete="off" />
        <label for="members">Members (a group's, object ids, one per line, at most 5)</label>
        <textarea id="members" name="members" rows="3"></textarea>
        <label for="reason">Why (the approver reads it)</label>
        <input id="reason" name="reason" maxlength="500" />
        <button type="submit">Request</button>
      </form>`,
  );
}

/** The audit log: the chain's verdict, entries with filters, and a page on. */
export function auditPage(
  viewer: Viewer,
  verdict: { valid: boolean; lines: string[]; notChecked: string[] },
  entries: Array<{
    seq: number;
    at: string;
    action: string;
    principal: string | null;
    subject: string | null;
    detail: unknown;
  }>,
  filters: Record<string, string>,
  next: string | undefined,
): Page {
  return layout(
    'Audit log',
    viewer,
    html`<h1>Audit log</h1>
      <section aria-labelledby="verdict-heading" class="verdict ${verdict.valid ? 'valid' : 'broken'}">
        <h2 id="verdict-heading">${verdict.valid ? '✓ The chain verifies' : '✗ The chain does not verify'}</h2>
        ${verdict.lines.map((line) => html`<p>${line.replace(/^\s*- /, '')}</p>`)}
        ${verdict.notChecked.length ? html`<p>Not checked: ${verdict.notChecked.join('; ')}</p>` : ''}
      </section>
      <form method="get" action="/console/audit" class="filters">
        <label for="f-action">Action</label><input id="f-action" name="action" value="${filters.action ?? ''}" />
        <label for="f-principal">Principal</label><input id="f-principal" name="principal" value="${filters.principal ?? ''}" />
        <label for="f-subject">Subject contains</label><input id="f-subject" name="subject" value="${filters.subject ?? ''}" />
        <button type="submit">Filter</button>
        <a href="/console/audit/export" download>Export (NDJSON)</a>
      </form>
      <table>
        <thead><tr><th scope="col">#</th><th scope="col">At</th><th scope="col">Action</th><th scope="col">Principal</th><th scope="col">Subject</th><th scope="col">Detail</th></tr></thead>
        <tbody>
          ${entries.map(
            (entry) => html`<tr>
              <td>${entry.seq}</td><td>${entry.at}</td><td>${entry.action}</td><td>${entry.principal ?? ''}</td>
              <td>${entry.subject ?? ''}</td>
              <td><details><summary>detail</summary><pre>${JSON.stringify(entry.detail, null, 2)}</pre></details></td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${next ? html`<p><a href="${next}">Older entries</a></p>` : ''}`,
  );
}

/** How a job is, in words (never colour alone). */
const HEALTH_WORDS: Record<string, string> = {
  active: 'active',
  paused: 'paused',
  quarantined: 'in quarantine',
  notConfigured: 'not configured',
  notRun: 'never run',
};

/** Every app's provisioning jobs at a glance, as `ondemand jobs status` shows them. */
export function jobsPage(viewer: Viewer, jobs: AppJobHealth[] | { error: string }): Page {
  return layout(
    'Jobs',
    viewer,
    html`<h1>Provisioning jobs</h1>
      ${
        'error' in jobs
          ? html`<p class="problem" role="alert">The jobs could not be read: ${jobs.error}</p>`
          : jobs.length === 0
            ? html`<p class="empty">No app has a provisioning job.</p>`
            : html`<table>
                <thead><tr><th scope="col">App</th><th scope="col">Job</th><th scope="col">Health</th><th scope="col">Quarantine</th><th scope="col">Last cycle</th></tr></thead>
                <tbody>
                  ${jobs.map(
                    (job) => html`<tr>
                      <td>${job.appName ?? job.servicePrincipalId}</td>
                      <td>${job.templateId ?? ''} <code>${job.id ?? ''}</code></td>
                      <td><span class="state health-${job.health}">${HEALTH_WORDS[job.health] ?? job.health}</span></td>
                      <td>${
                        job.quarantine
                          ? html`${job.quarantine.reason ?? 'reason not given'}${job.quarantine.nextAttempt ? html`; next attempt ${job.quarantine.nextAttempt}` : ''}${job.quarantine.error?.message ? html`<br />${job.quarantine.error.message}` : ''}`
                          : 'none'
                      }</td>
                      <td>${
                        job.lastExecution
                          ? html`${job.lastExecution.state ?? 'ended'} ${job.lastExecution.ended ?? ''}: imported ${job.lastExecution.countImported ?? 0}, exported ${job.lastExecution.countExported ?? 0}, escrowed ${job.lastExecution.countEscrowed ?? 0}${job.lastExecution.error?.code ? html`; ${job.lastExecution.error.code}` : ''}`
                          : 'none yet'
                      }</td>
                    </tr>`,
                  )}
                </tbody>
              </table>`
      }`,
  );
}

const VERDICT_WORDS: Record<string, string> = {
  applied: 'in the app',
  alreadyInSync: 'in the app (already in sync)',
  notProvisioned: 'not provisioned',
  failed: 'failed',
  unknown: 'not known yet',
};

/**
 * "Why isn't this person in that app?" for helpdesk, as `ondemand why` answers it: per app, the
 * assignment, the scoping filter, the job's health, the newest log entry, one verdict and what to do,
 * and what could not be read (said, never guessed).
 */
export function whyPage(
  viewer: Viewer,
  asked: string,
  report: WhyReport | { error: string } | undefined,
): Page {
  return layout(
    'Why',
    viewer,
    html`<h1>Why is someone not in an app?</h1>
      <form method="get" action="/console/why" class="filters">
        <label for="why-user">User (object id or sign-in name)</label>
        <input id="why-user" name="user" value="${asked}" required autocomplete="off" />
        <button type="submit">Ask</button>
      </form>
      ${
        report === undefined
          ? ''
          : 'error' in report
            ? html`<p class="problem" role="alert">${report.error}</p>`
            : report.apps.length === 0
              ? html`<p class="empty">${report.subject.displayName ?? report.subject.id} is assigned to no app with a provisioning job: assign them (or a group of theirs) to the app first.</p>`
              : html`<h2>${report.subject.displayName ?? report.subject.id} <code>${report.subject.userPrincipalName ?? report.subject.id}</code></h2>
                  <table>
                    <thead><tr><th scope="col">App</th><th scope="col">Verdict</th><th scope="col">Assigned</th><th scope="col">Scoping filter</th><th scope="col">Job</th><th scope="col">Newest log entry</th><th scope="col">What to do</th></tr></thead>
                    <tbody>
                      ${report.apps.map(
                        (app) => html`<tr>
                          <td>${app.appName ?? app.servicePrincipalId}</td>
                          <td><span class="state verdict-${app.verdict}">${VERDICT_WORDS[app.verdict] ?? app.verdict}</span></td>
                          <td>${app.assigned === null ? 'could not be read' : app.assigned ? `yes (${app.assignedThrough.join(', ') || 'directly'})` : 'no'}</td>
                          <td>${app.inScope === null ? 'could not be evaluated' : app.inScope ? 'in scope' : 'out of scope'}</td>
                          <td>${app.jobHealth ?? 'could not be read'}</td>
                          <td>${app.latestLog ? `${app.latestLog.activityDateTime ?? ''} ${app.latestLog.status}${app.latestLog.errorCode ? ` (${app.latestLog.errorCode})` : ''}${app.latestLog.reason ? `: ${app.latestLog.reason}` : ''}` : 'none yet (Graph writes entries minutes after the work)'}</td>
                          <td>${app.whatToDo}${app.evidenceMissing.length ? html`<br /><small>Not read: ${app.evidenceMissing.join('; ')}</small>` : ''}</td>
                        </tr>`,
                      )}
                    </tbody>
                  </table>`
      }`,
  );
}

/** Next to a request an approver may decide: the job's health and the subjects' newest log entries. */
function beforeYouDecide(context: ApprovalContext): Page {
  const job = 'view' in context.job ? context.job.view : undefined;
  return html`<section aria-labelledby="context-heading" class="context">
    <h2 id="context-heading">Before you decide</h2>
    <p>${
      job
        ? html`The job is <span class="state health-${job.health}">${HEALTH_WORDS[job.health] ?? job.health}</span>${job.quarantine ? html`: ${job.quarantine.reason ?? 'in quarantine'}${job.quarantine.nextAttempt ? html`, next attempt ${job.quarantine.nextAttempt}` : ''}` : ''}${job.lastExecution ? html`; its last cycle ${job.lastExecution.state ?? 'ended'} ${job.lastExecution.ended ?? ''}${job.lastExecution.error?.code ? html` (${job.lastExecution.error.code})` : ''}` : ''}.`
        : html`The job's health could not be read: ${'error' in context.job ? context.job.error : ''}`
    }</p>
    ${context.subjects.map(
      (subject) => html`<h3>${subject.name ?? subject.id}</h3>
        ${
          'error' in subject
            ? html`<p>Its provisioning logs could not be read: ${subject.error}</p>`
            : subject.entries.length === 0
              ? html`<p class="empty">No log entry in this app yet (Graph writes them minutes after the work).</p>`
              : html`<ul>${subject.entries.map(
                  (entry) =>
                    html`<li>${entry.activityDateTime ?? ''}: ${entry.action} ${entry.status}${entry.errorCode ? ` (${entry.errorCode})` : ''}${entry.reason ? ` — ${entry.reason}` : ''}</li>`,
                )}</ul>`
        }`,
    )}
  </section>`;
}
