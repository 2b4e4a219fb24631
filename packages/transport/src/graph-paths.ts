import type { ApiVersion, JobAction } from '@ondemand/core';

/**
 * A job's path under Graph's root, exactly as it is sent: ids encoded, never validated as GUIDs
 * (job ids are not: `gitHubEnterpriseCloud.6855….16d1…`).
 */
export function jobPath(servicePrincipalId: string, jobId: string, apiVersion: ApiVersion = 'v1.0'): string {
  return `/${apiVersion}/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/synchronization/jobs/${encodeURIComponent(jobId)}`;
}

/** The provisionOnDemand path of a job, as it is sent (what an approver approves is what runs). */
export function provisionOnDemandPath(
  servicePrincipalId: string,
  jobId: string,
  apiVersion: ApiVersion = 'v1.0',
): string {
  return `${jobPath(servicePrincipalId, jobId, apiVersion)}/provisionOnDemand`;
}

/** A job action's path (`…/jobs/{id}/restart`), as it is sent. */
export function jobActionPath(
  servicePrincipalId: string,
  jobId: string,
  action: JobAction,
  apiVersion: ApiVersion = 'v1.0',
): string {
  return `${jobPath(servicePrincipalId, jobId, apiVersion)}/${action}`;
}
