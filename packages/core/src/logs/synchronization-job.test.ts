import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readProvisioningDocument } from './provisioning-document.js';
import { decodeSynchronizationJob } from './synchronization-job.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../fixtures/logs/${name}`, import.meta.url), 'utf8'));

describe('a synchronization job, with Graph’s placeholders read as none', () => {
  it('reads a never-run job: the TimeSpan.MaxValue interval, 0001-01-01 times and error None are null', () => {
    const job = decodeSynchronizationJob(fixture('job-never-run.json'));
    expect(job).toMatchObject({
      kind: 'synchronizationJob',
      templateId: 'gitHubEnterpriseCloud',
      health: 'notRun',
      schedule: { state: 'Disabled', interval: null },
      quarantine: null,
      lastExecution: null,
      // A run made only of placeholders is no run at all.
      lastSuccessfulExecution: null,
      steadyState: { firstAchieved: null, lastAchieved: null },
    });
  });

  it('reads a quarantined job: reason, since, next attempt, series count and the tenant-actionable error', () => {
    const job = decodeSynchronizationJob(fixture('job-quarantined.json'));
    expect(job.health).toBe('quarantined');
    expect(job.schedule).toEqual({ state: 'Active', interval: 'PT40M' });
    expect(job.quarantine).toEqual({
      reason: 'EncounteredQuarantineException',
      since: '2024-03-05T06:00:04Z',
      nextAttempt: '2024-03-05T12:00:04Z',
      seriesBegan: '2024-03-05T06:00:04Z',
      seriesCount: 1,
      error: {
        code: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable',
        message: 'The credentials for the target app were not valid.',
        tenantActionable: true,
      },
    });
    expect(job.lastExecution).toMatchObject({
      state: 'Failed',
      began: '2024-03-05T06:00:00Z',
      countImported: 12,
    });
    // "None" is no error.
    expect(job.lastSuccessfulExecution?.error).toBeNull();
  });

  it('reads PowerShell’s ConvertTo-Json: Pascal case and the interval as a TimeSpan object', () => {
    const job = decodeSynchronizationJob({
      Id: 'job-1',
      TemplateId: 'scim',
      Schedule: { Interval: { Ticks: 24_000_000_000, Days: 0, Hours: 0, Minutes: 40 }, State: 'Active' },
      Status: { Code: 'Paused', Quarantine: null },
    });
    expect(job).toMatchObject({
      id: 'job-1',
      health: 'paused',
      schedule: { state: 'Active', interval: 'PT40M' },
    });
    const never = decodeSynchronizationJob({
      id: 'job-2',
      schedule: { interval: { Ticks: '9223372036854775807' } },
      status: { code: 'NotConfigured' },
    });
    expect(never).toMatchObject({ health: 'notConfigured', schedule: { interval: null } });
  });

  it('reads a page of jobs as jobs', () => {
    const document = readProvisioningDocument({
      value: [fixture('job-never-run.json'), fixture('job-quarantined.json')],
    });
    expect(document?.kind).toBe('synchronizationJobs');
  });
});
