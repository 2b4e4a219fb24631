import { z } from 'zod';
import type { InputIssue } from '../issue-path.js';
import { toInputIssue } from '../request-schema.js';
import { DO_NOT_USE_RESTART_FLAGS, parseRestartScope, RESTART_SCOPE_MEANINGS } from './restart-scope.js';

/**
 * The actions Graph takes on a synchronization job (`POST …/jobs/{id}/{action}`), beside
 * provisionOnDemand. https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationjob
 */
export const JOB_ACTIONS = ['start', 'pause', 'restart', 'validateCredentials'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

/** Every call on a job that an ondemand proxy judges: provisionOnDemand and the job actions. */
export const JOB_OPERATIONS = ['provisionOnDemand', ...JOB_ACTIONS] as const;
export type JobOperation = (typeof JOB_OPERATIONS)[number];

/** A job action's body as it is sent: checked, and in one spelling (what is approved is what runs). */
export type JobActionBody =
  | Record<string, never>
  | { criteria: { resetScope: string } }
  | { useSavedCredentials: true };

const noBody = z.strictObject({}, { error: 'start and pause take no body: send none, or {}' });

const restartBody = z.strictObject(
  { criteria: z.strictObject({ resetScope: z.string().nullable().optional() }).nullable().optional() },
  { error: 'restart takes only { "criteria": { "resetScope": "Flag,Flag" } }' },
);

// Credentials sent in a body would be kept wherever the request is (the audit log, an approval, a
// log line): a proxy tests only the credentials saved on the job.
const validateCredentialsBody = z.strictObject(
  {
    useSavedCredentials: z.literal(true, {
      error:
        'send { "useSavedCredentials": true }: the credentials saved on the job are tested (to test new ones, save them on the job first)',
    }),
  },
  {
    error:
      'validateCredentials takes only { "useSavedCredentials": true }: credentials in the body are not passed on (they would be kept in the audit log); save them on the job first',
  },
);

/**
 * Checks a job action's body and gives it in one spelling: start and pause with none (`{}`), restart
 * with its scope's flags as Graph names them (absent or empty: `{}`, the portal's restart), and a
 * credential test of the saved credentials. Unknown restart flags and the two Microsoft documents as
 * "DO NOT USE" are refused, naming them and what to do instead.
 */
export function validateJobActionBody(
  action: JobAction,
  body: unknown,
): { ok: true; value: JobActionBody } | { ok: false; issues: InputIssue[] } {
  const given = body === undefined || body === null ? {} : body;
  if (action === 'start' || action === 'pause') {
    const parsed = noBody.safeParse(given);
    return parsed.success ? { ok: true, value: {} } : { ok: false, issues: issuesOf(parsed.error) };
  }
  if (action === 'validateCredentials') {
    const parsed = validateCredentialsBody.safeParse(given);
    return parsed.success
      ? { ok: true, value: { useSavedCredentials: true } }
      : { ok: false, issues: issuesOf(parsed.error) };
  }
  const parsed = restartBody.safeParse(given);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  const scope = parseRestartScope(parsed.data.criteria?.resetScope);
  if (!scope.ok)
    return {
      ok: false,
      issues: [
        {
          path: 'criteria.resetScope',
          message: `${scope.unknown.map((name) => JSON.stringify(name)).join(', ')} ${scope.unknown.length === 1 ? 'is not a restart flag' : 'are not restart flags'}: use ${Object.keys(RESTART_SCOPE_MEANINGS).join(', ')}, separated by commas`,
        },
      ],
    };
  const refused = scope.flags.filter((flag) => DO_NOT_USE_RESTART_FLAGS.includes(flag));
  if (refused.length > 0)
    return {
      ok: false,
      issues: refused.map((flag) => ({
        path: 'criteria.resetScope',
        message: `${flag} ${RESTART_SCOPE_MEANINGS[flag]}`,
      })),
    };
  return { ok: true, value: scope.empty ? {} : { criteria: { resetScope: scope.flags.join(',') } } };
}

function issuesOf(error: z.ZodError): InputIssue[] {
  return error.issues.map(toInputIssue);
}

/** A job action in a few words, for an audit entry's subject and a list: `restart Watermark,Escrows`. */
export function describeJobAction(action: JobAction, body: unknown): string {
  if (action !== 'restart') return action;
  const scope = (body as { criteria?: { resetScope?: string } } | undefined)?.criteria?.resetScope;
  return scope ? `restart ${scope}` : 'restart (the portal’s default scope)';
}

/**
 * The app, job and call a job path names, as sent (`/v1.0/servicePrincipals/{sp}/synchronization/jobs/
 * {job}/restart`), ids decoded; undefined for any other path.
 */
export function jobCallOfPath(
  path: string,
): { servicePrincipalId: string; jobId: string; operation: JobOperation } | undefined {
  const match = /\/servicePrincipals\/([^/]+)\/synchronization\/jobs\/([^/]+)\/([A-Za-z]+)$/.exec(
    path.split('?')[0]!,
  );
  const operation = JOB_OPERATIONS.find((each) => each === match?.[3]);
  if (!match || !operation) return undefined;
  try {
    return {
      servicePrincipalId: decodeURIComponent(match[1]!),
      jobId: decodeURIComponent(match[2]!),
      operation,
    };
  } catch {
    return undefined;
  }
}
