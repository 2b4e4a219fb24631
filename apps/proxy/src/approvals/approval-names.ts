import type { ApiVersion, JobAction, ProvisionOnDemandRequest } from '@ondemand/core';
import { collect, type GraphClient } from '@ondemand/transport';
import type { ProxyRead } from '../graph/subject-check.js';
import type { DirectoryEntry } from '../graph/subject-directory.js';
import type { ApprovalNames } from './approval.js';

/**
 * The names an approver reads next to the ids: the app, the job, each rule, and each subject and
 * member (already looked up for the type check). Graph reads; any that fails leaves its name out
 * (`null`) rather than holding up the request: the ids are what runs. The reads are given back for
 * the audit entry of the decision they were made for.
 */
export async function namesForApprovers(
  graph: GraphClient,
  target: {
    servicePrincipalId: string;
    jobId: string;
    apiVersion: ApiVersion;
  } & ({ action?: undefined; body: ProvisionOnDemandRequest } | { action: JobAction }),
  objects: Map<string, DirectoryEntry>,
): Promise<{ names: ApprovalNames; reads: ProxyRead[] }> {
  const options = { apiVersion: target.apiVersion };
  const sp = `/servicePrincipals/${target.servicePrincipalId}`;
  const parameters = target.action ? [] : target.body.parameters;
  const calls = [
    `GET ${sp}`,
    `GET ${sp}/synchronization/jobs`,
    // The rules' names, when there are rules (a job action has none).
    ...(parameters.length > 0 ? [`GET ${sp}/synchronization/jobs/${target.jobId}/schema`] : []),
  ];
  const failed = new Set<string>();
  const read = <T>(call: string, work: Promise<T>, otherwise: T): Promise<T> =>
    work.catch(() => {
      failed.add(call);
      return otherwise;
    });
  const [servicePrincipal, job, schema] = await Promise.all([
    read(
      calls[0]!,
      graph
        .getServicePrincipal(target.servicePrincipalId, options)
        .then((found) => found.displayName ?? null),
      null,
    ),
    read(
      calls[1]!,
      collect(graph.listSynchronizationJobs(target.servicePrincipalId, options)).then(
        (jobs) => jobs.find((each) => each.id === target.jobId)?.templateId ?? null,
      ),
      null,
    ),
    calls[2]
      ? read(
          calls[2],
          graph.getSynchronizationSchema(target.servicePrincipalId, target.jobId, options),
          undefined,
        )
      : undefined,
  ]);
  const reads: ProxyRead[] = calls.map((call) => ({
    call,
    for: 'the names approvers read',
    ...(failed.has(call) ? { failed: true as const } : {}),
  }));
  const rules = Object.fromEntries(
    parameters.map(({ ruleId }) => [
      ruleId,
      schema?.synchronizationRules.find((rule) => rule.id === ruleId)?.name ?? null,
    ]),
  );
  return { names: { servicePrincipal, job, rules, objects: Object.fromEntries(objects) }, reads };
}
