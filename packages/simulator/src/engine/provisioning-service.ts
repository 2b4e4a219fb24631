import { randomUUID } from 'node:crypto';
import {
  distinguishedNameRequest,
  groupRequest,
  type ProvisionOnDemandRequest,
  userRequest,
} from '@ondemand/core';
import type { SeedRule } from '../seed/seed-schema.js';
import type { JobState, Tenant } from '../tenant.js';
import {
  CYCLE_INTERVAL_MS,
  type JobError,
  JobHealth,
  newActivityIdentifier,
  type TaskExecution,
} from './job-health.js';
import { faultKey, type ObjectOutcome, type ProvisionEngine } from './provision-engine.js';
import { type Initiator, PROVISIONING_SERVICE, type ProvisioningLog } from './provisioning-log.js';
import type { SimClock } from './sim-clock.js';

/**
 * The escrow thresholds past which the service quarantines a job. Microsoft documents that "most or
 * all" failing calls quarantine a job, not the numbers: these are ours, small so tests cross them,
 * and settable from `/_sim/jobs/…/faults`.
 */
export interface EscrowThresholds {
  /** Failures in one cycle that quarantine the job (EncounteredTotalEscrowThreshold). */
  total: number;
  /** The share of a cycle's objects failing that quarantines it (EncounteredEscrowProportionThreshold). */
  proportion: number;
}

/** What `/_sim/` steers per job besides export faults: the app's credentials, the thresholds. */
export interface JobSteering {
  credentialsExpired: boolean;
  thresholds: EscrowThresholds;
}

const CREDENTIALS_ERROR: JobError = {
  code: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable',
  message:
    'The credentials for the target app were not valid: the service could not sign in to it. Update the admin credentials on the app’s Provisioning page and test the connection.',
  tenantActionable: true,
};

/** What one cycle did, for `/_sim/` and tests. */
export interface CycleSummary {
  servicePrincipalId: string;
  jobId: string;
  cycleId: string;
  full: boolean;
  processed: number;
  execution: TaskExecution;
}

/**
 * The provisioning service over time: each job's health, its regular cycles (every 40 minutes on
 * the simulator's clock, run when due whenever the simulator is asked anything about jobs or logs,
 * or at once through `/_sim/`), and the provisioning log that both cycles and on-demand calls write.
 * A cycle evaluates everything assigned the first time (and after a restart that clears the
 * watermark), later only what changed and what failed and is kept for retry (escrows).
 */
export class ProvisioningService {
  readonly #health = new Map<string, JobHealth>();
  readonly #steering = new Map<string, JobSteering>();
  /** Per job: each object's fingerprint when a cycle last evaluated it (the watermark). */
  readonly #seen = new Map<string, Map<string, string>>();
  /** Per job: objects whose last export failed and will be retried. */
  readonly #escrows = new Map<string, Set<string>>();

  constructor(
    private readonly tenant: Tenant,
    private readonly engine: ProvisionEngine,
    private readonly clock: SimClock,
    readonly log: ProvisioningLog,
  ) {
    this.#startAll();
  }

  /** Every job's health from now: an active job's watermark is the tenant as it is at this moment. */
  #startAll(): void {
    for (const jobState of this.tenant.jobs.values()) this.health(jobState);
  }

  health(jobState: JobState): JobHealth {
    const key = faultKey(jobState);
    let health = this.#health.get(key);
    if (!health) {
      health = new JobHealth(this.clock, jobState.job.initialStatus);
      this.#health.set(key, health);
      // The watermark of a job in steady state: everything as it is now was evaluated.
      if (!health.fullCycleDue)
        this.#seen.set(
          key,
          new Map(
            this.#subjects(jobState).map((subject) => [subject.id, JSON.stringify(subject.fingerprint)]),
          ),
        );
    }
    return health;
  }

  steering(jobState: JobState): JobSteering {
    const key = faultKey(jobState);
    let steering = this.#steering.get(key);
    if (!steering) {
      steering = { credentialsExpired: false, thresholds: { total: 10, proportion: 0.6 } };
      this.#steering.set(key, steering);
    }
    return steering;
  }

  /** Forgets every job's health, steering, watermark and the logs (the simulator's reset, after the tenant's). */
  reset(): void {
    this.#health.clear();
    this.#steering.clear();
    this.#seen.clear();
    this.#escrows.clear();
    this.log.clear();
    this.#startAll();
  }

  /** Records an on-demand call's objects in the provisioning log, as one change of its own. */
  recordOnDemand(jobState: JobState, outcomes: ObjectOutcome[], initiatedBy: Initiator): void {
    // Graph gives on-demand work a cycle id of its own; each object keeps its changeId.
    const cycleId = randomUUID();
    for (const outcome of outcomes) this.log.record(jobState, outcome, { cycleId, initiatedBy });
  }

  /** Runs the cycles that are due by now (the service's schedule, caught up when asked). */
  runDueCycles(): CycleSummary[] {
    const summaries: CycleSummary[] = [];
    for (const jobState of this.tenant.jobs.values()) {
      if (this.health(jobState).cycleDue()) summaries.push(this.runCycle(jobState));
    }
    return summaries;
  }

  /** One regular cycle of a job, now. */
  runCycle(jobState: JobState): CycleSummary {
    const health = this.health(jobState);
    const steering = this.steering(jobState);
    const cycleId = randomUUID();
    const began = this.clock.date().toISOString();
    const full = health.fullCycleDue;
    if (steering.credentialsExpired) {
      const execution = this.#execution({ began, failed: true, error: CREDENTIALS_ERROR });
      health.cycleEnded(execution);
      health.enterQuarantine('EncounteredQuarantineException', CREDENTIALS_ERROR);
      return { ...this.#names(jobState), cycleId, full, processed: 0, execution };
    }

    const key = faultKey(jobState);
    const seen = this.#seen.get(key) ?? new Map<string, string>();
    this.#seen.set(key, seen);
    const escrows = health.escrowsPruned ? new Set<string>() : (this.#escrows.get(key) ?? new Set<string>());
    health.escrowsPruned = false;
    const nextEscrows = new Set<string>();
    let imported = 0;
    let exported = 0;
    let failed = 0;
    let entitled = 0;
    for (const subject of this.#subjects(jobState)) {
      const fingerprint = JSON.stringify(subject.fingerprint);
      if (!full && seen.get(subject.id) === fingerprint && !escrows.has(subject.id)) continue;
      seen.set(subject.id, fingerprint);
      imported += 1;
      const { outcomes } = this.engine.provision(jobState, subject.body);
      for (const outcome of outcomes) {
        this.log.record(jobState, outcome, { cycleId, initiatedBy: PROVISIONING_SERVICE });
        if (outcome.result === 'Success') exported += 1;
        if (outcome.errorCode !== 'NotEffectivelyEntitled') entitled += 1;
        if (outcome.result === 'Failure') {
          failed += 1;
          nextEscrows.add(subject.id);
        }
      }
    }
    this.#escrows.set(key, nextEscrows);
    const execution = this.#execution({
      began,
      failed: false,
      entryErrors: failed > 0,
      counts: { imported, exported, escrowed: failed, entitled },
    });
    health.cycleEnded(execution);
    // Too many failures in one cycle: the service stops and quarantines the job.
    const { total, proportion } = steering.thresholds;
    if (failed >= total || (imported > 0 && failed / imported >= proportion && failed > 1)) {
      health.enterQuarantine(
        failed >= total ? 'EncounteredTotalEscrowThreshold' : 'EncounteredEscrowProportionThreshold',
        {
          code: 'EscrowThresholdExceeded',
          message: `${failed} of ${imported} objects failed in one cycle: the job is quarantined until they can be exported.`,
          tenantActionable: true,
        },
      );
    }
    return { ...this.#names(jobState), cycleId, full, processed: imported, execution };
  }

  /** The objects a job provisions: for an app, what is assigned (groups and their members); for cloud sync, every AD user. */
  #subjects(jobState: JobState): Array<{ id: string; body: ProvisionOnDemandRequest; fingerprint: unknown }> {
    const { servicePrincipal, job } = jobState;
    const ruleFor = (type: string): SeedRule | undefined =>
      job.rules.find((rule) =>
        rule.objectMappings.some((each) => each.sourceObjectName.toLowerCase() === type),
      );
    const subjects: Array<{ id: string; body: ProvisionOnDemandRequest; fingerprint: unknown }> = [];
    if (job.kind === 'cloudSync') {
      const rule = ruleFor('user');
      if (!rule) return subjects;
      for (const user of this.tenant.adUsers.values())
        subjects.push({
          id: user.distinguishedName,
          body: distinguishedNameRequest({ ruleId: rule.id, distinguishedName: user.distinguishedName }),
          fingerprint: user,
        });
      return subjects;
    }
    const userRule = ruleFor('user');
    const groupRule = ruleFor('group');
    const users = new Set<string>();
    for (const id of servicePrincipal.assignedTo) {
      const group = this.tenant.groups.get(id);
      if (group) {
        if (groupRule)
          subjects.push({
            id: group.id,
            body: groupRequest({ ruleId: groupRule.id, groupId: group.id, memberIds: [] }),
            fingerprint: group,
          });
        for (const member of group.members) users.add(member);
      } else if (this.tenant.users.get(id)) users.add(id);
    }
    if (userRule)
      for (const id of users) {
        const user = this.tenant.users.get(id);
        if (user)
          subjects.push({
            id: user.id,
            body: userRequest({ ruleId: userRule.id, userId: user.id }),
            fingerprint: user,
          });
      }
    return subjects;
  }

  #names(jobState: JobState) {
    return { servicePrincipalId: jobState.servicePrincipal.id, jobId: jobState.job.id };
  }

  #execution(run: {
    began: string;
    failed: boolean;
    entryErrors?: boolean;
    error?: JobError;
    counts?: { imported: number; exported: number; escrowed: number; entitled: number };
  }): TaskExecution {
    const counts = run.counts ?? { imported: 0, exported: 0, escrowed: 0, entitled: 0 };
    return {
      activityIdentifier: newActivityIdentifier(),
      countEntitled: counts.entitled,
      countEntitledForProvisioning: counts.entitled,
      countEscrowed: counts.escrowed,
      countEscrowedRaw: counts.escrowed,
      countExported: counts.exported,
      countExports: counts.exported,
      countImported: counts.imported,
      countImportedDeltas: counts.imported,
      countImportedReferenceDeltas: 0,
      error: run.error ?? null,
      state: run.failed ? 'Failed' : run.entryErrors ? 'EntryLevelErrors' : 'Succeeded',
      timeBegan: run.began,
      timeEnded: this.clock.date().toISOString(),
    };
  }
}

export { CYCLE_INTERVAL_MS };
