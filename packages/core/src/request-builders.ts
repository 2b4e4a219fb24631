import { distinguishedNameProblem } from './distinguished-name.js';
import {
  entraObjectIdProblem,
  type LinkedSubject,
  MAX_GROUP_MEMBERS_PER_CALL,
  type ObjectTypeName,
  type ProvisionOnDemandRequest,
  type ProvisionSubject,
} from './request-schema.js';

/** Thrown by the builders when called with arguments that can never make a valid request. */
export class RequestBuildError extends Error {
  override readonly name = 'RequestBuildError';
  readonly code = 'invalid_request';
}

function single(ruleId: string, subject: ProvisionSubject): ProvisionOnDemandRequest {
  if (ruleId.trim() === '') {
    throw new RequestBuildError(
      'ruleId cannot be empty: take it from the job schema (synchronizationRules[].id)',
    );
  }
  // An Entra user or group named by anything but its object id (a UPN, a mail) is never found.
  const linked = Object.values(subject.links ?? {}).flatMap((objects) => objects ?? []);
  for (const object of [subject, ...linked]) {
    const problem = entraObjectIdProblem(object.objectId, object.objectTypeName);
    if (problem) throw new RequestBuildError(problem);
  }
  return { parameters: [{ ruleId, subjects: [subject] }] };
}

/**
 * A request that provisions one Entra ID user (or a Workday worker with `objectTypeName: 'Worker'`).
 *
 * @example userRequest({ ruleId: 'ea807875-…', userId: '9bb0f679-…' })
 */
export function userRequest(options: {
  ruleId: string;
  userId: string;
  objectTypeName?: 'User' | 'Worker';
  manager?: string;
}): ProvisionOnDemandRequest {
  const subject: ProvisionSubject = {
    objectId: options.userId,
    objectTypeName: options.objectTypeName ?? 'User',
  };
  if (options.manager) subject.links = { manager: [{ objectId: options.manager, objectTypeName: 'User' }] };
  return single(options.ruleId, subject);
}

/**
 * A request that provisions one group and up to five of its member users.
 *
 * @example groupRequest({ ruleId: '33f7c90d-…#V2', groupId: '8213fd99-…', memberIds: ['cbc86211-…'] })
 */
export function groupRequest(options: {
  ruleId: string;
  groupId: string;
  memberIds?: readonly string[];
}): ProvisionOnDemandRequest {
  const memberIds = options.memberIds ?? [];
  if (memberIds.length > MAX_GROUP_MEMBERS_PER_CALL) {
    throw new RequestBuildError(
      `at most ${MAX_GROUP_MEMBERS_PER_CALL} members can be provisioned with a group on demand (got ${memberIds.length}): split them across calls`,
    );
  }
  const subject: ProvisionSubject = { objectId: options.groupId, objectTypeName: 'Group' };
  if (memberIds.length > 0) {
    subject.links = {
      members: memberIds.map((objectId): LinkedSubject => ({ objectId, objectTypeName: 'User' })),
    };
  }
  return single(options.ruleId, subject);
}

/**
 * A request that syncs one Active Directory user to Entra ID (cloud sync), named by distinguished name.
 *
 * @example distinguishedNameRequest({ ruleId: '6c409270-…', distinguishedName: 'CN=AdeleV,CN=Users,DC=corp,DC=com' })
 */
export function distinguishedNameRequest(options: {
  ruleId: string;
  distinguishedName: string;
}): ProvisionOnDemandRequest {
  const problem = distinguishedNameProblem(options.distinguishedName);
  if (problem)
    throw new RequestBuildError(`"${options.distinguishedName}" is not a distinguished name: ${problem}`);
  return single(options.ruleId, { objectId: options.distinguishedName, objectTypeName: 'user' });
}

/**
 * A request for one subject named by its object type, for callers that hold a type rather than a
 * kind (a bulk row, the UI's pick): `Group` with its members, `user` (lower case: an Active Directory
 * distinguished name, for cloud sync), `User` or `Worker`.
 *
 * @example subjectRequest({ ruleId: '33f7c90d-…#V2', objectId: '8213fd99-…', objectTypeName: 'Group', memberIds: ['cbc86211-…'] })
 */
export function subjectRequest(options: {
  ruleId: string;
  objectId: string;
  objectTypeName: ObjectTypeName;
  memberIds?: readonly string[];
}): ProvisionOnDemandRequest {
  const { ruleId, objectId, objectTypeName, memberIds = [] } = options;
  if (objectTypeName === 'Group') return groupRequest({ ruleId, groupId: objectId, memberIds });
  if (memberIds.length > 0)
    throw new RequestBuildError(
      `members go with a Group, not a ${objectTypeName}: drop them or send the group`,
    );
  if (objectTypeName === 'user') return distinguishedNameRequest({ ruleId, distinguishedName: objectId });
  return userRequest({ ruleId, userId: objectId, objectTypeName });
}
