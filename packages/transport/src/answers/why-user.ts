import {
  collect,
  evaluateScope,
  type JobHealth,
  onDemandVerdict,
  type ProvisioningLogEntry,
  remedyFor,
  type ScopeEvaluation,
  type SynchronizationJobView,
  scopeAttributes,
  summarizeOutcome,
  userRequest,
  type Verdict,
} from '@ondemand/core';
import type { GraphClient } from '../graph-client.js';
import type { SynchronizationSchema } from '../graph-schemas.js';
import { assignmentsOf } from './assignments.js';

/** A user as a lookup found them: the id, and the names shown. */
export interface FoundUser {
  id: string;
  displayName: string | null;
  userPrincipalName: string | null;
}

/** Why a user is, or is not, in one app: each piece of evidence, one verdict, what to do. */
export interface WhyApp {
  servicePrincipalId: string;
  appName: string | null;
  jobId: string | null;
  /** Assigned directly or through a group; `null` when it could not be read. */
  assigned: boolean | null;
  /** `directly`, or the names of the groups that assign them. */
  assignedThrough: string[];
  /** What the job's scoping filter says of them; `null` when it could not be evaluated. */
  inScope: boolean | null;
  scope: ScopeEvaluation | null;
  jobHealth: JobHealth | null;
  job: SynchronizationJobView | null;
  /** Their newest provisioning-log entry in this app, or `null` (see `evidenceMissing`). */
  latestLog: ProvisioningLogEntry | null;
  verdict: Verdict;
  whatToDo: string;
  /** What could not be read, and why: said, never guessed around. */
  evidenceMissing: string[];
  /** The rule a provisionOnDemand for them would use. */
  ruleId: string | null;
  /** What `--provision` did, when it ran. */
  provisioned?: { result: string; verdict: Verdict; summary: string } | undefined;
}

export interface WhyReport {
  subject: { id: string; displayName: string | null; userPrincipalName: string | null };
  apps: WhyApp[];
}

/** Whether a verdict means the user is there as the source says. */
export const isWell = (verdict: Verdict) => verdict === 'applied' || verdict === 'alreadyInSync';

/**
 * Answers "why isn't this person in that app?" from what Graph says: their assignments (direct and
 * through their groups), each app's jobs, their health, the scoping filter evaluated on their
 * attributes, and their newest provisioning-log entry (one reports call per app). Each answer has one
 * verdict and what to do; what could not be read is named.
 */
export async function whyUser(
  graph: GraphClient,
  user: FoundUser,
  only: { id: string; displayName: string | null } | undefined,
  signal?: AbortSignal,
): Promise<WhyReport> {
  const { assignments, missing } = await assignmentsOf(graph, user.id, signal);
  const apps = only
    ? [{ id: only.id, displayName: only.displayName }]
    : [
        ...new Map(
          [...assignments.values()].map((each) => [
            each.appId,
            { id: each.appId, displayName: each.appName },
          ]),
        ).values(),
      ];
  const report: WhyReport = {
    subject: { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName },
    apps: [],
  };
  for (const app of apps) {
    const through = [...assignments.values()].filter(
      (each) => each.appId.toLowerCase() === app.id.toLowerCase(),
    );
    const assigned = missing ? (through.length > 0 ? true : null) : through.length > 0;
    const jobs = await collect(graph.listSynchronizationJobs(app.id, { signal }));
    if (jobs.length === 0) {
      report.apps.push({
        servicePrincipalId: app.id,
        appName: app.displayName,
        jobId: null,
        assigned,
        assignedThrough: through.map((each) => each.through),
        inScope: null,
        scope: null,
        jobHealth: null,
        job: null,
        latestLog: null,
        verdict: 'notProvisioned',
        whatToDo: `${app.displayName ?? app.id} has no provisioning job: nothing provisions anyone into it. Set up provisioning for it in the Entra admin center, or give access another way.`,
        evidenceMissing: missing ? [missing] : [],
        ruleId: null,
      });
      continue;
    }
    const logs = await latestEntries(graph, user.id, app.id, signal);
    for (const job of jobs) {
      const [view, schema] = await Promise.all([
        graph.getSynchronizationJob(app.id, job.id, { signal }),
        graph.getSynchronizationSchema(app.id, job.id, { signal }).catch(() => undefined),
      ]);
      const mapping = userMapping(schema);
      const attributes = mapping?.scope
        ? await graph.getUser(user.id, { select: scopeAttributes(mapping.scope), signal })
        : undefined;
      const scope = mapping ? evaluateScope(mapping.scope, attributes ?? {}) : null;
      const latest = logs.entries.find((entry) => entry.jobId === null || entry.jobId === job.id) ?? null;
      const evidenceMissing = [
        missing,
        logs.missing,
        schema ? undefined : 'the job schema could not be read: the scoping filter is not known',
      ].filter((each): each is string => !!each);
      report.apps.push(
        judge({
          servicePrincipalId: app.id,
          appName: app.displayName,
          jobId: job.id,
          assigned,
          assignedThrough: through.map((each) => each.through),
          inScope: scope?.inScope ?? null,
          scope,
          jobHealth: view.health,
          job: view,
          latestLog: latest,
          evidenceMissing,
          ruleId: mapping?.ruleId ?? null,
          userName: user.displayName ?? user.userPrincipalName ?? user.id,
        }),
      );
    }
  }
  return report;
}

/** Sends provisionOnDemand for each app where it can work and they are not there yet, each app at its own pace. */
export async function provisionWhereNeeded(
  graph: GraphClient,
  report: WhyReport,
  signal?: AbortSignal,
): Promise<void> {
  await Promise.all(
    report.apps.map(async (app) => {
      if (
        isWell(app.verdict) ||
        !app.jobId ||
        !app.ruleId ||
        app.assigned === false ||
        app.inScope === false ||
        app.jobHealth !== 'active'
      )
        return;
      const result = await graph.provisionOnDemand(
        app.servicePrincipalId,
        app.jobId,
        userRequest({ ruleId: app.ruleId, userId: report.subject.id }),
        { signal },
      );
      const { verdict } = onDemandVerdict(result);
      app.provisioned = { result: result.result, verdict, summary: summarizeOutcome(result) };
      app.verdict = verdict;
      if (isWell(verdict)) app.whatToDo = 'Nothing: provisioned now.';
      else
        app.whatToDo =
          remedyFor(result.details.errorCode)?.whatToDo ??
          `Read the on-demand result: ${summarizeOutcome(result)}`;
    }),
  );
}

async function latestEntries(
  graph: GraphClient,
  userId: string,
  servicePrincipalId: string,
  signal?: AbortSignal,
): Promise<{ entries: ProvisioningLogEntry[]; missing: string | undefined }> {
  try {
    // One page, newest first: at most one reports call per app.
    const entries: ProvisioningLogEntry[] = [];
    for await (const entry of graph.listProvisioningLogs(
      { sourceId: userId, servicePrincipalId },
      { top: 10, signal },
    )) {
      entries.push(entry);
      if (entries.length === 10) break;
    }
    return { entries, missing: undefined };
  } catch (error) {
    if ((error as { status?: number }).status !== 403) throw error;
    return { entries: [], missing: 'the provisioning logs could not be read (grant AuditLog.Read.All)' };
  }
}

/** The object mapping that provisions users, with its rule: whose scope applies, which rule to send. */
function userMapping(
  schema: SynchronizationSchema | undefined,
): { ruleId: string; scope: unknown } | undefined {
  for (const rule of schema?.synchronizationRules ?? [])
    for (const mapping of rule.objectMappings ?? [])
      if (mapping.sourceObjectName?.toLowerCase() === 'user' && mapping.enabled !== false)
        return { ruleId: rule.id, scope: (mapping as { scope?: unknown }).scope ?? null };
  return undefined;
}

type Evidence = Omit<WhyApp, 'verdict' | 'whatToDo'> & { userName: string };

/** One verdict from the evidence, the first thing in the way first. */
function judge(evidence: Evidence): WhyApp {
  const { userName: name, ...app } = evidence;
  const appName = app.appName ?? app.servicePrincipalId;
  const decide = (verdict: Verdict, whatToDo: string): WhyApp => ({ ...app, verdict, whatToDo });
  if (app.assigned === false)
    return decide(
      'notProvisioned',
      `Assign ${name} (or a group of theirs) to ${appName} (Enterprise applications → ${appName} → Users and groups); the next cycle provisions them, or provision them on demand now. If the job provisions all users, not only assigned ones, this does not apply.`,
    );
  if (app.inScope === false) {
    const failing = app.scope?.groups.flat().filter((clause) => clause.holds === false) ?? [];
    return decide(
      'notProvisioned',
      `The scoping filter leaves ${name} out: ${failing
        .map(
          (clause) =>
            `${clause.attribute} ${clause.operator}${clause.values.length ? ` '${clause.values.join("', '")}'` : ''} (theirs: ${clause.actual ?? 'none'})`,
        )
        .join('; ')}. Change the attribute in Entra ID, or the job's scoping filter.`,
    );
  }
  const job = app.job;
  if (job && job.health !== 'active') {
    if (job.health === 'quarantined') {
      const remedy = remedyFor(job.quarantine?.error?.code) ?? remedyFor(job.quarantine?.reason);
      return decide(
        'failed',
        `The job is in quarantine (${job.quarantine?.reason ?? 'reason not given'}; next attempt ${job.quarantine?.nextAttempt ?? 'not scheduled'}): ${remedy?.whatToDo ?? 'read the job status: ondemand jobs status'}`,
      );
    }
    const words = {
      paused: 'paused: ondemand jobs start',
      notRun: 'never started: ondemand jobs start',
      notConfigured: 'not configured: set up its credentials and mappings in the admin center',
      unknown: 'in an unknown state: ondemand jobs status',
    } as const;
    return decide(
      'notProvisioned',
      `The job is ${words[job.health as keyof typeof words]}. Nothing is provisioned until it runs.`,
    );
  }
  const latest = app.latestLog;
  if (latest) {
    if (isWell(latest.verdict))
      return decide(
        latest.verdict,
        `Nothing: the newest entry (${latest.activityDateTime}) says ${latest.verdict === 'applied' ? `${latest.action} done` : 'already the same in the app'}.`,
      );
    return decide(
      latest.verdict,
      latest.advice?.whatToDo ??
        `Read the newest entry: ${latest.errorCode ?? latest.status}${latest.reason ? ` — ${latest.reason}` : ''} (ondemand logs --sp ${app.servicePrincipalId} shows every step).`,
    );
  }
  if (app.evidenceMissing.some((each) => each.includes('provisioning logs')))
    return decide(
      'unknown',
      `Without the provisioning logs this cannot be told: grant AuditLog.Read.All, or provision them on demand now to see what happens.`,
    );
  return decide(
    'unknown',
    `No provisioning-log entry for ${name} here yet: entries appear minutes after the work, and the next cycle may not have reached them. Provision them on demand now to see what happens.`,
  );
}
