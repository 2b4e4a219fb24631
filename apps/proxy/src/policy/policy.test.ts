import { groupRequest, userRequest } from '@ondemand/core';
import { describe, expect, it } from 'vitest';
import { decide } from './policy.js';
import { policySchema } from './policy-schema.js';
import { describeSubjects } from './subjects.js';

const policy = policySchema.parse({
  rules: [
    {
      name: 'no deletes team',
      match: { caller: ['intern'] },
      decision: 'deny',
      reason: 'interns do not provision',
    },
    {
      name: 'groups',
      match: { objectType: ['Group'] },
      decision: 'require_approval',
      approvals: { count: 2, roles: ['approver'] },
    },
    {
      name: 'cloud sync',
      match: { servicePrincipal: ['C1C1C1C1-0000-4000-8000-00000000C10D'] },
      decision: 'require_approval',
      approvals: { count: 1 },
    },
    { name: 'users', match: { objectType: ['User'], maxSubjects: 1, job: ['job-1'] }, decision: 'allow' },
  ],
});
const caller = { principal: 'svc', roles: ['requester' as const] };

describe('decide', () => {
  it.each([
    [
      'a single user on job-1',
      {
        servicePrincipalId: 'sp',
        jobId: 'job-1',
        body: userRequest({ ruleId: 'r', userId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8' }),
        caller,
      },
      'allow',
      'users',
    ],
    [
      'a user on another job',
      {
        servicePrincipalId: 'sp',
        jobId: 'job-2',
        body: userRequest({ ruleId: 'r', userId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8' }),
        caller,
      },
      'deny',
      '(otherwise)',
    ],
    [
      'a group',
      {
        servicePrincipalId: 'sp',
        jobId: 'job-1',
        body: groupRequest({
          ruleId: 'r',
          groupId: '8213fd99-d6b6-417b-8e13-af6334856215',
          memberIds: ['cbc86211-6ada-4803-b73f-8039cf56d8a2'],
        }),
        caller,
      },
      'require_approval',
      'groups',
    ],
    [
      'cloud sync (a rule written in upper case matches the canonical id)',
      {
        servicePrincipalId: 'c1c1c1c1-0000-4000-8000-00000000c10d',
        jobId: 'job-1',
        body: userRequest({ ruleId: 'r', userId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8' }),
        caller,
      },
      'require_approval',
      'cloud sync',
    ],
    [
      'an intern',
      {
        servicePrincipalId: 'sp',
        jobId: 'job-1',
        body: userRequest({ ruleId: 'r', userId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8' }),
        caller: { principal: 'intern', roles: ['requester' as const] },
      },
      'deny',
      'no deletes team',
    ],
  ])('%s → %s by %s', (_, request, decision, rule) => {
    expect(decide(policy, request)).toMatchObject({ decision, rule });
  });

  it('matches job and rule ids in any case, so another spelling cannot fall through to a looser rule', () => {
    const strict = policySchema.parse({
      rules: [
        { name: 'not this job', match: { job: ['Job.Secret'] }, decision: 'deny', reason: 'no' },
        { name: 'not this rule', match: { ruleId: ['R#V2'] }, decision: 'deny', reason: 'no' },
      ],
      otherwise: 'allow',
    });
    const ask = (jobId: string, ruleId: string) =>
      decide(strict, {
        servicePrincipalId: 'sp',
        jobId,
        body: userRequest({ ruleId, userId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8' }),
        caller,
      }).rule;
    expect(ask('job.secret', 'x')).toBe('not this job');
    expect(ask('other', 'r#v2')).toBe('not this rule');
    expect(ask('other', 'x')).toBe('(otherwise)');
  });

  it('refuses a service principal in the policy that is not an object id, naming the path', () => {
    const parsed = policySchema.safeParse({
      rules: [
        {
          name: 'x',
          match: { servicePrincipal: ['{C1C1C1C1-0000-4000-8000-00000000C10D}'] },
          decision: 'allow',
        },
      ],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['rules', 0, 'match', 'servicePrincipal', 0]);
  });

  it('refuses a require_approval rule without approvals, naming the path', () => {
    const parsed = policySchema.safeParse({ rules: [{ name: 'x', decision: 'require_approval' }] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['rules', 0, 'approvals']);
  });

  it('counts what a subject links: a user with two managers and a group owner is no single user', () => {
    const body = {
      parameters: [
        {
          ruleId: 'r',
          subjects: [
            {
              objectId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8',
              objectTypeName: 'User' as const,
              links: {
                manager: [
                  { objectId: 'cbc86211-6ada-4803-b73f-8039cf56d8a2', objectTypeName: 'User' as const },
                  { objectId: '2bc86211-6ada-4803-b73f-8039cf56d8a2', objectTypeName: 'User' as const },
                ],
                owners: [
                  { objectId: '8213fd99-d6b6-417b-8e13-af6334856215', objectTypeName: 'Group' as const },
                ],
              },
            },
          ],
        },
      ],
    };
    // Not the single-user rule's: four objects; and the group among them makes it the groups rule's.
    expect(decide(policy, { servicePrincipalId: 'sp', jobId: 'job-1', body, caller })).toMatchObject({
      decision: 'require_approval',
      rule: 'groups',
    });
    const withoutGroup = {
      parameters: [
        {
          ...body.parameters[0]!,
          subjects: [
            {
              ...body.parameters[0]!.subjects[0]!,
              links: { manager: body.parameters[0]!.subjects[0]!.links.manager },
            },
          ],
        },
      ],
    };
    expect(
      decide(policy, { servicePrincipalId: 'sp', jobId: 'job-1', body: withoutGroup, caller }),
    ).toMatchObject({
      decision: 'deny',
      rule: '(otherwise)',
    });
    expect(describeSubjects(body)).toBe('User 9bb0f679-a883-4a6f-8260-35b491b8b8c8 + 2 managers + 1 owner');
  });

  it('matches objectType on every object the request provisions: a group linked as an owner is a group', () => {
    const body = {
      parameters: [
        {
          ruleId: 'r',
          subjects: [
            {
              objectId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8',
              objectTypeName: 'User' as const,
              links: {
                owners: [
                  { objectId: '8213fd99-d6b6-417b-8e13-af6334856215', objectTypeName: 'Group' as const },
                ],
              },
            },
          ],
        },
      ],
    };
    expect(decide(policy, { servicePrincipalId: 'sp', jobId: 'job-1', body, caller })).toMatchObject({
      decision: 'require_approval',
      rule: 'groups',
    });
  });
});

describe('job actions in the policy', () => {
  const sp = 'c1c1c1c1-0000-4000-8000-00000000c10d';
  const jobs = policySchema.parse({
    rules: [
      { name: 'everything on this app', match: { servicePrincipal: [sp] }, decision: 'allow' },
      {
        name: 'restarts',
        match: { action: ['restart'] },
        decision: 'require_approval',
        approvals: { count: 1 },
      },
      { name: 'pause and start', match: { action: ['pause', 'start'], caller: ['ops'] }, decision: 'allow' },
    ],
  });

  it('matches a job action only with a rule that names it: a rule written for provisioning never lets a restart by', () => {
    expect(decide(jobs, { servicePrincipalId: sp, jobId: 'j', action: 'restart', caller })).toMatchObject({
      decision: 'require_approval',
      rule: 'restarts',
    });
    expect(decide(jobs, { servicePrincipalId: sp, jobId: 'j', action: 'pause', caller })).toMatchObject({
      decision: 'deny',
      rule: '(otherwise)',
    });
    expect(
      decide(jobs, {
        servicePrincipalId: sp,
        jobId: 'j',
        action: 'pause',
        caller: { principal: 'ops', roles: ['requester'] },
      }),
    ).toMatchObject({ decision: 'allow', rule: 'pause and start' });
    expect(
      decide(jobs, {
        servicePrincipalId: sp,
        jobId: 'j',
        body: userRequest({ ruleId: 'r', userId: '9bb0f679-a883-4a6f-8260-35b491b8b8c8' }),
        caller,
      }),
    ).toMatchObject({ decision: 'allow', rule: 'everything on this app' });
  });

  it('refuses a rule that asks a job action about subjects it does not have, naming the fix', () => {
    const parsed = policySchema.safeParse({
      rules: [{ name: 'odd', match: { action: ['restart'], objectType: ['Group'] }, decision: 'allow' }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/provisions no subjects.*write a rule of its own/);
    expect(parsed.error?.issues[0]?.path).toEqual(['rules', 0, 'match', 'action']);
  });
});
