/** What `GET /auditLogs/provisioning` can be asked for, in the names operators use. */
export interface ProvisioningLogQuery {
  /** The source object's id (a user's or a group's Entra object id). */
  sourceId?: string;
  /** The target object's id in the app. */
  targetId?: string;
  servicePrincipalId?: string;
  jobId?: string;
  cycleId?: string;
  changeId?: string;
  /** success, failure, skipped or warning (Graph compares the status without case). */
  status?: 'success' | 'failure' | 'skipped' | 'warning';
  action?: 'create' | 'update' | 'delete' | 'disable' | 'stagedDelete' | 'other';
  /** Entries at or after this time (`activityDateTime gt`, a millisecond earlier). */
  since?: Date;
  /** Entries before this time (`activityDateTime lt`). */
  until?: Date;
}

/** A string literal in OData: quoted, with its own quotes doubled. */
function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/**
 * The `$filter` for a query, with only the clauses Graph documents for provisioning logs (`eq` on
 * ids, the action and the status; `gt`/`lt` on `activityDateTime`) joined by `and`; `undefined` when
 * nothing is asked. Values are quoted, never pasted, so an id holding a quote cannot change the query.
 */
export function provisioningLogFilter(query: ProvisioningLogQuery): string | undefined {
  const clauses: string[] = [];
  const equals = (path: string, value: string | undefined) => {
    if (value !== undefined) clauses.push(`${path} eq ${literal(value)}`);
  };
  equals('sourceIdentity/id', query.sourceId);
  equals('targetIdentity/id', query.targetId);
  equals('servicePrincipal/id', query.servicePrincipalId);
  equals('jobId', query.jobId);
  equals('cycleId', query.cycleId);
  equals('changeId', query.changeId);
  equals('provisioningStatusInfo/status', query.status);
  equals('provisioningAction', query.action);
  // Graph documents gt and lt on activityDateTime, not ge: "since" is one millisecond earlier.
  if (query.since) clauses.push(`activityDateTime gt ${new Date(query.since.getTime() - 1).toISOString()}`);
  if (query.until) clauses.push(`activityDateTime lt ${query.until.toISOString()}`);
  return clauses.length > 0 ? clauses.join(' and ') : undefined;
}
