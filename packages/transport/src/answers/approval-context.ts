import {
  type ApprovalView,
  jobCallOfPath,
  type ProvisioningLogEntry,
  type SynchronizationJobView,
} from '@ondemand/core';
import type { GraphClient } from '../graph-client.js';

/** What an approver reads next to a held request: the job's health and its subjects' recent log entries. */
export interface ApprovalContext {
  appName: string | null;
  job: { view: SynchronizationJobView } | { error: string };
  subjects: Array<
    { id: string; name: string | null } & ({ entries: ProvisioningLogEntry[] } | { error: string })
  >;
}

/** At most this many subjects' entries are read (one reports call each), newest first, this many each. */
const SUBJECTS = 6;
const ENTRIES = 3;

/** The objects a held body provisions: its subjects and the members linked to them. */
function objectIdsOf(body: unknown): string[] {
  const parameters =
    (
      body as {
        parameters?: Array<{
          subjects?: Array<{ objectId?: unknown; links?: { members?: Array<{ objectId?: unknown }> } }>;
        }>;
      }
    )?.parameters ?? [];
  const ids = parameters.flatMap((parameter) =>
    (parameter.subjects ?? []).flatMap((subject) => [
      subject.objectId,
      ...(subject.links?.members ?? []).map((member) => member.objectId),
    ]),
  );
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
}

/**
 * Reads, through the proxy with the approver's own key, what helps decide a held request: is the job
 * healthy (a restart may be what is needed, not this call), and what did the service last do with
 * these subjects. What cannot be read is said with why, never left out quietly.
 */
export async function readApprovalContext(
  graph: GraphClient,
  view: ApprovalView,
): Promise<ApprovalContext | undefined> {
  // A held job action (a restart) has the job's health to show, and no subjects.
  const target = jobCallOfPath(view.request.path);
  if (!target) return undefined;
  const failed = (error: unknown) => ({ error: (error as Error).message ?? String(error) });
  const job = await graph
    .getSynchronizationJob(target.servicePrincipalId, target.jobId)
    .then((jobView) => ({ view: jobView }), failed);
  const ids = objectIdsOf(view.request.body).slice(0, SUBJECTS);
  const subjects = await Promise.all(
    ids.map(async (id) => {
      const name = view.names?.objects[id]?.displayName ?? null;
      try {
        const entries: ProvisioningLogEntry[] = [];
        for await (const entry of graph.listProvisioningLogs(
          { sourceId: id, servicePrincipalId: target.servicePrincipalId },
          { top: ENTRIES },
        )) {
          entries.push(entry);
          if (entries.length === ENTRIES) break;
        }
        return { id, name, entries };
      } catch (error) {
        return { id, name, ...failed(error) };
      }
    }),
  );
  return { appName: view.names?.servicePrincipal ?? null, job, subjects };
}
