import {
  type ApprovalView,
  approvalEnding,
  describeJobAction,
  heldSubjects,
  jobCallOfPath,
  parseRestartScope,
  RESTART_SCOPE_MEANINGS,
  restartEffects,
  subjectSummary,
  summarizeOutcome,
  tryDecodeProvisionResponse,
} from '@ondemand/core';
import type { Style } from '../colour.js';
import { formatDuration, formatTime, textTable } from './text.js';

/** The app and job a held request runs on, read from its path (what runs), with their names. */
export function approvalTarget(view: ApprovalView): {
  servicePrincipal: string;
  job: string;
  appName: string | null;
  jobName: string | null;
} {
  const call = jobCallOfPath(view.request.path);
  return {
    servicePrincipal: call?.servicePrincipalId ?? '?',
    job: call?.jobId ?? '?',
    appName: view.names?.servicePrincipal ?? null,
    jobName: view.names?.job ?? null,
  };
}

/** How long ago it was asked, and how long until it expires (`expired` once past). */
export function approvalTimes(view: ApprovalView, now: number): { age: string; left: string } {
  const left = Date.parse(view.expiresAt) - now;
  return {
    age: formatDuration(now - Date.parse(view.createdAt)),
    left: view.state !== 'pending' ? '–' : left > 0 ? formatDuration(left) : 'expired',
  };
}

/** What is still needed before it runs: `1 approver`, `2 approver or admin (1 so far)`. */
export function stillNeeded(view: ApprovalView): string {
  const approvals = view.reviews.filter((review) => review.decision === 'approve').length;
  const left = Math.max(0, view.required.count - approvals);
  return `${left} more ${view.required.roles.join(' or ')} approval${left === 1 ? '' : 's'}${approvals > 0 ? ` (${approvals} so far)` : ''}`;
}

/** A final approval's end in one sentence: what ran and how it went, or why it never will. */
export function approvalOutcome(view: ApprovalView): string | null {
  switch (view.state) {
    case 'completed':
    case 'failed': {
      const decoded = tryDecodeProvisionResponse(view.result?.body);
      // A job action's answer is its status (204, no body); a provisionOnDemand's is its result.
      const outcome = decoded.ok ? summarizeOutcome(decoded.value) : `Graph answered ${view.result?.status}`;
      return `${view.state === 'completed' ? 'ran' : 'ran and failed'}: ${outcome}`;
    }
    default:
      return approvalEnding(view, formatTime) ?? null;
  }
}

/** Approvals as a table: id, state, who asked, app, subject, age and time left. */
export function approvalTable(approvals: ApprovalView[], now: number, width: number): string {
  if (approvals.length === 0) return 'no approvals match';
  return textTable(
    ['ID', 'STATE', 'AGE', 'LEFT', 'REQUESTER', 'APP', 'SUBJECT'],
    approvals.map((view) => {
      const { age, left } = approvalTimes(view, now);
      const target = approvalTarget(view);
      return [
        view.id,
        view.state,
        age,
        left,
        view.requester,
        target.appName ?? target.servicePrincipal,
        subjectSummary(view),
      ];
    }),
    width,
    [undefined, undefined, undefined, undefined, 16, 24],
  );
}

/**
 * Everything an approver needs to decide, as `ondemand approvals show` prints it: who asked and
 * when, the rule that held it, the app, job, rule and every subject and member with names next to
 * ids, the exact body and its SHA-256, the reviews, what is still needed and when it expires.
 */
export function approvalDetails(view: ApprovalView, now: number, style: Style): string {
  const { age, left } = approvalTimes(view, now);
  const target = approvalTarget(view);
  const named = (name: string | null, id: string) => (name ? `${name}  ${style.dim(id)}` : id);
  const lines = [
    `${style.bold(`Approval ${view.id}`)}  ${view.state}`,
    field('Asked by', `${view.requester}, ${formatTime(view.createdAt)} (${age} ago)`),
    ...(view.reason ? [field('Reason', view.reason)] : []),
    field(
      'Held by',
      `the rule "${view.rule}": ${view.required.count} ${view.required.roles.join(' or ')} approval${view.required.count === 1 ? '' : 's'}`,
    ),
    field('App', named(target.appName, target.servicePrincipal)),
    field('Job', named(target.jobName, target.job)),
    ...jobActionLines(view),
  ];
  for (const subject of heldSubjects(view)) {
    lines.push(field('Rule', named(subject.ruleName, subject.ruleId)));
    lines.push(field(subject.type, named(subject.name, subject.objectId)));
    for (const member of subject.members)
      lines.push(field(`  member`, `${member.type} ${named(member.name, member.objectId)}`));
  }
  lines.push(
    field('Request', `${view.request.method} ${view.request.path}`),
    field('Body', `sha256 ${view.request.bodySha256}`),
    ...JSON.stringify(view.request.body, null, 2)
      .split('\n')
      .map((line) => `    ${style.dim(line)}`),
  );
  if (view.reviews.length === 0) lines.push(field('Reviews', 'none yet'));
  for (const [index, review] of view.reviews.entries())
    lines.push(
      field(
        index === 0 ? 'Reviews' : '',
        `${review.principal} ${review.decision === 'approve' ? 'approved' : 'denied'} at ${formatTime(review.at)}: ${review.reason}`,
      ),
    );
  if (view.state === 'pending')
    lines.push(
      field('Needs', stillNeeded(view)),
      field('Expires', `${formatTime(view.expiresAt)} (${left === 'expired' ? 'expired' : `in ${left}`})`),
    );
  const outcome = approvalOutcome(view);
  if (outcome) lines.push(field('Outcome', outcome));
  return `${lines.join('\n')}\n`;
}

/** A held job action in words: `restart Escrows`, then what each flag of its scope does. */
function jobActionLines(view: ApprovalView): string[] {
  const operation = jobCallOfPath(view.request.path)?.operation;
  if (!operation || operation === 'provisionOnDemand') return [];
  const lines = [field('Action', describeJobAction(operation, view.request.body))];
  if (operation !== 'restart') return lines;
  const scope = parseRestartScope(
    (view.request.body as { criteria?: { resetScope?: string } } | null)?.criteria?.resetScope,
  );
  if (!scope.ok) return lines;
  for (const flag of restartEffects(scope)) lines.push(field('', `${flag}: ${RESTART_SCOPE_MEANINGS[flag]}`));
  return lines;
}

function field(label: string, value: string): string {
  return `${label.padEnd(10)} ${value}`;
}
