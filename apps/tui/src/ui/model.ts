import type { ProvisionResult } from '@ondemand/transport';

/** What is being provisioned: picked step by step in the UI, provisioned again with one key. */
export interface ProvisionTarget {
  sp: { id: string; displayName: string };
  job: { id: string; templateId: string };
  rule: { id: string; name: string };
  subject: {
    kind: 'user' | 'group' | 'dn';
    id: string;
    label: string;
    members: Array<{ id: string; label: string }>;
  };
}

/** One provision of this session, for the history screen. */
export interface HistoryEntry {
  at: Date;
  target: ProvisionTarget;
  result: ProvisionResult;
}

export function describeTarget(target: ProvisionTarget): string {
  const members =
    target.subject.members.length > 0
      ? ` + ${target.subject.members.length} member${target.subject.members.length === 1 ? '' : 's'}`
      : '';
  return `${target.subject.label}${members} → ${target.sp.displayName}`;
}

/** What `s` saves: the target, the ids support asks for, and Graph's answer as it came (`explain` reads it back). */
export function savedResultText(entry: HistoryEntry): string {
  const { raw: response, requestId, clientRequestId } = entry.result;
  return `${JSON.stringify({ target: entry.target, requestId, clientRequestId, response }, null, 2)}\n`;
}
