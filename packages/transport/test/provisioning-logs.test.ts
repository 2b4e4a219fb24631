import { REPORTS_LIMIT, userRequest } from '@ondemand/core';
import { documentedIds as ids, READER_CLIENT_ID, type RunningSimulator } from '@ondemand/simulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collect, GraphRequestError } from '../src/index.js';
import { clientFor, control, startTestSimulator, TIME_SCALE } from './helpers.js';

let sim: RunningSimulator;
const reportsLimit = {
  limit: REPORTS_LIMIT.limit,
  windowMs: REPORTS_LIMIT.windowMs / TIME_SCALE,
  marginMs: 100,
};

beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(async () => {
  await control(sim, 'POST', '/reset');
  await control(sim, 'PATCH', '/logs', { visibilityDelayMs: 0 });
});

describe('provisioning logs and job health through GraphClient', () => {
  it('lists a user’s entries, decoded, and pages through many in the reports limit without a 429', async () => {
    const graph = clientFor(sim, { reportsLimit });
    await graph.provisionOnDemand(
      ids.saasServicePrincipal,
      ids.saasJob,
      userRequest({ ruleId: ids.saasRule, userId: ids.saasUser }),
    );
    const mine = await collect(graph.listProvisioningLogs({ sourceId: ids.saasUser }));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      jobId: ids.saasJob,
      verdict: 'alreadyInSync',
      advice: { code: 'RedundantExport' },
    });

    // Every assigned object of the SaaS app evaluated once: many entries, read two per page.
    await control(sim, 'POST', `/jobs/${ids.saasServicePrincipal}/${encodeURIComponent(ids.saasJob)}/cycle`);
    const { value } = await control(sim, 'GET', '/logs');
    const before = (await control(sim, 'GET', '/stats')).throttled ?? 0;
    const all = await collect(graph.listProvisioningLogs({}, { top: 2 }));
    expect(all).toHaveLength(value.length);
    expect(new Set(all.map((entry) => entry.id)).size).toBe(all.length);
    expect((await control(sim, 'GET', '/stats')).throttled ?? 0).toBe(before);
    await graph.close();
  });

  it('says which permission is missing when the app may not read logs', async () => {
    const reader = clientFor(sim, {
      clientId: READER_CLIENT_ID,
      clientSecret: sim.context.tenant.seed.clients.find((each) => each.clientId === READER_CLIENT_ID)!
        .secret!,
    });
    const error = await collect(reader.listProvisioningLogs({})).catch((caught) => caught);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/Grant the app AuditLog\.Read\.All/);
    await reader.close();
  });

  it('reads a job’s health, pauses, starts, restarts with a scope and tests the credentials', async () => {
    const graph = clientFor(sim);
    expect((await graph.getSynchronizationJob(ids.saasServicePrincipal, ids.saasJob)).health).toBe('active');
    await graph.pauseJob(ids.saasServicePrincipal, ids.saasJob);
    expect((await graph.getSynchronizationJob(ids.saasServicePrincipal, ids.saasJob)).health).toBe('paused');
    await graph.startJob(ids.saasServicePrincipal, ids.saasJob);
    await graph.restartJob(ids.saasServicePrincipal, ids.saasJob, 'Watermark');
    const job = await graph.getSynchronizationJob(ids.saasServicePrincipal, ids.saasJob);
    expect(job).toMatchObject({ health: 'active', lastExecution: { state: 'Succeeded' } });

    await control(
      sim,
      'PATCH',
      `/jobs/${ids.saasServicePrincipal}/${encodeURIComponent(ids.saasJob)}/steering`,
      {
        credentialsExpired: true,
      },
    );
    const refused = await graph
      .validateJobCredentials(ids.saasServicePrincipal, ids.saasJob)
      .catch((caught) => caught);
    expect(refused).toBeInstanceOf(GraphRequestError);
    expect(refused.details.graphCode).toBe(
      'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable',
    );
    await expect(graph.restartJob(ids.saasServicePrincipal, ids.saasJob, 'Bogus')).rejects.toThrow(/'Bogus'/);
    await graph.close();
  });
});
