import type { ApiVersion, ProvisionOnDemandRequest } from '@ondemand/core';
import { collect, type GraphClient } from '@ondemand/transport';
import type { DirectoryEntry } from '../graph/subject-directory.js';
import type { ApprovalNames } from './approval.js';

/**
 * The names an approver reads next to the ids: the app, the job, each rule, and each subject and
 * member (already looked up for the type check). Graph reads; any that fails leaves its name out
 * (`null`) rather than holding up the request: the ids are what runs.
 */
export async function namesForApprovers(
  graph: GraphClient,
  target: {
    servicePrincipalId: string;
    jobId: string;
    body: ProvisionOnDemandRequest;
    apiVersion: ApiVersion;
  },
  objects: Map<string, DirectoryEntry>,
): Promise<ApprovalNames> {
  const options = { apiVersion: target.apiVersion };
  const [servicePrincipal, job, schema] = await Promise.all([
    graph
      .getServicePrincipal(target.servicePrincipalId, options)
      .then((sp) => sp.displayName ?? null)
      .catch(() => null),
    collect(graph.listSynchronizationJobs(target.servicePrincipalId, options))
      .then((jobs) => jobs.find((each) => each.id === target.jobId)?.templateId ?? null)
      .catch(() => null),
    graph.getSynchronizationSchema(target.servicePrincipalId, target.jobId, options).catch(() => undefined),
  ]);
  const rules = Object.fromEntries(
    target.body.parameters.map(({ ruleId }) => [
      ruleId,
      schema?.synchronizationRules.find((rule) => rule.id === ruleId)?.name ?? null,
    ]),
  );
  return { servicePrincipal, job, rules, objects: Object.fromEntries(objects) };
}
