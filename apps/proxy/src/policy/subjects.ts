import { isObjectId, looksLikeDistinguishedName, type ProvisionOnDemandRequest } from '@ondemand/core';

/** One object a request names: a subject or one of its linked objects, with where it is in the body. */
export interface NamedObject {
  /** `parameters[0].subjects[1].links.members[2]`. */
  path: string;
  objectId: string;
  objectTypeName: string;
}

/** Every object a request names, subjects and linked objects, in order. */
export function namedObjects(body: ProvisionOnDemandRequest): NamedObject[] {
  return body.parameters.flatMap((parameter, p) =>
    parameter.subjects.flatMap((subject, s) => {
      const path = `parameters[${p}].subjects[${s}]`;
      const linked = Object.entries(subject.links ?? {}).flatMap(([link, objects]) =>
        (objects ?? []).map((object, index) => ({ ...object, path: `${path}.links.${link}[${index}]` })),
      );
      return [{ path, objectId: subject.objectId, objectTypeName: subject.objectTypeName }, ...linked];
    }),
  );
}

/**
 * Whether an object is an Entra ID object, named by its object id: a `User` or `Group` that is not
 * an Active Directory object given by distinguished name (cloud sync) or a Workday worker.
 */
export function isEntraObject(object: Pick<NamedObject, 'objectId' | 'objectTypeName'>): boolean {
  return (
    (object.objectTypeName === 'User' || object.objectTypeName === 'Group') &&
    !looksLikeDistinguishedName(object.objectId)
  );
}

/** The subjects for the audit log: `User 9bb0f679-… + 1 manager`, `Group 8213fd99-… + 2 members`. */
export function describeSubjects(body: ProvisionOnDemandRequest): string {
  return body.parameters
    .flatMap((parameter) => parameter.subjects)
    .map((subject) => {
      // What each subject carries with it, as the policy counts it: `+ 2 members`, `+ 1 manager`.
      const linked = Object.entries(subject.links ?? {})
        .filter(([, objects]) => (objects?.length ?? 0) > 0)
        .map(([link, objects]) => {
          const count = objects!.length;
          const noun = link === 'members' ? 'member' : link === 'owners' ? 'owner' : link;
          return ` + ${count} ${noun}${count === 1 ? '' : 's'}`;
        })
        .join('');
      return `${subject.objectTypeName} ${subject.objectId}${linked}`;
    })
    .join('; ');
}

/**
 * Whether the directory must be asked what an object is: an Entra object, and any other object whose
 * id is an object id whatever type it is sent as (a group's id sent as an AD `user` or a `Worker`
 * would otherwise skip the type check and a rule written for groups).
 */
export function needsDirectoryCheck(object: Pick<NamedObject, 'objectId' | 'objectTypeName'>): boolean {
  return (
    isEntraObject(object) || (isObjectId(object.objectId) && !looksLikeDistinguishedName(object.objectId))
  );
}
