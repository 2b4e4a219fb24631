import { terminalSafe } from '@ondemand/core';
import type { WhyApp, WhyReport } from '@ondemand/transport';
import type { Style } from '../colour.js';
import { VERDICT_WORDS } from './provisioning-text.js';
import { wrapText } from './text.js';

const mark = (ok: boolean | null) => (ok === null ? '?' : ok ? '✓' : '✗');

/** "Why isn't this person in that app?" as an operator reads it: per app, each check, then what to do. */
export function renderWhyText(
  given: WhyReport,
  options: { style: Style; width?: number | undefined; provisionHint?: string | undefined },
): string {
  // Names come from the directory and the apps: shown, never obeyed.
  const report = terminalSafe(given);
  const { style } = options;
  const lines: string[] = [];
  const add = (text: string, hang = 4, paint: (line: string) => string = (line) => line) =>
    lines.push(...(options.width ? wrapText(text, Math.max(40, options.width), hang) : [text]).map(paint));
  const who = report.subject.displayName ?? report.subject.id;
  add(
    `${who}${report.subject.userPrincipalName ? ` (${report.subject.userPrincipalName})` : ''}: ${report.apps.length === 0 ? 'assigned to no app' : `${report.apps.length} app${report.apps.length === 1 ? '' : 's'}`}`,
    2,
    style.bold,
  );
  if (report.apps.length === 0)
    add(
      '  Nothing provisions them anywhere: assign them (or a group of theirs) to an app with provisioning, or name one with --app.',
    );
  for (const app of report.apps) {
    lines.push('');
    const paint =
      app.verdict === 'applied' || app.verdict === 'alreadyInSync'
        ? style.green
        : app.verdict === 'failed'
          ? style.red
          : style.yellow;
    add(
      `${app.appName ?? app.servicePrincipalId}${app.jobId ? ` · job ${app.jobId}` : ''}: ${VERDICT_WORDS[app.verdict]}`,
      2,
      (line) => paint(style.bold(line)),
    );
    for (const line of checks(app)) add(`  ${line}`);
    if (app.provisioned) add(`  → provisioned now: ${app.provisioned.summary}`);
    for (const missing of app.evidenceMissing) add(`  ? not known: ${missing}`);
    add(`  What to do: ${app.whatToDo}`, 4, (line) =>
      line.replace(/^ {2}What to do:/, `  ${style.bold('What to do:')}`),
    );
  }
  // How to provision them from here, where an app still needs it and it was not done.
  const provisionable = report.apps.some(
    (app) =>
      !app.provisioned &&
      app.verdict !== 'applied' &&
      app.verdict !== 'alreadyInSync' &&
      app.jobHealth === 'active' &&
      app.assigned !== false &&
      app.inScope !== false,
  );
  if (options.provisionHint && provisionable) {
    lines.push('');
    add(options.provisionHint, 2, style.dim);
  }
  return `${lines.join('\n')}\n`;
}

function checks(app: WhyApp): string[] {
  const lines = [
    `${mark(app.assigned)} ${app.assigned === null ? 'assignment not known' : app.assigned ? `assigned ${app.assignedThrough.map((each) => (each === 'directly' ? 'directly' : `through ${each}`)).join(', ')}` : 'not assigned'}`,
  ];
  if (app.jobId === null) return lines;
  const clauses = app.scope?.groups.flat() ?? [];
  lines.push(
    `${mark(app.inScope)} scoping filter: ${app.scope === null ? 'not known' : clauses.length === 0 ? 'none (everyone assigned is in scope)' : clauses.map((clause) => `${clause.attribute} ${clause.operator}${clause.values.length ? ` '${clause.values.join("', '")}'` : ''} ${mark(clause.holds)} (theirs: ${clause.actual ?? 'none'})`).join('; ')}`,
  );
  const job = app.job;
  if (job) {
    const last = job.lastExecution;
    lines.push(
      `${mark(job.health === 'active')} job ${job.health}${job.quarantine ? ` (${job.quarantine.reason ?? ''}, next attempt ${job.quarantine.nextAttempt ?? 'not scheduled'})` : ''}${last ? `; last cycle ${last.state ?? '?'} ${last.ended ?? ''}${last.error?.code ? ` (${last.error.code})` : ''}` : '; no cycle yet'}`,
    );
  }
  const latest = app.latestLog;
  lines.push(
    latest
      ? `${mark(latest.verdict === 'applied' || latest.verdict === 'alreadyInSync')} newest log entry ${latest.activityDateTime ?? ''}: ${latest.action} ${latest.status}${latest.errorCode ? ` (${latest.errorCode})` : ''}${latest.skipReason && latest.skipReason !== latest.errorCode ? `, ${latest.skipReason}` : ''}`
      : '? no log entry for them here yet',
  );
  return lines;
}
