import type { InputIssue } from '@ondemand/core';

/**
 * The reads the proxy passes through: what the terminal UI and SDK callers need to find an app, its
 * jobs and rules, and the users and groups to provision, and nothing else (no secrets, no
 * authentication methods, no other collections). `{id}` is one path segment.
 */
const ALLOWED_READS = [
  'servicePrincipals',
  'servicePrincipals/{id}',
  'servicePrincipals/{id}/synchronization/jobs',
  'servicePrincipals/{id}/synchronization/jobs/{id}',
  'servicePrincipals/{id}/synchronization/jobs/{id}/schema',
  'users',
  'users/{id}',
  'groups',
  'groups/{id}',
  'groups/{id}/members',
  // Why, onboarding and job health: a user's apps and groups, a group's apps.
  'users/{id}/appRoleAssignments',
  'users/{id}/memberOf',
  'groups/{id}/appRoleAssignments',
  // The provisioning logs: for the roles that check (see PROVISIONING_LOG_READERS), in the reports limit.
  'auditLogs/provisioning',
].map((pattern) => pattern.split('/'));

/** Who may read the provisioning logs through the proxy: those who check, not every requester. */
export const PROVISIONING_LOG_READERS = ['auditor', 'approver', 'admin'] as const;

/** Whether an allowed path is the provisioning logs (read in Graph's reports limit). */
export function isProvisioningLogs(path: string): boolean {
  return path.toLowerCase() === '/auditlogs/provisioning';
}

/** The query options a read may carry (paging links hold `$skiptoken`). */
const ALLOWED_OPTIONS = new Set([
  '$select',
  '$filter',
  '$search',
  '$top',
  '$skip',
  '$skiptoken',
  '$count',
  '$orderby',
]);

/** A GUID, a UPN, a job id: what an id segment holds once decoded. Nothing that could be another segment. */
const ID_SEGMENT = /^(?!\$)(?!\.{1,2}$)[A-Za-z0-9._@'-]+$/;

/**
 * Checks a read's path (below `/v1.0` or `/beta`, still encoded) and query against the allow-list,
 * after decoding each segment, and gives the path to send, encoded afresh.
 */
export function allowedRead(
  encodedPath: string,
  query: URLSearchParams,
): { ok: true; path: string } | { ok: false; issue: InputIssue } {
  const refuse = (message: string) => ({ ok: false as const, issue: { path: encodedPath, message } });
  const segments: string[] = [];
  for (const raw of encodedPath.replace(/^\//, '').split('/')) {
    try {
      segments.push(decodeURIComponent(raw));
    } catch {
      return refuse(`the path segment "${raw}" is not valid percent-encoding`);
    }
  }
  const pattern = ALLOWED_READS.find(
    (candidate) =>
      candidate.length === segments.length &&
      candidate.every((part, index) =>
        part === '{id}'
          ? ID_SEGMENT.test(segments[index]!)
          : part.toLowerCase() === segments[index]!.toLowerCase(),
      ),
  );
  if (!pattern)
    return refuse(
      'the proxy passes through only reads of service principals (their jobs and schema), users, groups, group members, app role assignments and provisioning logs',
    );
  for (const option of query.keys())
    if (!ALLOWED_OPTIONS.has(option))
      return refuse(
        `the query option "${option}" is not passed through: use ${[...ALLOWED_OPTIONS].join(', ')}`,
      );
  const path = pattern
    .map((part, index) => (part === '{id}' ? encodeURIComponent(segments[index]!) : part))
    .join('/');
  return { ok: true, path: `/${path}` };
}
