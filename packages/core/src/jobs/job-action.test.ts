import { describe, expect, it } from 'vitest';
import { describeJobAction, jobCallOfPath, validateJobActionBody } from './job-action.js';

describe('validateJobActionBody', () => {
  it('takes start and pause with no body, or {}, and refuses anything in it', () => {
    expect(validateJobActionBody('start', undefined)).toEqual({ ok: true, value: {} });
    expect(validateJobActionBody('pause', {})).toEqual({ ok: true, value: {} });
    const refused = validateJobActionBody('pause', { criteria: {} });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.issues[0]!.message).toMatch(/take no body/);
  });

  it('spells a restart scope as Graph names its flags, and an empty one as the portal’s restart', () => {
    expect(validateJobActionBody('restart', { criteria: { resetScope: ' watermark , escrows' } })).toEqual({
      ok: true,
      value: { criteria: { resetScope: 'Watermark,Escrows' } },
    });
    expect(validateJobActionBody('restart', { criteria: { resetScope: '' } })).toEqual({
      ok: true,
      value: {},
    });
    expect(validateJobActionBody('restart', undefined)).toEqual({ ok: true, value: {} });
  });

  it('refuses unknown flags and the two Microsoft documents as DO NOT USE, naming them', () => {
    const unknown = validateJobActionBody('restart', { criteria: { resetScope: 'Watermark,Everything' } });
    expect(unknown).toMatchObject({ ok: false, issues: [{ path: 'criteria.resetScope' }] });
    if (!unknown.ok) expect(unknown.issues[0]!.message).toMatch(/"Everything" is not a restart flag/);
    const doNotUse = validateJobActionBody('restart', {
      criteria: { resetScope: 'None,ConnectorDataStore' },
    });
    expect(doNotUse.ok).toBe(false);
    if (!doNotUse.ok)
      expect(doNotUse.issues.map((issue) => issue.message)).toEqual([
        expect.stringMatching(/^None .*DO NOT USE: use start instead/),
        expect.stringMatching(/^ConnectorDataStore .*Microsoft Support/),
      ]);
  });

  it('tests only saved credentials: credentials in the body are refused, never passed on', () => {
    expect(validateJobActionBody('validateCredentials', { useSavedCredentials: true })).toEqual({
      ok: true,
      value: { useSavedCredentials: true },
    });
    const withSecret = validateJobActionBody('validateCredentials', {
      useSavedCredentials: false,
      credentials: [{ key: 'SecretToken', value: 'hunter2' }],
    });
    expect(withSecret.ok).toBe(false);
    if (!withSecret.ok) {
      expect(withSecret.issues.map((issue) => issue.message).join('\n')).toMatch(/save them on the job/);
      expect(JSON.stringify(withSecret.issues)).not.toContain('hunter2');
    }
  });
});

describe('describeJobAction and jobCallOfPath', () => {
  it('names a restart with its scope and reads the action off a path', () => {
    expect(describeJobAction('restart', { criteria: { resetScope: 'Watermark' } })).toBe('restart Watermark');
    expect(describeJobAction('restart', {})).toMatch(/default scope/);
    expect(describeJobAction('pause', {})).toBe('pause');
    expect(jobCallOfPath('/v1.0/servicePrincipals/x/synchronization/jobs/a%2Fb/restart')).toEqual({
      servicePrincipalId: 'x',
      jobId: 'a/b',
      operation: 'restart',
    });
    expect(jobCallOfPath('/beta/servicePrincipals/x/synchronization/jobs/j/provisionOnDemand')).toMatchObject(
      {
        operation: 'provisionOnDemand',
      },
    );
    expect(jobCallOfPath('/v1.0/servicePrincipals/x/synchronization/jobs/j/schema')).toBeUndefined();
    expect(jobCallOfPath('/v1.0/servicePrincipals/%E0%A4%A/synchronization/jobs/j/start')).toBeUndefined();
  });
});
