import { describe, expect, it } from 'vitest';
import { mappedObjectTypes, unmappedObjectTypeProblem } from './rule-object-types.js';

const usersOnly = { id: 'USER_OUTBOUND_USER', objectMappings: [{ sourceObjectName: 'User' }] };
const usersAndGroups = {
  id: 'USER_AND_GROUP#V2',
  objectMappings: [{ sourceObjectName: 'User' }, { sourceObjectName: 'Group' }],
};
const cloudSync = { id: 'AD2AADProvisioning', objectMappings: [{ sourceObjectName: 'user' }] };

describe('unmappedObjectTypeProblem', () => {
  it.each([
    [
      'a group to a users-only rule',
      usersOnly,
      'Group',
      /maps User objects only, not Group: Graph would answer Success/,
    ],
    ['a user to a users-only rule', usersOnly, 'User', undefined],
    ['a user in any case', usersOnly, 'user', undefined],
    ['a group to a users-and-groups rule', usersAndGroups, 'Group', undefined],
    ['an AD user to a cloud-sync rule', cloudSync, 'user', undefined],
    ['a group to a cloud-sync rule', cloudSync, 'Group', /maps user objects only, not Group/],
    ['a rule whose schema says nothing', { id: 'r' }, 'Group', undefined],
    [
      'a group mapping the schema disables',
      {
        id: 'r',
        objectMappings: [{ sourceObjectName: 'User' }, { sourceObjectName: 'Group', enabled: false }],
      },
      'Group',
      /maps User objects only/,
    ],
    ['a rule that maps nothing', { id: 'r', objectMappings: [] }, 'User', /maps no objects, not User/],
  ])('%s', (_, rule, type, expected) => {
    const problem = unmappedObjectTypeProblem(rule, type);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  it('lists what a rule maps, and nothing when its schema does not say', () => {
    expect(mappedObjectTypes(usersAndGroups)).toEqual(['User', 'Group']);
    expect(mappedObjectTypes({ id: 'r', objectMappings: null })).toBeUndefined();
  });
});
