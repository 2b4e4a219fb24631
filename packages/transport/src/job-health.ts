import { collect, type SynchronizationJobView } from '@ondemand/core';
import type { GraphClient } from './graph-client.js';

/** One job's health with the app it belongs to: what `jobs status --json` prints per job. */
export interface AppJobHealth extends SynchronizationJobView {
  servicePrincipalId: string;
  appName: string | null;
}

/**
 * Every job of one app (`servicePrincipalId`) or of every app with jobs, each read whole (its status
 * is only on the job itself). Apps are read once each, jobs in turn: a tenant with many apps costs
 * one list, one read per app and one per job. What `ondemand jobs status` and the console show.
 */
export async function readJobHealth(
  graph: GraphClient,
  servicePrincipalId: string | undefined,
  signal?: AbortSignal,
): Promise<AppJobHealth[]> {
  const apps = servicePrincipalId
    ? [await graph.getServicePrincipal(servicePrincipalId, { signal })]
    : await collect(graph.findServicePrincipals({}), 500);
  const found: AppJobHealth[] = [];
  for (const app of apps) {
    for (const job of await collect(graph.listSynchronizationJobs(app.id, { signal }))) {
      const view = await graph.getSynchronizationJob(app.id, job.id, { signal });
      found.push({ servicePrincipalId: app.id, appName: app.displayName ?? null, ...view });
    }
  }
  return found;
}
