import type { ApprovalView, AuditEntryView } from '@ondemand/core';
import { formatTime, truncate } from './text.js';

/** Display names the caller could learn (from the approvals it may see), by object id. */
export type KnownNames = Map<string, string>;

/** The names approvals carry: apps and every subject and member they held. */
export function namesFromApprovals(approvals: ApprovalView[]): KnownNames {
  const names: KnownNames = new Map();
  for (const approval of approvals) {
    const sp = /\/servicePrincipals\/([^/]+)\//.exec(approval.request.path)?.[1];
    if (sp && approval.names?.servicePrincipal)
      names.set(decodeURIComponent(sp), approval.names.servicePrincipal);
    for (const [id, object] of Object.entries(approval.names?.objects ?? {}))
      if (object.displayName) names.set(id, object.displayName);
  }
  return names;
}

/** The names `request` entries carry (the directory's, for their subjects), added to `names`. */
export function addNamesFromEntries(names: KnownNames, entries: readonly AuditEntryView[]): KnownNames {
  for (const entry of entries) {
    const carried = (entry.detail as { names?: unknown } | null)?.names;
    if (carried && typeof carried === 'object')
      for (const [id, name] of Object.entries(carried)) if (typeof name === 'string') names.set(id, name);
  }
  return names;
}

/** What came of an entry, in a few words: the decision, the review, Graph's status and result. */
export function entryOutcome(entry: AuditEntryView): string {
  const detail = entry.detail as Record<string, unknown>;
  const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value));
  switch (entry.action) {
    case 'decision':
      return [text(detail.decision), text(detail.rule) && `rule "${detail.rule}"`, text(detail.reason)]
        .filter(Boolean)
        .join(' · ');
    case 'review':
      return `${
        detail.refused
          ? `refused: ${detail.refused} (${detail.decision})`
          : `${detail.decision}: ${detail.reason ?? ''}`.trim()
      }${approvalOf(detail)}`;
    case 'outcome':
      return [
        detail.sent === 'unknown' ? 'answer lost: may have run' : text(detail.status),
        text(detail.result),
        text(detail.errorCode),
        text(detail.error),
      ]
        .filter(Boolean)
        .join(' ');
    case 'forward':
      return `attempt ${detail.attempt ?? 1}`;
    case 'rejected':
    case 'read':
      // What was attempted, and how it was answered.
      return [text(detail.status), text(detail.code), text(detail.method), text(detail.path)]
        .filter(Boolean)
        .join(' ');
    case 'forbidden':
      return `needs ${[detail.needs].flat().join(' or ')}: ${[text(detail.method), text(detail.path)].filter(Boolean).join(' ')}`;
    case 'withdrawn':
      return `${detail.refused ? `refused: ${detail.refused}` : 'withdrawn'}${approvalOf(detail)}`;
    case 'expired':
    case 'interrupted':
      return `${text(detail.note) ?? entry.action}${approvalOf(detail)}`;
    default:
      return '';
  }
}

/** ` · approval 1a2b3c4d`: which approval an entry is about (its first eight characters). */
function approvalOf(detail: Record<string, unknown>): string {
  return typeof detail.approval === 'string' ? ` · approval ${detail.approval.slice(0, 8)}` : '';
}

/** `User Adele Vance` for `User 9bb0f679-…` when the name is known; the entry's own text otherwise. */
export function subjectWithName(subject: string | null, names: KnownNames): string {
  if (!subject) return '';
  return subject.replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
    (id) => names.get(id) ?? id,
  );
}

/** Below this width an entry takes two lines: what happened, then what it happened to. */
const TWO_LINES_BELOW = 120;

/** Widths of the columns of one-line entries (the last takes the rest). */
const WIDTHS = [20, 12, 11, 26, 30];

/**
 * Audit entries as a table: time, principal, action, app and subject (names where known), outcome.
 * On a narrow terminal (80 columns) each entry takes two lines, the outcome on the first, so no row
 * is cut before what came of it.
 */
export function auditTable(entries: AuditEntryView[], names: KnownNames, width: number): string {
  return [auditHeader(width), ...entries.map((entry) => auditLine(entry, names, width))].join('\n');
}

/** The header over {@link auditLine}s. */
export function auditHeader(width: number): string {
  return width < TWO_LINES_BELOW
    ? truncate(
        'TIME           PRINCIPAL  ACTION    OUTCOME\n               APP · SUBJECT',
        Number.POSITIVE_INFINITY,
      )
    : truncate(fixed(['TIME', 'PRINCIPAL', 'ACTION', 'APP', 'SUBJECT', 'OUTCOME']), width);
}

/** One entry as the table shows it (and `--follow` prints it). */
export function auditLine(entry: AuditEntryView, names: KnownNames, width: number): string {
  const [time, principal, action, app, subject, outcome] = auditRow(entry, names) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (width >= TWO_LINES_BELOW)
    return truncate(fixed([time, principal, action, app, subject, outcome]), width);
  const on = [app, subject].filter(Boolean).join(' · ');
  // Month, day and time: the year is the log's, and the columns are few.
  const short = time.slice(5);
  return [
    truncate(`${short.padEnd(14)} ${principal.padEnd(10)} ${action.padEnd(9)} ${outcome}`, width),
    ...(on ? [truncate(`${' '.repeat(15)}${on}`, width)] : []),
  ].join('\n');
}

function fixed(cells: string[]): string {
  return cells
    .map((cell, index) =>
      index < WIDTHS.length ? truncate(cell, WIDTHS[index]! - 1).padEnd(WIDTHS[index]!) : cell,
    )
    .join(' ');
}

/** One entry as the table's cells (also the Audit screen's). */
export function auditRow(entry: AuditEntryView, names: KnownNames): string[] {
  return [
    formatTime(entry.at).replace(/ UTC$/, ''),
    entry.principal ?? '–',
    entry.action,
    entry.servicePrincipalId ? (names.get(entry.servicePrincipalId) ?? entry.servicePrincipalId) : '',
    subjectWithName(entry.subject, names),
    entryOutcome(entry),
  ];
}
