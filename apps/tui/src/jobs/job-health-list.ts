import { collect, type SynchronizationJobView } from '@ondemand/core';
import type { GraphClient } from '@ondemand/transport';

/** One job's health with the app it belongs to: what `jobs status --json` prints per job. */
export interface AppJobHealth extends SynchronizationJobView {
  servicePrincipalId: string;
  appName: string | null;
}

/**
 * Every job of one app (`servicePrincipalId`) or of every app with jobs, each read whole (its status
 * is only on the job itself). Apps are read once each, jobs in turn: a tenant with many apps costs
 * one list, one read per app and one per job.
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

/** What changed between two readings of a job, in words; empty when nothing an operator watches did. */
export function healthChanges(before: AppJobHealth | undefined, after: AppJobHealth): string[] {
  if (!before) return [];
  const changes: string[] = [];
  if (before.health !== after.health) changes.push(`${before.health} → ${after.health}`);
  if (before.quarantine?.reason !== after.quarantine?.reason && after.quarantine)
    changes.push(`quarantine: ${after.quarantine.reason ?? 'reason not given'}`);
  if (before.quarantine?.nextAttempt !== after.quarantine?.nextAttempt && after.quarantine?.nextAttempt)
    changes.push(`next attempt ${after.quarantine.nextAttempt}`);
  const last = after.lastExecution;
  if (last && last.ended !== before.lastExecution?.ended)
    changes.push(
      `cycle ${last.state ?? 'ended'}${last.error?.code ? ` (${last.error.code})` : ''}: imported ${last.countImported ?? 0}, exported ${last.countExported ?? 0}, escrowed ${last.countEscrowed ?? 0}`,
    );
  return changes;
}
