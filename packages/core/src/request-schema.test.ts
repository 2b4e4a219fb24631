import { documentedExamples } from '@ondemand/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distinguishedNameRequest, groupRequest, subjectRequest, userRequest } from './request-builders.js';
import { provisionOnDemandRequestSchema, validateProvisionRequest } from './request-schema.js';

const user = (objectId = '9bb0f679-a883-4a6f-8260-35b491b8b8c8', objectTypeName = 'User') => ({
  objectId,
  objectTypeName,
});
const body = (subjects: unknown[], ruleId: unknown = 'ea807875-5618-4f0a-9125-0b46a05298ca') => ({
  parameters: [{ ruleId, subjects }],
});
const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const members = (count: number) => Array.from({ length: count }, (_, i) => user(guid(i)));

describe('validateProvisionRequest', () => {
  it.each(documentedExamples().map((example) => [example.file, example.request.body]))(
    'accepts documented %s',
    (_, request) => {
      expect(validateProvisionRequest(request)).toEqual({ ok: true, value: request });
    },
  );

  it.each([
    ['a Workday worker', body([user('21004', 'Worker')])],
    ['a rule id with a #V2 suffix', body([user()], '33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8#V2')],
    [
      'an AD user whose name has an escaped comma',
      body([user('CN=Vest\\, Adele,OU=Sales,DC=corp,DC=com', 'user')]),
    ],
    ['a user with a manager link', body([{ ...user(), links: { manager: [user(guid(99))] } }])],
    [
      'a group with exactly five members',
      body([{ objectId: guid(50), objectTypeName: 'Group', links: { members: members(5) } }]),
    ],
    ['an object id in upper case', body([user('9BB0F679-A883-4A6F-8260-35B491B8B8C8')])],
  ])('accepts %s', (_, request) => {
    expect(validateProvisionRequest(request).ok).toBe(true);
  });

  it.each<[string, unknown, string, RegExp]>([
    [
      'a user principal name as a User’s object id',
      body([user('alex.vance@contoso.onmicrosoft.com')]),
      'parameters[0].subjects[0].objectId',
      /"alex\.vance@contoso\.onmicrosoft\.com" is not an object id: a User is named by its Entra object id, 8-4-4-4-12 hex digits \(that looks like a user name or mail: look the id up with "ondemand users NAME"\)/,
    ],
    [
      'a display name as a member’s object id',
      body([{ objectId: guid(50), objectTypeName: 'Group', links: { members: [user('Wen Vance')] } }]),
      'parameters[0].subjects[0].links.members[0].objectId',
      /"Wen Vance" is not an object id: a User is named by its Entra object id/,
    ],
    [
      'a missing ruleId',
      { parameters: [{ subjects: [user()] }] },
      'parameters[0].ruleId',
      /ruleId is required.*schema/,
    ],
    ['an empty ruleId', body([user()], '  '), 'parameters[0].ruleId', /cannot be empty/],
    ['empty subjects', body([]), 'parameters[0].subjects', /cannot be empty/],
    ['empty parameters', { parameters: [] }, 'parameters', /cannot be empty/],
    [
      'a body without the parameters wrapper',
      { ruleId: 'r', subjects: [user()] },
      'parameters',
      /wrapped in a "parameters" array/,
    ],
    ['a body that is an array', [user()], '(the body)', /must be a JSON object/],
    [
      'an unknown objectTypeName',
      body([user('x', 'Contact')]),
      'parameters[0].subjects[0].objectTypeName',
      /one of "User", "user"/,
    ],
    [
      'a typo in a property name',
      body([{ objectId: 'x', objectTypename: 'User' }]),
      'parameters[0].subjects[0]',
      /unknown property "objectTypename"/,
    ],
    [
      'six members',
      body([{ objectId: 'g', objectTypeName: 'Group', links: { members: members(6) } }]),
      'parameters[0].subjects[0].links.members',
      /at most 5 members/,
    ],
    [
      'two groups',
      body([user('g1', 'Group'), user('g2', 'Group')]),
      'parameters[0].subjects[1].objectTypeName',
      /only one group/,
    ],
    [
      'members on a user',
      body([{ ...user(), links: { members: [user('m')] } }]),
      'parameters[0].subjects[0].links.members',
      /only a subject with objectTypeName "Group"/,
    ],
    [
      'a DN with an unescaped trailing separator',
      body([user('CN=Adele,OU=Sales,', 'user')]),
      'parameters[0].subjects[0].objectId',
      /ends with a separator/,
    ],
    [
      'a DN with upper-case User',
      body([user('CN=AdeleV,CN=Users,DC=corp,DC=com', 'User')]),
      'parameters[0].subjects[0].objectTypeName',
      /"user" in lower case/,
    ],
    ['an empty objectId', body([user('')]), 'parameters[0].subjects[0].objectId', /cannot be empty/],
    [
      'an objectId with a lone surrogate',
      body([user('a\ud800')]),
      'parameters[0].subjects[0].objectId',
      /objectId contains a lone UTF-16 surrogate \(\\ud800\) at position 1/,
    ],
    [
      'a member id ending in NUL',
      body([{ objectId: 'g', objectTypeName: 'Group', links: { members: [user('m\u0000')] } }]),
      'parameters[0].subjects[0].links.members[0].objectId',
      /objectId contains a control character \(U\+0000\)/,
    ],
    ['a ruleId with a newline', body([user()], 'r\nx'), 'parameters[0].ruleId', /ruleId contains a control/],
  ])('refuses %s, naming %s', (_, request, path, message) => {
    const checked = validateProvisionRequest(request);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  it('lists every problem at once, including the group count when other parts fail', () => {
    const checked = validateProvisionRequest({
      parameters: [
        { ruleId: '', subjects: [user(guid(1), 'Group'), user(guid(2), 'Group'), user('', 'User')] },
      ],
    });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues.map((issue) => issue.path).sort()).toEqual([
      'parameters[0].ruleId',
      'parameters[0].subjects[1].objectTypeName',
      'parameters[0].subjects[2].objectId',
    ]);
  });

  it('never throws on arbitrary JSON and names a path for every problem', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const checked = validateProvisionRequest(value);
        if (!checked.ok) {
          expect(checked.issues.length).toBeGreaterThan(0);
          for (const issue of checked.issues) expect(issue.path).not.toBe('');
        }
      }),
    );
  });
});

describe('request builders', () => {
  const id = fc
    .string({ minLength: 1, maxLength: 40 })
    .filter((text) => text.trim() !== '' && !text.includes('='));

  it('always build bodies the schema accepts', () => {
    fc.assert(
      fc.property(id, fc.uuid(), fc.array(fc.uuid(), { maxLength: 5 }), (ruleId, objectId, memberIds) => {
        expect(
          provisionOnDemandRequestSchema.safeParse(userRequest({ ruleId, userId: objectId })).success,
        ).toBe(true);
        expect(
          provisionOnDemandRequestSchema.safeParse(groupRequest({ ruleId, groupId: objectId, memberIds }))
            .success,
        ).toBe(true);
      }),
    );
  });

  it('build the documented bodies', () => {
    const [first, second, third] = documentedExamples();
    expect(
      userRequest({
        ruleId: 'ea807875-5618-4f0a-9125-0b46a05298ca',
        userId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8',
      }),
    ).toEqual(first!.request.body);
    expect(
      distinguishedNameRequest({
        ruleId: '6c409270-f78a-4bc6-af23-7cf3ab6482fe',
        distinguishedName: 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com',
      }),
    ).toEqual(second!.request.body);
    expect(
      groupRequest({
        ruleId: '33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8#V2',
        groupId: '8213fd99-d6b6-417b-8e13-af6334856215',
        memberIds: ['cbc86211-6ada-4803-b73f-8039cf56d8a2', '2bc86211-6ada-4803-b73f-8039cf56d8a2'],
      }),
    ).toEqual(third!.request.body);
  });

  it('build by object type exactly what the kind builders build', () => {
    fc.assert(
      fc.property(
        id,
        fc.uuid(),
        fc.array(fc.uuid(), { maxLength: 5 }),
        id,
        (ruleId, objectId, memberIds, workerId) => {
          expect(subjectRequest({ ruleId, objectId, objectTypeName: 'Group', memberIds })).toEqual(
            groupRequest({ ruleId, groupId: objectId, memberIds }),
          );
          // A Workday worker id is any text: only Entra users and groups are named by GUIDs.
          expect(subjectRequest({ ruleId, objectId: workerId, objectTypeName: 'Worker' })).toEqual(
            userRequest({ ruleId, userId: workerId, objectTypeName: 'Worker' }),
          );
        },
      ),
    );
    const [first, second] = documentedExamples();
    expect(
      subjectRequest({
        ruleId: 'ea807875-5618-4f0a-9125-0b46a05298ca',
        objectId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8',
        objectTypeName: 'User',
      }),
    ).toEqual(first!.request.body);
    expect(
      subjectRequest({
        ruleId: '6c409270-f78a-4bc6-af23-7cf3ab6482fe',
        objectId: 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com',
        objectTypeName: 'user',
      }),
    ).toEqual(second!.request.body);
    expect(() =>
      subjectRequest({
        ruleId: 'r',
        objectId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8',
        objectTypeName: 'User',
        memberIds: ['m'],
      }),
    ).toThrow(/members go with a Group/);
    expect(() => subjectRequest({ ruleId: 'r', objectId: 'CN=a,b', objectTypeName: 'user' })).toThrow(
      /not a distinguished name/,
    );
  });

  it('refuse what can never be valid', () => {
    expect(() =>
      groupRequest({ ruleId: 'r', groupId: 'g', memberIds: ['1', '2', '3', '4', '5', '6'] }),
    ).toThrow(/at most 5/);
    expect(() => userRequest({ ruleId: ' ', userId: 'u' })).toThrow(/ruleId cannot be empty/);
    expect(() => distinguishedNameRequest({ ruleId: 'r', distinguishedName: 'CN=a,' })).toThrow(
      /not a distinguished name/,
    );
  });

  it('names every problem at once: a field that fails hides no check that spans fields', () => {
    const six = Array.from({ length: 6 }, (_, index) => ({ objectId: `m${index}`, objectTypeName: 'User' }));
    const checked = validateProvisionRequest({
      parameters: [
        {
          ruleId: 'r',
          subjects: [
            { objectId: 'g', objectTypeName: 'Group', links: { members: six } },
            { objectId: 'g2', objectTypeName: 'Group' },
          ],
        },
      ],
    });
    const messages = checked.ok
      ? ''
      : checked.issues.map((issue) => `${issue.path}: ${issue.message}`).join('\n');
    expect(messages).toMatch(/links\.members: at most 5 members/);
    expect(messages).toMatch(
      /subjects\[1\]\.objectTypeName: only one group can be provisioned per on-demand call/,
    );
  });

  it('lists a subject’s own problems even when it has an unknown property as well', () => {
    const checked = validateProvisionRequest({
      parameters: [
        {
          ruleId: 'r',
          subjects: [{ objectId: 'CN=a,b', objectTypeName: 'user', colour: 'red' }],
        },
      ],
    });
    expect(checked.ok).toBe(false);
    const messages = checked.ok ? [] : checked.issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(messages.join('\n')).toMatch(/unknown property "colour"/);
    expect(messages.join('\n')).toMatch(/objectId: not a valid distinguished name/);
  });
});
