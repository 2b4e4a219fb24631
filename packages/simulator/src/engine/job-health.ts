import { randomUUID } from 'node:crypto';
import type { SimClock } from './sim-clock.js';

/** `status.code` as Graph has it. */
export type JobStatusCode = 'NotConfigured' | 'NotRun' | 'Active' | 'Paused' | 'Quarantine';

/** `synchronizationJobError`. */
export interface JobError {
  code: string;
  message: string;
  tenantActionable: boolean;
}

/** `synchronizationTaskExecution`: one cycle's counts and outcome. */
export interface TaskExecution {
  activityIdentifier: string;
  countEntitled: number;
  countEntitledForProvisioning: number;
  countEscrowed: number;
  countEscrowedRaw: number;
  countExported: number;
  countExports: number;
  countImported: number;
  countImportedDeltas: number;
  countImportedReferenceDeltas: number;
  error: JobError | null;
  state: 'Succeeded' | 'Failed' | 'EntryLevelErrors';
  timeBegan: string;
  timeEnded: string;
}

/** `synchronizationQuarantine`. */
export interface Quarantine {
  currentBegan: string;
  nextAttempt: string;
  reason: string;
  seriesBegan: string;
  seriesCount: number;
  error: JobError | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Graph's documented retry schedule for a quarantined job: 6 h, 12 h, 24 h, then daily. */
const QUARANTINE_BACKOFF = [6 * HOUR, 12 * HOUR, 24 * HOUR];
/** After four weeks in quarantine the job is disabled. */
const QUARANTINE_LIMIT_MS = 28 * DAY;
/** The interval of a job's regular cycle (`schedule.interval`). */
export const CYCLE_INTERVAL = 'PT40M';
export const CYCLE_INTERVAL_MS = 40 * 60_000;

// Graph's placeholders for a job never run or never scheduled (the core decoder reads them as none).
const NEVER = '0001-01-01T00:00:00Z';
const NEVER_SCHEDULED = 'P10675199DT2H48M5.4775807S';

/**
 * One job's health as the provisioning service keeps it: its schedule and status code, the last
 * cycles, the quarantine with Graph's retry schedule, the steady state. Pure state and transitions;
 * the cycles that feed it run in `ProvisioningService`.
 */
export class JobHealth {
  code: JobStatusCode;
  scheduleState: 'Active' | 'Disabled' | 'Paused';
  lastExecution: TaskExecution | null = null;
  lastSuccessfulExecution: TaskExecution | null = null;
  lastSuccessfulExecutionWithExports: TaskExecution | null = null;
  quarantine: Quarantine | null = null;
  steadyStateFirstAchievedTime: string | null = null;
  steadyStateLastAchievedTime: string | null = null;
  countSuccessiveCompleteFailures = 0;
  escrowsPruned = false;
  /** Simulator-clock ms of the next regular cycle, or null when none is due (not started, paused). */
  nextCycleAt: number | null = null;
  /** Whether the next cycle evaluates everyone (first cycle, or after a restart clearing the watermark). */
  fullCycleDue = true;

  constructor(
    private readonly clock: SimClock,
    initial: 'NotRun' | 'Active' | 'NotConfigured' = 'Active',
  ) {
    this.code = initial;
    this.scheduleState = initial === 'Active' ? 'Active' : 'Disabled';
    // An active job starts in steady state: the seed's target is what its last cycle left, so the
    // next cycle is one interval away and looks only at what changed since.
    if (initial === 'Active') {
      this.nextCycleAt = clock.now() + clock.graphDuration(CYCLE_INTERVAL_MS);
      this.fullCycleDue = false;
    }
  }

  /** `POST …/start`: a paused, never-run or quarantined job runs now. */
  start(): void {
    this.code = 'Active';
    this.scheduleState = 'Active';
    this.quarantine = null;
    this.nextCycleAt = this.clock.now();
  }

  /** `POST …/pause`: no more cycles until started; what was processed stays. */
  pause(): void {
    this.code = 'Paused';
    this.scheduleState = 'Paused';
    this.nextCycleAt = null;
  }

  /** `POST …/restart`: what the scope clears, then a cycle now. */
  restart(effects: ReadonlySet<string>): void {
    if (effects.has('QuarantineState')) this.quarantine = null;
    if (effects.has('Watermark')) this.fullCycleDue = true;
    if (effects.has('Escrows')) this.escrowsPruned = true;
    if (this.quarantine === null) {
      this.code = 'Active';
      this.scheduleState = 'Active';
      this.nextCycleAt = this.clock.now();
    }
  }

  /** Whether a regular cycle is due now. */
  cycleDue(): boolean {
    return this.nextCycleAt !== null && this.nextCycleAt <= this.clock.now();
  }

  /** A cycle ended: its execution is kept, the steady state and the next cycle follow from it. */
  cycleEnded(execution: TaskExecution): void {
    this.lastExecution = execution;
    this.fullCycleDue = false;
    if (execution.state === 'Failed') {
      this.countSuccessiveCompleteFailures += 1;
    } else {
      this.countSuccessiveCompleteFailures = 0;
      this.lastSuccessfulExecution = execution;
      if (execution.countExported > 0) this.lastSuccessfulExecutionWithExports = execution;
      if (execution.state === 'Succeeded') {
        this.steadyStateFirstAchievedTime ??= execution.timeEnded;
        this.steadyStateLastAchievedTime = execution.timeEnded;
      }
      if (this.code === 'Quarantine') {
        this.quarantine = null;
        this.code = 'Active';
      }
    }
    if (this.code === 'Active')
      this.nextCycleAt = this.clock.now() + this.clock.graphDuration(CYCLE_INTERVAL_MS);
  }

  /**
   * Into quarantine (or deeper into it): the next attempt follows Graph's schedule, 6 h, 12 h, 24 h,
   * then daily; after four weeks the job is disabled.
   */
  enterQuarantine(reason: string, error: JobError | null): void {
    const now = this.clock.now();
    const iso = new Date(now).toISOString();
    const series = this.quarantine;
    const seriesCount = (series?.seriesCount ?? 0) + 1;
    const seriesBegan = series?.seriesBegan ?? iso;
    const wait = QUARANTINE_BACKOFF[seriesCount - 1] ?? DAY;
    this.code = 'Quarantine';
    this.quarantine = {
      currentBegan: iso,
      nextAttempt: new Date(now + this.clock.graphDuration(wait)).toISOString(),
      reason,
      seriesBegan,
      seriesCount,
      error,
    };
    this.nextCycleAt = now + this.clock.graphDuration(wait);
    if (now - Date.parse(seriesBegan) >= this.clock.graphDuration(QUARANTINE_LIMIT_MS)) {
      // Four weeks in quarantine: the service turns the job off.
      this.scheduleState = 'Disabled';
      this.nextCycleAt = null;
    }
  }

  /** The job's `schedule` and `status`, as Graph answers them. */
  view(): { schedule: Record<string, unknown>; status: Record<string, unknown> } {
    const scheduled = this.scheduleState !== 'Disabled' || this.lastExecution !== null;
    return {
      schedule: {
        expiration: null,
        interval: scheduled ? CYCLE_INTERVAL : NEVER_SCHEDULED,
        state: this.scheduleState,
      },
      status: {
        code: this.code,
        countSuccessiveCompleteFailures: this.countSuccessiveCompleteFailures,
        escrowsPruned: this.escrowsPruned,
        lastExecution: this.lastExecution ?? neverExecuted(),
        lastSuccessfulExecution: this.lastSuccessfulExecution ?? neverExecuted(),
        lastSuccessfulExecutionWithExports: this.lastSuccessfulExecutionWithExports ?? neverExecuted(),
        progress: [],
        quarantine: this.quarantine,
        steadyStateFirstAchievedTime: this.steadyStateFirstAchievedTime ?? NEVER,
        steadyStateLastAchievedTime: this.steadyStateLastAchievedTime ?? NEVER,
        synchronizedEntryCountByType: [],
        troubleshootingUrl: '',
      },
    };
  }
}

/** How Graph fills an execution that never happened: zero counts, the `None` error, year one. */
function neverExecuted(): TaskExecution {
  return {
    activityIdentifier: '',
    countEntitled: 0,
    countEntitledForProvisioning: 0,
    countEscrowed: 0,
    countEscrowedRaw: 0,
    countExported: 0,
    countExports: 0,
    countImported: 0,
    countImportedDeltas: 0,
    countImportedReferenceDeltas: 0,
    error: { code: 'None', message: '', tenantActionable: false },
    state: 'Succeeded',
    timeBegan: NEVER,
    timeEnded: NEVER,
  };
}

/** A fresh activity identifier for a cycle. */
export function newActivityIdentifier(): string {
  return randomUUID();
}
