import type { JobAction, JobOperation, ProvisionOnDemandRequest } from '@ondemand/core';
import type { Role } from '../auth/roles.js';
import type { Policy, PolicyRule } from './policy-schema.js';
import { namedObjects } from './subjects.js';

/** What a request is, as far as the policy looks at it. */
export type PolicyRequest = {
  servicePrincipalId: string;
  jobId: string;
  caller: { principal: string; roles: Role[] };
} & (
  | { action?: undefined; body: ProvisionOnDemandRequest }
  /** A job action: it provisions no subjects, so only rules naming its action match it. */
  | { action: JobAction; body?: undefined }
);

export type PolicyDecision =
  | { decision: 'allow'; rule: string }
  | { decision: 'deny'; rule: string; reason: string }
  | { decision: 'require_approval'; rule: string; approvals: NonNullable<PolicyRule['approvals']> };

/**
 * The first rule that matches decides; `otherwise` when none does. The request's ids are canonical
 * already (see `canonicalTarget`); job and rule ids match in any case, so a rule written for one
 * spelling cannot be slipped past with another.
 */
export function decide(policy: Policy, request: PolicyRequest): PolicyDecision {
  const operation: JobOperation = request.action ?? 'provisionOnDemand';
  const ruleIds = request.body?.parameters.map((parameter) => parameter.ruleId) ?? [];
  // Every object the request provisions counts: subjects and what they link (members, managers,
  // owners), so a "single user" rule is not passed with a user carrying two managers and a group.
  const objects = request.body ? namedObjects(request.body) : [];
  const subjectCount = objects.length;
  for (const rule of policy.rules) {
    const match = rule.match;
    const matches =
      (match.action ?? ['provisionOnDemand']).includes(operation) &&
      within(match.servicePrincipal, request.servicePrincipalId, true) &&
      within(match.job, request.jobId, true) &&
      (!match.ruleId || ruleIds.some((ruleId) => within(match.ruleId, ruleId, true))) &&
      // A type matches wherever it is in the request: a group linked as an owner is a group.
      (!match.objectType ||
        objects.some((object) => (match.objectType as readonly string[]).includes(object.objectTypeName))) &&
      (match.minSubjects === undefined || subjectCount >= match.minSubjects) &&
      (match.maxSubjects === undefined || subjectCount <= match.maxSubjects) &&
      within(match.caller, request.caller.principal, false);
    if (!matches) continue;
    if (rule.decision === 'allow') return { decision: 'allow', rule: rule.name };
    if (rule.decision === 'deny')
      return {
        decision: 'deny',
        rule: rule.name,
        reason: rule.reason ?? `the policy rule "${rule.name}" denies it`,
      };
    return { decision: 'require_approval', rule: rule.name, approvals: rule.approvals! };
  }
  return policy.otherwise === 'allow'
    ? { decision: 'allow', rule: '(otherwise)' }
    : { decision: 'deny', rule: '(otherwise)', reason: 'no policy rule allows this request' };
}

function within(values: string[] | undefined, value: string, caseInsensitive: boolean): boolean {
  if (!values) return true;
  return values.some((candidate) =>
    caseInsensitive ? candidate.toLowerCase() === value.toLowerCase() : candidate === value,
  );
}
