import {
  type ProvisioningLogEntry,
  remedyFor,
  type StepModel,
  type SynchronizationJobView,
  terminalSafe,
  type Verdict,
} from '@ondemand/core';
import type { ApprovalContext } from '@ondemand/transport';
import type { Style } from '../colour.js';
import { MARKS } from './report-text.js';
import { wrapText } from './text.js';

/** How a verdict reads first on a line. */
export const VERDICT_WORDS: Record<Verdict, string> = {
  applied: 'applied',
  alreadyInSync: 'already in sync',
  notProvisioned: 'not provisioned',
  failed: 'failed',
  unknown: 'unknown outcome',
};

const RETRY_WORDS = {
  automatic: 'the service retries it by itself',
  needsAction: 'someone must act',
  none: '',
} as const;

interface TextOptions {
  style: Style;
  width?: number | undefined;
}

/** A writer of plain lines, wrapped to the width, painted line by line. */
function lineWriter(options: TextOptions) {
  const lines: string[] = [];
  const add = (text: string, hang = 2, paint: (line: string) => string = (line) => line) => {
    const wrapped = options.width ? wrapText(text, Math.max(40, options.width), hang) : [text];
    lines.push(...wrapped.map(paint));
  };
  return { lines, add };
}

function paintVerdict(verdict: Verdict, style: Style): (text: string) => string {
  if (verdict === 'applied' || verdict === 'alreadyInSync') return style.green;
  if (verdict === 'failed') return style.red;
  return style.yellow;
}

/** Provisioning-log entries as an operator reads them: who, what came of it, why, what to do. */
export function renderLogEntriesText(given: ProvisioningLogEntry[], options: TextOptions): string {
  // Names, reasons and descriptions come from the directory and the target: shown, never obeyed.
  const entries = terminalSafe(given);
  const { style } = options;
  const { lines, add } = lineWriter(options);
  if (entries.length === 0)
    add('No entries: none were written for these filters yet (entries appear minutes after the work).');
  entries.forEach((entry, index) => {
    if (index > 0) lines.push('');
    const who = entry.sourceIdentity
      ? `${entry.sourceIdentity.displayName ?? entry.sourceIdentity.id ?? '?'}${entry.sourceIdentity.identityType ? ` (${entry.sourceIdentity.identityType})` : ''}`
      : 'an object';
    const app = entry.servicePrincipal?.displayName ?? entry.jobId ?? '';
    const why = [
      entry.errorCode,
      entry.skipReason && entry.skipReason !== entry.errorCode ? entry.skipReason : null,
    ]
      .filter(Boolean)
      .join(', ');
    add(
      `${VERDICT_WORDS[entry.verdict]}: ${who}, ${entry.action}${app ? ` in ${app}` : ''}${why ? ` — ${why}` : ''}`,
      2,
      (line) => paintVerdict(entry.verdict, style)(style.bold(line)),
    );
    const facts = [
      entry.activityDateTime,
      entry.durationInMilliseconds !== null && `${entry.durationInMilliseconds} ms`,
      entry.changeId && `change ${entry.changeId}`,
    ]
      .filter(Boolean)
      .join(' · ');
    if (facts) add(style.dim(facts));
    if (entry.reason) add(`Reason: ${entry.reason}`);
    const advice = entry.advice;
    if (advice) {
      add(`What it means: ${advice.meaning}`);
      add(`What to do: ${advice.whatToDo}`, 2, (line) =>
        line.replace(/^What to do:/, style.bold('What to do:')),
      );
      add(style.dim(`Source: ${advice.source}`));
    } else if (entry.errorCode)
      add(`Microsoft documents no remedy for ${entry.errorCode}: read the reason and the steps.`);
    if (entry.recommendedAction) add(`Graph recommends: ${entry.recommendedAction}`);
    if (RETRY_WORDS[entry.retry] && entry.verdict !== 'applied' && entry.verdict !== 'alreadyInSync')
      add(`Retry: ${RETRY_WORDS[entry.retry]}`);
    for (const step of entry.steps) {
      add(stepLine(step), 4);
      if (step.type === 'scoping')
        for (const clause of entry.scopeClauses)
          add(`      ${clause.holds === null ? '?' : clause.holds ? 'holds' : 'fails'}: ${clause.clause}`, 8);
    }
    for (const property of entry.modifiedProperties)
      add(
        `  ${property.name ?? '?'}: ${property.oldValue ?? '(none)'} → ${property.newValue ?? '(none)'}`,
        4,
      );
  });
  return `${lines.join('\n')}\n`;
}

function stepLine(step: StepModel): string {
  const reason = typeof step.details.SkipReason === 'string' ? ` (${step.details.SkipReason})` : '';
  return `  ${MARKS[step.status]} ${step.type} ${step.name ?? ''}${step.description ? ` — ${step.description}` : ''}${reason}`;
}

const HEALTH_WORDS: Record<SynchronizationJobView['health'], string> = {
  active: 'active',
  paused: 'paused',
  quarantined: 'in quarantine',
  notConfigured: 'not configured',
  notRun: 'never run',
  unknown: 'in an unknown state',
};

/** A synchronization job's health as an operator reads it: state, quarantine, last cycle. */
export function renderJobText(
  given: SynchronizationJobView,
  options: TextOptions & { appName?: string },
): string {
  const job = terminalSafe(given);
  // The app's name comes from the directory too.
  const appName = options.appName === undefined ? undefined : terminalSafe(options.appName);
  const { style } = options;
  const { lines, add } = lineWriter(options);
  const healthy = job.health === 'active';
  add(`${appName ? `${appName}: ` : ''}job ${job.id ?? '?'} is ${HEALTH_WORDS[job.health]}`, 2, (line) =>
    (healthy ? style.green : job.health === 'quarantined' ? style.red : style.yellow)(style.bold(line)),
  );
  add(
    `Schedule: ${job.schedule.state ?? 'none'}${job.schedule.interval ? `, every ${job.schedule.interval}` : ' (never scheduled)'}`,
  );
  if (job.quarantine) {
    const q = job.quarantine;
    add(
      `Quarantine: ${q.reason ?? 'reason not given'} since ${q.since ?? '?'}; next attempt ${q.nextAttempt ?? 'not scheduled'}${q.seriesCount !== null ? ` (${q.seriesCount} in this series)` : ''}`,
    );
    if (q.error)
      add(
        `Error: ${[q.error.code, q.error.message].filter(Boolean).join(' — ')}${q.error.tenantActionable ? ' (yours to fix)' : ''}`,
      );
    const remedy = remedyFor(q.reason);
    if (remedy)
      add(`What to do: ${remedy.whatToDo}`, 2, (line) =>
        line.replace(/^What to do:/, style.bold('What to do:')),
      );
  }
  const last = job.lastExecution;
  if (last)
    add(
      `Last cycle: ${last.state ?? '?'} ${last.began ?? ''}${last.ended ? ` → ${last.ended}` : ''}; imported ${last.countImported ?? '?'}, exported ${last.countExported ?? '?'}, escrowed ${last.countEscrowed ?? '?'}${last.error ? `; error ${[last.error.code, last.error.message].filter(Boolean).join(' — ')}` : ''}`,
    );
  else add('Last cycle: none yet');
  if (job.lastSuccessfulExecution?.ended) add(`Last success: ${job.lastSuccessfulExecution.ended}`);
  if (job.steadyState.lastAchieved) add(`Steady state last reached: ${job.steadyState.lastAchieved}`);
  return `${lines.join('\n')}\n`;
}

/** Next to a held request, for its approver: the job's health and the subjects' newest log entries. */
export function renderApprovalContext(context: ApprovalContext, options: TextOptions): string {
  const { style } = options;
  const parts = [`\n${style.bold('Before you decide')}\n`];
  parts.push(
    'view' in context.job
      ? renderJobText(context.job.view, {
          ...options,
          ...(context.appName ? { appName: context.appName } : {}),
        })
      : `The job's health could not be read: ${terminalSafe(context.job.error)}\n`,
  );
  for (const subject of context.subjects) {
    const who = terminalSafe(subject.name ?? subject.id);
    if ('error' in subject) parts.push(`\nLogs of ${who}: not readable (${terminalSafe(subject.error)})\n`);
    else if (subject.entries.length === 0) parts.push(`\nLogs of ${who}: no entry in this app yet\n`);
    else parts.push(`\nLogs of ${who}, newest first:\n${renderLogEntriesText(subject.entries, options)}`);
  }
  return parts.join('');
}
