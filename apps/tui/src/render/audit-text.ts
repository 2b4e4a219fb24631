import type { ApprovalView, AuditEntryView } from '@ondemand/core';
import { formatTime, textTable } from './text.js';

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
      return detail.refused
        ? `refused: ${detail.refused} (${detail.decision})`
        : `${detail.decision}: ${detail.reason ?? ''}`.trim();
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
      return [text(detail.status), text(detail.code), text(detail.path)].filter(Boolean).join(' ');
    case 'forbidden':
      return `needs ${[detail.needs].flat().join(' or ')}`;
    case 'withdrawn':
      return detail.refused ? `refused: ${detail.refused}` : 'withdrawn';
    default:
      return '';
  }
}

/** `User Adele Vance` for `User 9bb0f679-…` when the name is known; the entry's own text otherwise. */
export function subjectWithName(subject: string | null, names: KnownNames): string {
  if (!subject) return '';
  return subject.replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
    (id) => names.get(id) ?? id,
  );
}

/** Audit entries as a table: time, principal, action, app and subject (names where known), outcome. */
export function auditTable(entries: AuditEntryView[], names: KnownNames, width: number): string {
  return textTable(
    ['TIME', 'PRINCIPAL', 'ACTION', 'APP', 'SUBJECT', 'OUTCOME'],
    entries.map((entry) => auditRow(entry, names)),
    width,
  );
}

/** One entry as the table's cells (also a line of `--follow`). */
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
