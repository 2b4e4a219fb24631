import {
  entraObjectIdProblem,
  type InputIssue,
  isObjectId,
  type ProvisionOnDemandRequest,
  unsafeCharacter,
} from '@ondemand/core';
import { isEntraObject, namedObjects } from './subjects.js';

/** The one spelling of a GUID the proxy judges (lower case), or undefined when `text` is not a GUID in 8-4-4-4-12 form. */
export function canonicalGuid(text: string): string | undefined {
  return isObjectId(text) ? text.toLowerCase() : undefined;
}

/** The app and job a call names, in the one spelling the policy judges. */
export interface JobIds {
  servicePrincipalId: string;
  jobId: string;
}

/** The app's id as a lower-case GUID and the job's as given, or what is wrong with them. */
export function canonicalJobIds(
  ids: JobIds,
): { ok: true; value: JobIds } | { ok: false; issues: InputIssue[] } {
  const issues = jobIdIssues(ids);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: { servicePrincipalId: canonicalGuid(ids.servicePrincipalId)!, jobId: ids.jobId },
  };
}

/** A service principal that is not a GUID, a job id holding control characters or spaces at its ends. */
function jobIdIssues(ids: JobIds): InputIssue[] {
  const issues: InputIssue[] = [];
  if (!canonicalGuid(ids.servicePrincipalId))
    issues.push({
      path: 'servicePrincipals/{id}',
      message: `${JSON.stringify(ids.servicePrincipalId)} is not a service principal id: give the app's object id as Graph lists it, 8-4-4-4-12 hex digits`,
    });
  const jobProblem =
    unsafeCharacter(ids.jobId) ?? (ids.jobId.trim() !== ids.jobId ? 'spaces at either end' : undefined);
  if (jobProblem || ids.jobId === '')
    issues.push({
      path: 'jobs/{id}',
      message: `the job id ${JSON.stringify(ids.jobId)} holds ${jobProblem ?? 'nothing'}: give it as the job list shows it`,
    });
  return issues;
}

export interface ProvisionTarget {
  servicePrincipalId: string;
  jobId: string;
  body: ProvisionOnDemandRequest;
}

/**
 * The request as Graph will see it, so the policy judges exactly that: the service principal and every
 * Entra object id as a lower-case GUID. Any other spelling (braces, no hyphens, spaces, a NUL on the
 * end) is refused, naming where, rather than guessed at: it would not match the rule written for the
 * canonical id and would fall through to a looser one.
 */
export function canonicalTarget(
  target: ProvisionTarget,
): { ok: true; value: ProvisionTarget } | { ok: false; issues: InputIssue[] } {
  const issues = jobIdIssues(target);
  const servicePrincipalId = canonicalGuid(target.servicePrincipalId);
  const canonical = new Map<string, string>();
  for (const object of namedObjects(target.body)) {
    if (!isEntraObject(object)) continue;
    const id = canonicalGuid(object.objectId);
    if (id) canonical.set(object.objectId, id);
    else
      issues.push({
        path: `${object.path}.objectId`,
        message:
          entraObjectIdProblem(object.objectId, object.objectTypeName) ??
          `${JSON.stringify(object.objectId)} is not an object id: a ${object.objectTypeName} is named by its Entra object id, 8-4-4-4-12 hex digits`,
      });
  }
  if (issues.length > 0) return { ok: false, issues };
  const spell = <T extends { objectId: string }>(object: T): T => ({
    ...object,
    objectId: canonical.get(object.objectId) ?? object.objectId,
  });
  const body: ProvisionOnDemandRequest = {
    parameters: target.body.parameters.map((parameter) => ({
      ...parameter,
      subjects: parameter.subjects.map((subject) => ({
        ...spell(subject),
        ...(subject.links
          ? {
              links: Object.fromEntries(
                Object.entries(subject.links).map(([link, objects]) => [link, objects?.map(spell)]),
              ),
            }
          : {}),
      })),
    })),
  };
  return { ok: true, value: { servicePrincipalId: servicePrincipalId!, jobId: target.jobId, body } };
}
