import type { ApprovalView } from './approval-view.js';
import { describeJobAction, jobCallOfPath } from './jobs/job-action.js';
import { provisionOnDemandRequestSchema } from './request-schema.js';

/** One subject with its members: type, display name (when the proxy could read it) and id. */
export interface HeldSubject {
  objectId: string;
  type: string;
  name: string | null;
  ruleId: string;
  ruleName: string | null;
  members: Array<{ objectId: string; type: string; name: string | null }>;
}

/** What a held request provisions, names next to ids (the terminal's and the console's view alike). */
export function heldSubjects(view: ApprovalView): HeldSubject[] {
  const body = provisionOnDemandRequestSchema.safeParse(view.request.body);
  if (!body.success) return [];
  const nameOf = (id: string) => view.names?.objects[id]?.displayName ?? null;
  return body.data.parameters.flatMap((parameter) =>
    parameter.subjects.map((subject) => ({
      objectId: subject.objectId,
      type: subject.objectTypeName,
      name: nameOf(subject.objectId),
      ruleId: parameter.ruleId,
      ruleName: view.names?.rules[parameter.ruleId] ?? null,
      members: (subject.links?.members ?? []).map((member) => ({
        objectId: member.objectId,
        type: member.objectTypeName,
        name: nameOf(member.objectId),
      })),
    })),
  );
}

/** `Group Sales + 2 members`, `User Adele Vance`: a held request's subjects in a few words. */
export function subjectSummary(view: ApprovalView): string {
  // A job action has no subjects: it is said with its criteria (`restart Watermark`).
  const operation = jobCallOfPath(view.request.path)?.operation;
  if (operation && operation !== 'provisionOnDemand')
    return `Job: ${describeJobAction(operation, view.request.body)}`;
  const subjects = heldSubjects(view);
  if (subjects.length === 0) return '?';
  return subjects
    .map((subject) => {
      const members = subject.members.length;
      return `${subject.type} ${subject.name ?? subject.objectId}${members > 0 ? ` + ${members} member${members === 1 ? '' : 's'}` : ''}`;
    })
    .join(', ');
}
