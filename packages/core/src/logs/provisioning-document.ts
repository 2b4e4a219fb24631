import { field, isObject } from './loose-fields.js';
import { decodeProvisioningLogs, isLogEntry, listOf, type ProvisioningLogEntry } from './provisioning-log.js';
import {
  decodeSynchronizationJob,
  isSynchronizationJob,
  type SynchronizationJobView,
} from './synchronization-job.js';

/** What a pasted document other than a provisionOnDemand answer holds. */
export type ProvisioningDocument =
  | { kind: 'provisioningLogs'; entries: ProvisioningLogEntry[] }
  | SynchronizationJobView
  | { kind: 'synchronizationJobs'; jobs: SynchronizationJobView[] };

/**
 * Provisioning logs (a page, an entry, a list, an export) or synchronization jobs (one, or a page of
 * them) in any dialect; `undefined` when the input is neither (it may be a provisionOnDemand answer).
 */
export function readProvisioningDocument(input: unknown): ProvisioningDocument | undefined {
  const own = ownJobs(input);
  if (own) return own;
  const items = listOf(input);
  if (items === undefined) {
    if (isLogEntry(input)) return { kind: 'provisioningLogs', entries: decodeProvisioningLogs(input) };
    if (isSynchronizationJob(input)) return decodeSynchronizationJob(input);
    return undefined;
  }
  if (items.length > 0 && items.some(isLogEntry))
    return { kind: 'provisioningLogs', entries: decodeProvisioningLogs(items) };
  if (items.length > 0 && items.every(isSynchronizationJob))
    return { kind: 'synchronizationJobs', jobs: items.map(decodeSynchronizationJob) };
  // An empty page of logs is still logs: "no entries", which is not "nothing happened".
  if (
    items.length === 0 &&
    isObject(input) &&
    /auditLogs\/provisioning/i.test(String(field(input, '@odata.context') ?? ''))
  )
    return { kind: 'provisioningLogs', entries: [] };
  return undefined;
}

/**
 * Jobs as ondemand itself prints them (`explain --json`, `jobs status --json`): read back as they
 * are, since their placeholders are gone already and re-reading them as Graph's would lose the health.
 */
function ownJobs(input: unknown): ProvisioningDocument | undefined {
  const isView = (value: unknown): value is SynchronizationJobView =>
    isObject(value) && typeof value.health === 'string' && isObject(value.schedule) && 'quarantine' in value;
  if (isObject(input) && input.kind === 'synchronizationJob' && isView(input)) return input;
  const jobs = isObject(input) ? input.jobs : undefined;
  if (Array.isArray(jobs) && jobs.length > 0 && jobs.every(isView))
    return {
      kind: 'synchronizationJobs',
      jobs: jobs.map((job) => ({ ...job, kind: 'synchronizationJob' as const })),
    };
  return undefined;
}
