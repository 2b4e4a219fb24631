import {
  decodeProvisioningLogs,
  decodeProvisionResponse,
  decodeSynchronizationJob,
  userRequest,
} from '@ondemand/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  demoSeed,
  documentedIds as ids,
  READER_CLIENT_ID,
  type RunningSimulator,
  startSimulator,
} from '../src/index.js';
import { simClient } from './sim-client.js';

// Real time (timeScale 1): the reports limit is Graph's own; cycles and back-offs are reached by
// moving the simulator's clock, never by waiting.
let sim: RunningSimulator;
let client: ReturnType<typeof simClient>;
const HOUR = 3_600_000;
const jobPath = `/servicePrincipals/${ids.saasServicePrincipal}/synchronization/jobs/${encodeURIComponent(ids.saasJob)}`;
const steering = `/jobs/${ids.saasServicePrincipal}/${encodeURIComponent(ids.saasJob)}/steering`;

beforeAll(async () => {
  const seed = demoSeed();
  // The SaaS app refuses users without a department (the required-attribute failure).
  const mapping = seed.servicePrincipals.find((sp) => sp.id === ids.saasServicePrincipal)!.jobs[0]!.rules[0]!
    .objectMappings[0]!;
  mapping.attributeMappings.find((each) => each.target.endsWith(':department'))!.required = true;
  sim = await startSimulator({ seed });
  client = simClient(sim);
});
afterAll(async () => {
  await client.close();
  await sim.stop();
});
beforeEach(async () => {
  await client.control('POST', '/reset');
  await client.control('PATCH', '/logs', { visibilityDelayMs: 0 });
});

async function provision(userId: string) {
  return client.graph('POST', `${jobPath}/provisionOnDemand`, {
    body: userRequest({ ruleId: ids.saasRule, userId }),
  });
}
async function logs(query = '') {
  return client.graph('GET', `/auditLogs/provisioning${query}`);
}
async function job() {
  return decodeSynchronizationJob((await client.graph('GET', jobPath)).json);
}
/** Moves the clock on; the cycles of the SaaS app's job that ran. */
async function advance(ms: number): Promise<Array<{ full: boolean; processed: number }>> {
  const { cycles } = (await client.control('POST', '/clock', { advanceMs: ms })).json;
  return cycles.filter((cycle: { jobId: string }) => cycle.jobId === ids.saasJob);
}
async function assignedUserWith(department: string | undefined) {
  const users = (await client.graph('GET', '/users?$top=999')).json.value as Array<{
    id: string;
    department?: string;
  }>;
  const assigned = new Set(sim.context.tenant.servicePrincipals.get(ids.saasServicePrincipal)!.assignedTo);
  return users.find(
    (user) => assigned.has(user.id) && (department === undefined || user.department === department),
  )!;
}

describe('provisioning logs', () => {
  it('records an on-demand call as a v1.0 provisioningObjectSummary, readable once Graph would have written it', async () => {
    await client.control('PATCH', '/logs', { visibilityDelayMs: 2 * 60_000 });
    expect((await provision(ids.saasUser)).status).toBe(200);
    expect((await logs()).json.value).toEqual([]);
    await advance(2 * 60_000);
    const page = (await logs()).json;
    expect(page['@odata.context']).toMatch(/\$metadata#auditLogs\/provisioning$/);
    const [entry] = page.value;
    expect(entry).toMatchObject({
      jobId: ids.saasJob,
      provisioningAction: 'other',
      servicePrincipal: { id: ids.saasServicePrincipal },
      sourceIdentity: { id: ids.saasUser, identityType: 'User' },
      initiatedBy: { initiatorType: 'application', displayName: 'ondemand demo' },
      provisioningStatusInfo: { status: 'skipped', errorInformation: { errorCode: 'RedundantExport' } },
    });
    expect(
      entry.provisioningSteps.map((step: { provisioningStepType: string }) => step.provisioningStepType),
    ).toEqual(['import', 'matching', 'scoping', 'export']);
    // What core reads of it: the same verdict as the on-demand answer.
    expect(decodeProvisioningLogs(page)[0]).toMatchObject({ verdict: 'alreadyInSync', retry: 'none' });
  });

  it('filters as documented (eq, contains, activityDateTime gt, and; case-sensitive but for status), pages with nextLink, and the beta adds action and statusInfo', async () => {
    const other = await assignedUserWith(undefined);
    await provision(ids.saasUser);
    await provision(other.id);
    const mine = (
      await logs(
        `?$filter=${encodeURIComponent(`sourceIdentity/id eq '${ids.saasUser}' and provisioningStatusInfo/status eq 'SKIPPED'`)}`,
      )
    ).json;
    expect(mine.value).toHaveLength(1);
    const named = mine.value[0].sourceIdentity.displayName as string;
    const cased = (
      await logs(
        `?$filter=${encodeURIComponent(`contains(sourceIdentity/displayName, '${named.toUpperCase()}')`)}`,
      )
    ).json;
    expect(cased.value).toHaveLength(0);
    const first = (await logs('?$top=1')).json;
    expect(first.value).toHaveLength(1);
    expect(new URL(first['@odata.nextLink']).searchParams.get('$skiptoken')).toBeTruthy();
    const next = await client.graph(
      'GET',
      new URL(first['@odata.nextLink']).pathname.replace(/^\/v1\.0/, '') +
        new URL(first['@odata.nextLink']).search,
    );
    expect(next.json.value[0].id).not.toBe(first.value[0].id);
    expect(next.json['@odata.nextLink']).toBeUndefined();

    const { access_token } = (await client.token()).json;
    const beta = await client.call(
      'GET',
      `/beta/auditLogs/provisioning?$filter=${encodeURIComponent(`activityDateTime gt 2020-01-01T00:00:00Z`)}`,
      {
        headers: { authorization: `Bearer ${access_token}` },
      },
    );
    expect(beta.json.value).toHaveLength(2);
    expect(beta.json.value[0]).toMatchObject({
      action: expect.any(String),
      statusInfo: { status: expect.any(String) },
    });
  });

  it('refuses an unknown property, or or, with Graph’s 400', async () => {
    for (const filter of ["userPrincipalName eq 'x'", "jobId eq 'a' or jobId eq 'b'"]) {
      const answer = await logs(`?$filter=${encodeURIComponent(filter)}`);
      expect(answer.status, filter).toBe(400);
      expect(answer.json.error.code).toBe('Request_UnsupportedQuery');
    }
  });

  it('needs AuditLog.Read.All, and keeps Graph’s reports limit: 5 requests in 10 s per app, then 429 with Retry-After', async () => {
    const reader = (
      await client.token(
        READER_CLIENT_ID,
        sim.context.tenant.seed.clients.find((each) => each.clientId === READER_CLIENT_ID)!.secret!,
      )
    ).json.access_token;
    const denied = await client.graph('GET', '/auditLogs/provisioning', { accessToken: reader });
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toBe('Authorization_RequestDenied');

    const statuses: number[] = [];
    let retryAfter: string | string[] | undefined;
    for (let index = 0; index < 6; index++) {
      const answer = await logs();
      statuses.push(answer.status);
      retryAfter ??= answer.headers['retry-after'];
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('keeps entries for the retention window only', async () => {
    await provision(ids.saasUser);
    await advance(31 * 24 * HOUR);
    expect((await logs()).json.value).toEqual([]);
  });
});

describe('directory reads an onboarding needs', () => {
  it('lists a user’s direct app role assignments and groups, and a group’s assignments', async () => {
    const direct = (await client.graph('GET', `/users/${ids.saasUser}/appRoleAssignments`)).json.value;
    expect(direct.map((each: { resourceId: string }) => each.resourceId)).toContain(ids.saasServicePrincipal);
    expect(direct[0]).toMatchObject({
      principalId: ids.saasUser,
      principalType: 'User',
      appRoleId: '00000000-0000-0000-0000-000000000000',
    });
    const groups = (await client.graph('GET', `/users/${ids.saasUser}/memberOf`)).json.value;
    for (const group of groups) expect(group['@odata.type']).toBe('#microsoft.graph.group');
    const assignedGroup = sim.context.tenant.servicePrincipals
      .get(ids.saasServicePrincipal)!
      .assignedTo.find((id) => sim.context.tenant.groups.get(id))!;
    const viaGroup = (await client.graph('GET', `/groups/${assignedGroup}/appRoleAssignments`)).json.value;
    expect(viaGroup[0]).toMatchObject({ principalType: 'Group', resourceId: ids.saasServicePrincipal });
    expect((await client.graph('GET', '/users/nobody@contoso.com/appRoleAssignments')).status).toBe(404);
  });
});

describe('job health and cycles', () => {
  it('starts in steady state: Active, Graph’s placeholders for no run yet, the next cycle 40 minutes away', async () => {
    const raw = (await client.graph('GET', jobPath)).json;
    expect(raw.status.lastExecution.timeBegan).toBe('0001-01-01T00:00:00Z');
    expect(raw.status.lastExecution.error.code).toBe('None');
    expect(raw.schedule).toMatchObject({ state: 'Active', interval: 'PT40M' });
    expect(await job()).toMatchObject({ health: 'active', lastExecution: null, quarantine: null });
  });

  it('runs the regular cycle every 40 minutes on its clock, looking only at what changed, and logs it as the service’s', async () => {
    const user = await assignedUserWith('Sales');
    await client.control('PATCH', `/users/${user.id}`, { jobTitle: 'x', displayName: 'Renamed By HR' });
    expect(await advance(39 * 60_000)).toEqual([]);
    const cycles = await advance(60_000);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatchObject({ full: false, processed: 1 });
    const page = (await logs(`?$filter=${encodeURIComponent(`jobId eq '${ids.saasJob}'`)}`)).json;
    const entries = decodeProvisioningLogs(page);
    expect(entries).toHaveLength(1);
    // The demo target holds few of the assigned users: the changed one is created there.
    expect(entries[0]).toMatchObject({
      action: 'create',
      verdict: 'applied',
      sourceIdentity: { id: user.id },
    });
    expect(page.value[0].initiatedBy.displayName).toBe('Azure AD Provisioning Service');
    expect((await job()).lastExecution).toMatchObject({
      state: 'Succeeded',
      countImported: 1,
      countExported: 1,
    });
  });

  it('skips a user without a value the target requires, naming the attribute (AttributeValidationFailed)', async () => {
    const user = await assignedUserWith('Sales');
    await client.control('PATCH', `/users/${user.id}`, { department: '' });
    await client.control(
      'POST',
      `/jobs/${ids.saasServicePrincipal}/${encodeURIComponent(ids.saasJob)}/cycle`,
    );
    const [entry] = decodeProvisioningLogs(
      (await logs(`?$filter=${encodeURIComponent(`jobId eq '${ids.saasJob}'`)}`)).json,
    );
    expect(entry).toMatchObject({
      status: 'skipped',
      errorCode: 'AttributeValidationFailed',
      verdict: 'notProvisioned',
    });
    expect(entry!.additionalDetails).toMatch(/department/);
  });

  it('quarantines a job whose credentials expired, retries at 6 h then 12 h, and a restart clearing the quarantine after the fix makes it active', async () => {
    await client.control('PATCH', steering, { credentialsExpired: true });
    await advance(40 * 60_000);
    const quarantined = await job();
    expect(quarantined).toMatchObject({
      health: 'quarantined',
      quarantine: {
        reason: 'EncounteredQuarantineException',
        seriesCount: 1,
        error: { tenantActionable: true },
      },
    });
    expect(
      Date.parse(quarantined.quarantine!.nextAttempt!) - Date.parse(quarantined.quarantine!.since!),
    ).toBe(6 * HOUR);
    expect((await client.graph('POST', `${jobPath}/validateCredentials`, { body: {} })).status).toBe(400);

    await advance(6 * HOUR);
    const again = await job();
    expect(again.quarantine).toMatchObject({ seriesCount: 2 });
    expect(Date.parse(again.quarantine!.nextAttempt!) - Date.parse(again.quarantine!.since!)).toBe(12 * HOUR);

    await client.control('PATCH', steering, { credentialsExpired: false });
    expect((await client.graph('POST', `${jobPath}/validateCredentials`, { body: {} })).status).toBe(204);
    const restarted = await client.graph('POST', `${jobPath}/restart`, {
      body: { criteria: { resetScope: 'QuarantineState, Watermark' } },
    });
    expect(restarted.status).toBe(204);
    expect(await job()).toMatchObject({
      health: 'active',
      quarantine: null,
      lastExecution: { state: 'Succeeded' },
    });
  });

  it('fails an on-demand export while the app refuses the credentials, as the cycle does', async () => {
    await client.control('PATCH', steering, { credentialsExpired: true });
    const answer = decodeProvisionResponse((await provision(ids.saasUser)).json);
    expect(answer).toMatchObject({
      result: 'Failure',
      details: { errorCode: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable' },
    });
    await client.control('PATCH', steering, { credentialsExpired: false });
    expect(decodeProvisionResponse((await provision(ids.saasUser)).json).result).toBe('Skipped');
  });

  it('quarantines a job when a cycle’s failures pass the escrow threshold, and retries the failures next cycle', async () => {
    await client.control('PATCH', steering, {
      exportFault: 'Timeout',
      thresholds: { total: 3, proportion: 1 },
    });
    const restart = await client.graph('POST', `${jobPath}/restart`, {
      body: { criteria: { resetScope: 'Watermark' } },
    });
    expect(restart.status).toBe(204);
    const state = await job();
    expect(state.quarantine?.reason).toBe('EncounteredTotalEscrowThreshold');
    const failures = decodeProvisioningLogs(
      (await logs(`?$filter=${encodeURIComponent("provisioningStatusInfo/status eq 'failure'")}`)).json,
    );
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures[0]).toMatchObject({ errorCode: 'Timeout', verdict: 'failed', retry: 'automatic' });
  });

  it('pauses (no cycles while paused) and starts; accepts the restart scopes Microsoft marks "do not use", refuses unknown ones', async () => {
    expect((await client.graph('POST', `${jobPath}/pause`)).status).toBe(204);
    expect(await advance(2 * HOUR)).toEqual([]);
    expect((await job()).health).toBe('paused');
    expect((await client.graph('POST', `${jobPath}/start`)).status).toBe(204);
    expect((await job()).health).toBe('active');
    const none = await client.graph('POST', `${jobPath}/restart`, {
      body: { criteria: { resetScope: 'None, ConnectorDataStore' } },
    });
    expect(none.status).toBe(204);
    const bad = await client.graph('POST', `${jobPath}/restart`, {
      body: { criteria: { resetScope: 'Everything' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/'Everything'/);
  });

  it('needs a provisioning permission for job actions', async () => {
    const reader = (
      await client.token(
        READER_CLIENT_ID,
        sim.context.tenant.seed.clients.find((each) => each.clientId === READER_CLIENT_ID)!.secret!,
      )
    ).json.access_token;
    const answer = await client.graph('POST', `${jobPath}/pause`, { accessToken: reader });
    expect(answer.status).toBe(403);
    expect((await job()).health).toBe('active');
  });
});
