import { decodeProvisionResponse, distinguishedNameRequest, groupRequest, userRequest } from '@ondemand/core';
import { documentedExamples } from '@ondemand/test-utils';
import { describe, expect, it } from 'vitest';
import { documentedIds as ids } from '../seed/default-seed.js';
import { demoSeed } from '../seed/load-seed.js';
import { Tenant } from '../tenant.js';
import { ProvisionEngine, ProvisionRequestError } from './provision-engine.js';

function setup() {
  const tenant = new Tenant(demoSeed());
  const engine = new ProvisionEngine(tenant);
  const run = (spId: string, jobId: string, body: Parameters<ProvisionEngine['provision']>[1]) =>
    decodeProvisionResponse(engine.provision(tenant.job(spId, jobId)!, body).answer);
  return { tenant, engine, run };
}

function idsFromUrl(url: string) {
  const match = /servicePrincipals\/([^/]+)\/synchronization\/jobs\/([^/]+)\/provisionOnDemand/.exec(url)!;
  return [match[1]!, match[2]!] as const;
}

describe('ProvisionEngine', () => {
  it.each(documentedExamples().map((example) => [example.file, example]))(
    'answers documented %s with the documented result and action',
    (_, example) => {
      const { run } = setup();
      const [spId, jobId] = idsFromUrl(example.request.url);
      const answer = run(spId, jobId, example.request.body as never);
      const documented = decodeProvisionResponse(example.response.body);
      expect(answer.result).toBe(documented.result);
      expect(answer.report.action).toBe(documented.report.action);
      expect(answer.details.errorCode).toBe(documented.details.errorCode);
      expect(answer.report.provisioningSteps?.map((step) => [step.type, step.name, step.status])).toEqual(
        documented.report.provisioningSteps?.map((step) => [step.type, step.name, step.status]),
      );
    },
  );

  it('never answers Success for a group sent with a rule that maps only users, and creates nothing', () => {
    const { tenant, run } = setup();
    const targetBefore = tenant.job(ids.saasServicePrincipal, ids.saasJob)!.target.size;
    const answer = run(
      ids.saasServicePrincipal,
      ids.saasJob,
      groupRequest({ ruleId: ids.saasRule, groupId: ids.group, memberIds: [...ids.groupMembers] }),
    );
    expect(answer.result).toBe('Skipped');
    expect(answer.details).toMatchObject({
      errorCode: 'ObjectTypeNotMapped',
      errorMessage: 'The rule does not provision Group objects; it provisions User.',
    });
    expect(tenant.job(ids.saasServicePrincipal, ids.saasJob)!.target.size).toBe(targetBefore);
  });

  it('answers a group call with the group’s own skip when the group is not provisioned', () => {
    const { tenant, run } = setup();
    const sp = tenant.servicePrincipals.get(ids.groupServicePrincipal)!;
    sp.assignedTo = sp.assignedTo.filter((id) => id !== ids.group);
    const answer = run(
      ids.groupServicePrincipal,
      ids.groupJob,
      groupRequest({ ruleId: ids.groupRule, groupId: ids.group }),
    );
    expect(answer).toMatchObject({ result: 'Skipped', details: { errorCode: 'NotEffectivelyEntitled' } });
  });

  it('says to check the distinguished name, not an object id, for an AD user it cannot find', () => {
    const { run } = setup();
    const answer = run(
      ids.cloudSyncServicePrincipal,
      ids.cloudSyncJob,
      distinguishedNameRequest({
        ruleId: ids.cloudSyncRule,
        distinguishedName: 'CN=Nobody,CN=Users,DC=corp,DC=chicago,DC=com',
      }),
    );
    expect(answer.details.errorCode).toBe('SourceObjectNotFound');
    expect(answer.report.statusInfo?.recommendedAction).toMatch(
      /^Check that the distinguished name is right/,
    );
  });

  it('creates a user, skips it unchanged, then updates only what changed', () => {
    const { tenant, run } = setup();
    const user = [...tenant.users.values()][0]!;
    const body = userRequest({ ruleId: ids.saasRule, userId: user.id });
    const created = run(ids.saasServicePrincipal, ids.saasJob, body);
    expect(created.result).toBe('Success');
    expect(created.report.action).toBe('Create');
    expect(
      created.report.modifiedProperties?.find((each) => each.displayName === 'displayName'),
    ).toMatchObject({ oldValue: null, newValue: user.displayName });

    const again = run(ids.saasServicePrincipal, ids.saasJob, body);
    expect(again).toMatchObject({ result: 'Skipped', details: { errorCode: 'RedundantExport' } });

    tenant.users.set(user.id, { ...user, displayName: 'Renamed Person' });
    const updated = run(ids.saasServicePrincipal, ids.saasJob, body);
    expect(updated.report.action).toBe('Update');
    expect(updated.report.modifiedProperties).toEqual([
      { displayName: 'displayName', oldValue: user.displayName, newValue: 'Renamed Person' },
    ]);
  });

  it('skips a user that is not assigned, or outside the scoping filter, and says why', () => {
    const { tenant, run } = setup();
    const unassigned = [...tenant.users.values()].find(
      (user) =>
        user.department !== 'Sales' &&
        !tenant.servicePrincipals.get(ids.saasServicePrincipal)!.assignedTo.includes(user.id),
    )!;
    const skipped = run(
      ids.saasServicePrincipal,
      ids.saasJob,
      userRequest({ ruleId: ids.saasRule, userId: unassigned.id }),
    );
    expect(skipped.result).toBe('Skipped');
    expect(skipped.details.errorCode).toBe('NotEffectivelyEntitled');
    expect(skipped.report.statusInfo?.recommendedAction).toMatch(/Assign the user/);

    const salesUser = [...tenant.users.values()].find(
      (user) => user.department === 'Sales' && user.accountEnabled,
    )!;
    const github = run(
      ids.githubServicePrincipal,
      ids.githubJob,
      userRequest({ ruleId: ids.githubRule, userId: salesUser.id }),
    );
    expect(github.details.errorCode).toBe('NotEffectivelyEntitled');
    expect(github.details.errorMessage).toMatch(/scoping filter/);
  });

  it('reads object ids in any case, as Graph does: an upper-case GUID finds the user', () => {
    const { run } = setup();
    const lower = run(
      ids.saasServicePrincipal,
      ids.saasJob,
      userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
    );
    const upper = run(
      ids.saasServicePrincipal.toUpperCase(),
      ids.saasJob,
      userRequest({ ruleId: ids.saasRule, userId: ids.saasUser.toUpperCase() }),
    );
    expect(upper.details.errorCode).not.toBe('SourceObjectNotFound');
    expect({ result: upper.result, errorCode: upper.details.errorCode }).toEqual({
      result: lower.result,
      errorCode: lower.details.errorCode,
    });
  });

  it('skips an object that does not exist', () => {
    const { run } = setup();
    const missing = run(
      ids.saasServicePrincipal,
      ids.saasJob,
      userRequest({ ruleId: ids.saasRule, userId: '00000000-0000-0000-0000-000000000000' }),
    );
    expect(missing).toMatchObject({ result: 'Skipped', details: { errorCode: 'SourceObjectNotFound' } });
  });

  it('syncs an AD user with an escaped comma in its name, and keeps contractors out of scope', () => {
    const { tenant, run } = setup();
    const staff = [...tenant.adUsers.values()].find((user) => user.distinguishedName.includes('OU=Staff'))!;
    const created = run(
      ids.cloudSyncServicePrincipal,
      ids.cloudSyncJob,
      distinguishedNameRequest({ ruleId: ids.cloudSyncRule, distinguishedName: staff.distinguishedName }),
    );
    expect(created.report.action).toBe('Create');
    const contractor = [...tenant.adUsers.values()].find((user) => user.distinguishedName.includes('\\,'))!;
    const out = run(
      ids.cloudSyncServicePrincipal,
      ids.cloudSyncJob,
      distinguishedNameRequest({
        ruleId: ids.cloudSyncRule,
        distinguishedName: contractor.distinguishedName,
      }),
    );
    expect(out.details.errorCode).toBe('NotEffectivelyEntitled');
  });

  it('provisions a group and each member into the target', () => {
    const { tenant, run } = setup();
    const answer = run(
      ids.groupServicePrincipal,
      ids.groupJob,
      groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [...ids.groupMembers] }),
    );
    expect(answer.result).toBe('Success');
    const target = [...tenant.job(ids.groupServicePrincipal, ids.groupJob)!.target.values()];
    expect(target.map((object) => object.objectType).sort()).toEqual(['Group', 'User', 'User']);
  });

  it('fails a member that is not in the group', () => {
    const { tenant, run } = setup();
    const outsider = [...tenant.users.values()].find(
      (user) => !tenant.groups.get(ids.group)!.members.includes(user.id),
    )!;
    const answer = run(
      ids.groupServicePrincipal,
      ids.groupJob,
      groupRequest({ ruleId: ids.groupRule, groupId: ids.group, memberIds: [outsider.id] }),
    );
    expect(answer).toMatchObject({ result: 'Failure', details: { errorCode: 'MemberNotInGroup' } });
  });

  it('takes back a user provisioned and then unassigned: disabled in the target once, then skipped', () => {
    const { tenant, run } = setup();
    const sp = tenant.servicePrincipals.get(ids.saasServicePrincipal)!;
    const user = [...tenant.users.values()].find(
      (each) =>
        sp.assignedTo.includes(each.id) &&
        each.id !== ids.saasUser &&
        each.department &&
        // assigned directly only: through a group it would stay entitled
        !tenant.groupsOf(each.id).some((group) => sp.assignedTo.includes(group.id)),
    )!;
    const body = userRequest({ ruleId: ids.saasRule, userId: user.id });
    expect(run(ids.saasServicePrincipal, ids.saasJob, body).report.action).toBe('Create');
    sp.assignedTo = sp.assignedTo.filter((id) => id !== user.id);
    const taken = run(ids.saasServicePrincipal, ids.saasJob, body);
    expect(taken.result).toBe('Success');
    expect(taken.report.action).toBe('Disable');
    expect(taken.report.modifiedProperties).toEqual([
      { displayName: 'active', oldValue: 'True', newValue: 'False' },
    ]);
    const again = run(ids.saasServicePrincipal, ids.saasJob, body);
    expect([again.result, again.details.errorCode]).toEqual(['Skipped', 'NotEffectivelyEntitled']);
  });

  it('refuses an unknown rule id as Graph does', () => {
    const { engine, tenant } = setup();
    const job = tenant.job(ids.saasServicePrincipal, ids.saasJob)!;
    expect(() =>
      engine.provision(
        job,
        userRequest({ ruleId: 'ea807875-5618-4f0a-9125-0b46a05298ca#V2', userId: ids.saasUser }),
      ),
    ).toThrow(ProvisionRequestError);
  });
});
