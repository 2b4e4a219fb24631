import { field, isObject, type Loose, numberField, objectField, textField } from './loose-fields.js';

/** A job's health at a glance, from its `status.code`. */
export type JobHealth = 'active' | 'paused' | 'quarantined' | 'notConfigured' | 'notRun' | 'unknown';

/** An error as a job reports it; `tenantActionable`: the tenant (not Microsoft) must fix it. */
export interface JobError {
  code: string | null;
  message: string | null;
  tenantActionable: boolean | null;
}

/** One run of the job (`lastExecution`, `lastSuccessfulExecution`). */
export interface JobExecution {
  state: string | null;
  began: string | null;
  ended: string | null;
  error: JobError | null;
  countImported: number | null;
  countExported: number | null;
  countEscrowed: number | null;
  countEntitled: number | null;
}

/** A synchronization job, read (the shape `ondemand explain --json` prints). */
export interface SynchronizationJobView {
  kind: 'synchronizationJob';
  id: string | null;
  templateId: string | null;
  health: JobHealth;
  schedule: { state: string | null; interval: string | null };
  quarantine: {
    reason: string | null;
    since: string | null;
    nextAttempt: string | null;
    seriesBegan: string | null;
    seriesCount: number | null;
    error: JobError | null;
  } | null;
  lastExecution: JobExecution | null;
  lastSuccessfulExecution: JobExecution | null;
  steadyState: { firstAchieved: string | null; lastAchieved: string | null };
  countSuccessiveCompleteFailures: number | null;
}

/**
 * The interval Graph gives a job that was never scheduled: .NET's `TimeSpan.MaxValue`, as an ISO
 * 8601 duration, and as ticks when PowerShell writes the TimeSpan as an object.
 */
const NEVER_INTERVAL = /^P10675199DT2H48M5\.4775807S$/i;
const MAX_TICKS = '9223372036854775807';

/** A time, or `null` for Graph's placeholders (`""`, `0001-01-01T00:00:00Z` in any spelling). */
export function jobTime(value: unknown): string | null {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text === '' || text.startsWith('0001-01-01')) return null;
  return text;
}

/** An error, or `null` for the placeholder Graph writes when there is none (`code: "None"`). */
function jobError(value: unknown): JobError | null {
  if (!isObject(value)) return null;
  const code = textField(value, 'code');
  const message = textField(value, 'message');
  if ((code === null || code.toLowerCase() === 'none') && message === null) return null;
  const actionable = field(value, 'tenantActionable');
  return {
    code: code?.toLowerCase() === 'none' ? null : code,
    message,
    tenantActionable: typeof actionable === 'boolean' ? actionable : null,
  };
}

function execution(value: Loose | undefined): JobExecution | null {
  if (!value) return null;
  const read: JobExecution = {
    state: textField(value, 'state'),
    began: jobTime(field(value, 'timeBegan')),
    ended: jobTime(field(value, 'timeEnded')),
    error: jobError(field(value, 'error')),
    countImported: numberField(value, 'countImported'),
    countExported: numberField(value, 'countExported'),
    countEscrowed: numberField(value, 'countEscrowed'),
    countEntitled: numberField(value, 'countEntitled'),
  };
  // A run made only of placeholders (no times, no error) is no run.
  return read.began === null && read.ended === null && read.error === null ? null : read;
}

/** The schedule's interval as ISO 8601, or `null` when the job was never scheduled. */
function interval(value: unknown): string | null {
  if (isObject(value)) {
    // PowerShell writes a TimeSpan as { Ticks, Days, Hours, … }.
    const ticks = String(field(value, 'Ticks') ?? '');
    if (ticks === '' || ticks === MAX_TICKS) return null;
    const seconds = Number(ticks) / 10_000_000;
    return Number.isFinite(seconds) ? isoDuration(seconds) : null;
  }
  const text = typeof value === 'string' ? value.trim() : '';
  return text === '' || NEVER_INTERVAL.test(text) ? null : text;
}

function isoDuration(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  const time = [hours && `${hours}H`, minutes && `${minutes}M`, seconds && `${seconds}S`]
    .filter(Boolean)
    .join('');
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : days ? '' : 'T0S'}`;
}

const HEALTH: Record<string, JobHealth> = {
  active: 'active',
  paused: 'paused',
  quarantine: 'quarantined',
  notconfigured: 'notConfigured',
  notrun: 'notRun',
};

/** Whether an object looks like a synchronization job. */
export function isSynchronizationJob(value: unknown): boolean {
  return (
    isObject(value) &&
    (objectField(value, 'status') !== undefined || objectField(value, 'schedule') !== undefined) &&
    field(value, 'templateId', 'id') !== undefined
  );
}

/**
 * A synchronization job as Graph, PowerShell or the portal writes it, with Graph's placeholders
 * (`""`, `0001-01-01T00:00:00Z`, the error code `None`, the never-scheduled interval) read as none.
 */
export function decodeSynchronizationJob(input: unknown): SynchronizationJobView {
  const status = objectField(input, 'status') ?? {};
  const schedule = objectField(input, 'schedule') ?? {};
  const quarantine = objectField(status, 'quarantine');
  const code = textField(status, 'code')?.toLowerCase();
  const quarantineView =
    quarantine && (textField(quarantine, 'reason') || jobTime(field(quarantine, 'currentBegan')))
      ? {
          reason: textField(quarantine, 'reason'),
          since: jobTime(field(quarantine, 'currentBegan')),
          nextAttempt: jobTime(field(quarantine, 'nextAttempt')),
          seriesBegan: jobTime(field(quarantine, 'seriesBegan')),
          seriesCount: numberField(quarantine, 'seriesCount'),
          error: jobError(field(quarantine, 'error')),
        }
      : null;
  return {
    kind: 'synchronizationJob',
    id: textField(input, 'id'),
    templateId: textField(input, 'templateId'),
    health: (code && HEALTH[code]) || 'unknown',
    schedule: { state: textField(schedule, 'state'), interval: interval(field(schedule, 'interval')) },
    quarantine: quarantineView,
    lastExecution: execution(objectField(status, 'lastExecution')),
    lastSuccessfulExecution: execution(objectField(status, 'lastSuccessfulExecution')),
    steadyState: {
      firstAchieved: jobTime(field(status, 'steadyStateFirstAchievedTime')),
      lastAchieved: jobTime(field(status, 'steadyStateLastAchievedTime')),
    },
    countSuccessiveCompleteFailures: numberField(status, 'countSuccessiveCompleteFailures'),
  };
}

/** Whether a job is healthy enough to provision through: active, or never run but scheduled. */
export function jobIsHealthy(job: Pick<SynchronizationJobView, 'health'>): boolean {
  return job.health === 'active';
}
