import { groupRequest, userRequest } from '@ondemand/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalGuid, canonicalTarget } from './canonical-ids.js';

const sp = 'c8c95753-f628-48e1-9fab-76c2d4cf624c';
const user = '9bb0f679-a883-4a6f-8260-35b491b8b8c8';

describe('canonicalTarget', () => {
  it('writes every GUID the policy judges in lower case, and leaves AD names and workers as they are', () => {
    const checked = canonicalTarget({
      servicePrincipalId: sp.toUpperCase(),
      jobId: 'gitHubEnterpriseCloud.6855.16d1',
      body: groupRequest({ ruleId: 'r', groupId: user.toUpperCase(), memberIds: [user.toUpperCase()] }),
    });
    expect(checked).toMatchObject({
      ok: true,
      value: {
        servicePrincipalId: sp,
        jobId: 'gitHubEnterpriseCloud.6855.16d1',
        body: groupRequest({ ruleId: 'r', groupId: user, memberIds: [user] }),
      },
    });
    const ad = {
      parameters: [
        { ruleId: 'r', subjects: [{ objectId: 'CN=Adele,DC=corp', objectTypeName: 'user' as const }] },
      ],
    };
    expect(canonicalTarget({ servicePrincipalId: sp, jobId: 'j', body: ad })).toMatchObject({
      ok: true,
      value: { body: ad },
    });
  });

  it.each([
    ['in braces', `{${sp}}`],
    ['without hyphens', sp.replaceAll('-', '')],
    ['upper case with spaces', ` ${sp.toUpperCase()} `],
    ['with a NUL on the end', `${sp}\u0000`],
    ['a name', 'Salesforce'],
  ])('refuses a service principal id %s, naming the path', (_, id) => {
    const checked = canonicalTarget({
      servicePrincipalId: id,
      jobId: 'j',
      body: userRequest({ ruleId: 'r', userId: user }),
    });
    expect(checked).toMatchObject({ ok: false, issues: [{ path: 'servicePrincipals/{id}' }] });
  });

  it('refuses a subject or member id that is not an object id, and a job id with control characters', () => {
    const checked = canonicalTarget({
      servicePrincipalId: sp,
      jobId: 'job\u0000',
      // By hand: core's builders would refuse these ids before a body could be sent.
      body: {
        parameters: [
          {
            ruleId: 'r',
            subjects: [
              {
                objectId: `{${user}}`,
                objectTypeName: 'Group',
                links: {
                  members: [
                    { objectId: user, objectTypeName: 'User' },
                    { objectId: 'adele@contoso.com', objectTypeName: 'User' },
                  ],
                },
              },
            ],
          },
        ],
      },
    });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues.map((issue) => issue.path)).toEqual([
      'jobs/{id}',
      'parameters[0].subjects[0].objectId',
      'parameters[0].subjects[0].links.members[1].objectId',
    ]);
  });

  it('accepts a GUID in any case and no other spelling (property)', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.constantFrom('lower', 'upper', 'braces', 'compact'), (id, spelling) => {
        const spelled =
          spelling === 'lower'
            ? id
            : spelling === 'upper'
              ? id.toUpperCase()
              : spelling === 'braces'
                ? `{${id}}`
                : id.replaceAll('-', '');
        expect(canonicalGuid(spelled)).toBe(
          spelling === 'lower' || spelling === 'upper' ? id.toLowerCase() : undefined,
        );
      }),
    );
  });
});
