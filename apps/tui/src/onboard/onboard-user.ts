import {
  collect,
  groupRequest,
  onDemandVerdict,
  remedyFor,
  summarizeOutcome,
  userRequest,
  type Verdict,
} from '@ondemand/core';
import { assignmentsOf, type FoundUser, type GraphClient } from '@ondemand/transport';
import { chooseRule } from '../commands/pick-rule.js';
import { jobReadiness } from '../jobs/job-readiness.js';

/** What onboarding did in one app. */
export interface OnboardedApp {
  servicePrincipalId: string;
  appName: string | null;
  jobId: string;
  /** Graph's result (Success, Skipped, Failure), or `NotSent` with why in `summary`. */
  result: string;
  verdict: Verdict;
  summary: string;
  /** What to do when it did not work. */
  whatToDo: string | null;
}

/** Whether a verdict needs nothing more. */
const done = (verdict: Verdict) => verdict === 'applied' || verdict === 'alreadyInSync';

/**
 * Provisions a user into every app they are assigned to (directly or through groups) that has a
 * provisioning job, one call per app. The apps go side by side, each at its own pace (Graph's limit
 * is per app); a job that cannot take the call (quarantined, paused, never run) is named and not sent
 * to. `skip` names apps already done (a rerun from the results file).
 */
export async function onboardUser(
  graph: GraphClient,
  user: FoundUser,
  options: { skip?: ReadonlySet<string>; signal?: AbortSignal; onResult?: (app: OnboardedApp) => void } = {},
): Promise<OnboardedApp[]> {
  const { assignments } = await assignmentsOf(graph, user.id, options.signal);
  const apps = [...new Map(assignments.map((each) => [each.appId.toLowerCase(), each])).values()];
  const results = await Promise.all(
    apps.map(async (app): Promise<OnboardedApp[]> => {
      const jobs = await collect(graph.listSynchronizationJobs(app.appId, { signal: options.signal }));
      const out: OnboardedApp[] = [];
      for (const job of jobs) {
        if (options.skip?.has(`${app.appId.toLowerCase()}/${job.id}`)) continue;
        const base = { servicePrincipalId: app.appId, appName: app.appName, jobId: job.id };
        // The job's health and its rules, read together: one round trip less before the call.
        const [view, schema] = await Promise.all([
          graph.getSynchronizationJob(app.appId, job.id, { signal: options.signal }),
          graph.getSynchronizationSchema(app.appId, job.id, { signal: options.signal }),
        ]);
        const readiness = jobReadiness(view);
        const refusal = readiness?.send === false ? readiness.why : undefined;
        const rules = schema.synchronizationRules;
        const rule = chooseRule(rules, 'User');
        let result: OnboardedApp;
        if (refusal || !rule.ok) {
          const why = refusal ?? (rule.ok ? '' : rule.problem);
          result = {
            ...base,
            result: 'NotSent',
            verdict: 'notProvisioned',
            summary: `not sent: ${why}`,
            whatToDo: why,
          };
        } else {
          const answer = await graph.provisionOnDemand(
            app.appId,
            job.id,
            userRequest({ ruleId: rule.ruleId, userId: user.id }),
            { signal: options.signal },
          );
          const { verdict } = onDemandVerdict(answer);
          result = {
            ...base,
            result: answer.result,
            verdict,
            summary: summarizeOutcome(answer),
            whatToDo: done(verdict)
              ? null
              : (remedyFor(answer.details.errorCode)?.whatToDo ??
                'Read the result: ondemand why --user … --app … says more'),
          };
        }
        options.onResult?.(result);
        out.push(result);
      }
      return out;
    }),
  );
  return results.flat();
}

/** At most five members per call, as Graph takes them. */
export const MEMBERS_PER_CALL = 5;

/**
 * Pushes a group and its members to one app: the group with five of its members per call (Graph's
 * limit), every call at the app's pace. Returns each call's outcome.
 */
export async function pushGroup(
  graph: GraphClient,
  target: { servicePrincipalId: string; jobId: string; ruleId: string },
  group: { id: string; members: string[] },
  options: {
    signal?: AbortSignal;
    onResult?: (call: { members: string[]; result: string; verdict: Verdict; summary: string }) => void;
  } = {},
): Promise<Array<{ members: string[]; result: string; verdict: Verdict; summary: string }>> {
  const batches: string[][] = [];
  for (let index = 0; index < group.members.length; index += MEMBERS_PER_CALL)
    batches.push(group.members.slice(index, index + MEMBERS_PER_CALL));
  if (batches.length === 0) batches.push([]);
  const results = await Promise.all(
    batches.map(async (members) => {
      const answer = await graph.provisionOnDemand(
        target.servicePrincipalId,
        target.jobId,
        groupRequest({ ruleId: target.ruleId, groupId: group.id, memberIds: members }),
        { signal: options.signal },
      );
      const call = {
        members,
        result: answer.result,
        verdict: onDemandVerdict(answer).verdict,
        summary: summarizeOutcome(answer),
      };
      options.onResult?.(call);
      return call;
    }),
  );
  return results;
}
