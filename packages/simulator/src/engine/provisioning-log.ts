import { randomUUID } from 'node:crypto';
import type { JobState } from '../tenant.js';
import type { ObjectOutcome } from './provision-engine.js';
import type { SimClock } from './sim-clock.js';

/** Who started the work an entry records, as Graph's `initiator`. */
export interface Initiator {
  id: string;
  displayName: string;
  initiatorType: 'user' | 'application' | 'system';
}

/** The provisioning service itself: what initiates the regular cycle. */
export const PROVISIONING_SERVICE: Initiator = {
  id: '',
  displayName: 'Azure AD Provisioning Service',
  initiatorType: 'system',
};

/** A `provisioningObjectSummary` as Graph's v1.0 documents it, with when it becomes readable. */
export interface StoredLogEntry {
  entry: Record<string, unknown>;
  /** Simulator-clock ms: when Graph would have written it (`activityDateTime`). */
  at: number;
  /** Simulator-clock ms: from when a reader sees it (Graph writes logs minutes after the work). */
  visibleAt: number;
  servicePrincipalId: string;
}

export interface ProvisioningLogOptions {
  /** How long after the work an entry can be read, in Graph's time (default 2 minutes). */
  visibilityDelayMs?: number;
  /** How long entries are kept, in Graph's time (default 30 days, as with Microsoft Entra ID P1/P2). */
  retentionMs?: number;
}

const ACTIONS: Record<string, string> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  disable: 'disable',
  stageddelete: 'stagedDelete',
  other: 'other',
};

/**
 * The provisioning logs: one entry per object that an on-demand call or a cycle processed, readable
 * after a delay, kept for a retention window. How long Graph really takes to show an entry is not
 * documented beyond "minutes"; the delay is a setting (`/_sim/logs`), two minutes by default.
 */
export class ProvisioningLog {
  #entries: StoredLogEntry[] = [];
  visibilityDelayMs: number;
  retentionMs: number;

  constructor(
    private readonly clock: SimClock,
    private readonly tenantId: string,
    options: ProvisioningLogOptions = {},
  ) {
    this.visibilityDelayMs = options.visibilityDelayMs ?? 2 * 60_000;
    this.retentionMs = options.retentionMs ?? 30 * 24 * 3_600_000;
  }

  /** Writes the entry for one object's outcome. */
  record(
    jobState: JobState,
    outcome: ObjectOutcome,
    context: { cycleId: string; initiatedBy: Initiator },
  ): Record<string, unknown> {
    const at = this.clock.now();
    const entry = summaryOf(jobState, outcome, { ...context, tenantId: this.tenantId, at });
    this.#entries.push({
      entry,
      at,
      visibleAt: at + this.clock.graphDuration(this.visibilityDelayMs),
      servicePrincipalId: jobState.servicePrincipal.id,
    });
    this.#prune(at);
    return entry;
  }

  /** The entries a reader sees now, newest first (Graph's default order). */
  visible(): Record<string, unknown>[] {
    const now = this.clock.now();
    this.#prune(now);
    // Written in the order of the work: newest first is the list read backwards.
    return this.#entries
      .filter((stored) => stored.visibleAt <= now)
      .reverse()
      .map((stored) => stored.entry);
  }

  /** Every entry, readable or not yet (for `/_sim/` and tests). */
  all(): StoredLogEntry[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries = [];
  }

  #prune(now: number): void {
    const oldest = now - this.clock.graphDuration(this.retentionMs);
    if (this.#entries.length > 0 && this.#entries[0]!.at < oldest)
      this.#entries = this.#entries.filter((stored) => stored.at >= oldest);
  }
}

type Report = {
  action?: string;
  changeId?: string;
  startTime?: string;
  endTime?: string;
  modifiedProperties?: Array<{ displayName: string; oldValue: string | null; newValue: string | null }>;
  provisioningSteps?: Array<{
    name: string;
    type: string;
    status: string;
    description: string;
    details: Record<string, string>;
  }>;
  statusInfo?: {
    status: string;
    errorCode: string | null;
    reason: string | null;
    additionalDetails: string | null;
    errorCategory: string | null;
    recommendedAction: string | null;
  };
  sourceIdentity?: { id: string | null; type: string | null };
  targetIdentity?: { id: string | null; type: string | null };
  sourceSystem?: { name: string | null };
  targetSystem?: { name: string | null };
  reportableIdentifier?: string;
};

/** The engine's report of one object, as the v1.0 `provisioningObjectSummary` Graph documents. */
function summaryOf(
  jobState: JobState,
  outcome: ObjectOutcome,
  context: { cycleId: string; initiatedBy: Initiator; tenantId: string; at: number },
): Record<string, unknown> {
  const report = outcome.report as Report;
  const { servicePrincipal, job } = jobState;
  const status = (report.statusInfo?.status ?? 'Failure').toLowerCase();
  const started = Date.parse(report.startTime ?? '');
  const ended = Date.parse(report.endTime ?? '');
  const app = { id: servicePrincipal.id, displayName: servicePrincipal.displayName };
  const fromEntra = job.kind === 'app';
  return {
    id: randomUUID(),
    activityDateTime: new Date(context.at).toISOString(),
    tenantId: context.tenantId,
    jobId: job.id,
    cycleId: context.cycleId,
    changeId: report.changeId ?? randomUUID(),
    provisioningAction: ACTIONS[(report.action ?? 'other').toLowerCase()] ?? 'other',
    durationInMilliseconds: Number.isFinite(ended - started) ? Math.max(0, ended - started) : 0,
    initiatedBy: context.initiatedBy,
    servicePrincipal: app,
    sourceSystem: {
      id: fromEntra ? null : servicePrincipal.id,
      displayName: report.sourceSystem?.name ?? null,
      details: {},
    },
    targetSystem: {
      id: fromEntra ? servicePrincipal.id : null,
      displayName: report.targetSystem?.name ?? null,
      details: fromEntra
        ? {
            ApplicationId: servicePrincipal.appId,
            ServicePrincipalId: servicePrincipal.id,
            ServicePrincipalDisplayName: servicePrincipal.displayName,
          }
        : {},
    },
    sourceIdentity: {
      id: report.sourceIdentity?.id ?? null,
      displayName: outcome.sourceName ?? report.reportableIdentifier ?? null,
      identityType: report.sourceIdentity?.type ?? null,
      details: {},
    },
    targetIdentity: {
      id: report.targetIdentity?.id ?? '',
      displayName: report.reportableIdentifier ?? '',
      identityType: report.targetIdentity?.type ?? null,
      details: {},
    },
    provisioningStatusInfo: {
      status,
      errorInformation:
        status === 'success'
          ? null
          : {
              errorCode: report.statusInfo?.errorCode ?? null,
              reason: report.statusInfo?.reason ?? null,
              additionalDetails: report.statusInfo?.additionalDetails ?? null,
              errorCategory: report.statusInfo?.errorCategory ?? null,
              recommendedAction: report.statusInfo?.recommendedAction ?? null,
            },
    },
    provisioningSteps: (report.provisioningSteps ?? []).map((step) => ({
      name: step.name,
      provisioningStepType: step.type.charAt(0).toLowerCase() + step.type.slice(1),
      status: step.status.toLowerCase(),
      description: step.description,
      details: step.details,
    })),
    modifiedProperties: (report.modifiedProperties ?? []).map((property) => ({
      displayName: property.displayName,
      oldValue: property.oldValue,
      newValue: property.newValue,
    })),
  };
}

/**
 * The beta dialect of an entry: besides the v1.0 properties, the deprecated `action` and `statusInfo`
 * that older clients read (Graph's beta still sends them).
 */
export function betaEntry(entry: Record<string, unknown>): Record<string, unknown> {
  const info = entry.provisioningStatusInfo as {
    status: string;
    errorInformation: Record<string, unknown> | null;
  };
  const action = String(entry.provisioningAction);
  return {
    ...entry,
    action: action.charAt(0).toUpperCase() + action.slice(1),
    statusInfo: {
      '@odata.type': '#microsoft.graph.statusDetails',
      status: info.status,
      errorCode: info.errorInformation?.errorCode ?? null,
      reason: info.errorInformation?.reason ?? null,
      additionalDetails: info.errorInformation?.additionalDetails ?? null,
      errorCategory: info.errorInformation?.errorCategory ?? null,
      recommendedAction: info.errorInformation?.recommendedAction ?? null,
    },
  };
}
