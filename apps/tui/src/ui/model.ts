import {
  mappedObjectTypes,
  type ObjectTypeName,
  type ProvisionOnDemandRequest,
  type RuleObjectMappings,
  subjectRequest,
} from '@ondemand/core';
import type { ProvisionResult } from '@ondemand/transport';

/** What is being provisioned: picked step by step in the UI, provisioned again with one key. */
export interface ProvisionTarget {
  sp: { id: string; displayName: string };
  job: { id: string; templateId: string };
  rule: { id: string; name: string; kinds: readonly SubjectKind[] };
  subject: {
    kind: SubjectKind;
    id: string;
    label: string;
    members: Array<{ id: string; label: string }>;
  };
}

/** Who can be picked: an Entra user, a group (with members), or an AD user by distinguished name. */
export type SubjectKind = 'user' | 'group' | 'dn';

/**
 * The kinds of subject a rule provisions, from its schema's object mappings: an AD `user` (cloud
 * sync, in lower case) is picked by distinguished name. All Entra kinds when the schema does not say.
 */
export function subjectKindsOf(rule: RuleObjectMappings): SubjectKind[] {
  const types = mappedObjectTypes(rule);
  if (!types) return ['user', 'group'];
  if (types.includes('user')) return ['dn'];
  return (['user', 'group'] as const).filter((kind) => types.some((type) => type.toLowerCase() === kind));
}

/** One provision of this session, for the history screen. */
export interface HistoryEntry {
  at: Date;
  target: ProvisionTarget;
  result: ProvisionResult;
}

const OBJECT_TYPE_OF: Record<ProvisionTarget['subject']['kind'], ObjectTypeName> = {
  user: 'User',
  group: 'Group',
  dn: 'user',
};

/** The provisionOnDemand body for a target, built by core's builders as every caller's is. */
export function targetRequest(target: ProvisionTarget): ProvisionOnDemandRequest {
  const { subject } = target;
  return subjectRequest({
    ruleId: target.rule.id,
    objectId: subject.id,
    objectTypeName: OBJECT_TYPE_OF[subject.kind],
    memberIds: subject.members.map((member) => member.id),
  });
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
