import type { Context } from 'hono';
import type { JobHealth } from '../../engine/job-health.js';
import type { Initiator } from '../../engine/provisioning-log.js';
import type { SeedGroup, SeedJob, SeedServicePrincipal, SeedUser } from '../../seed/seed-schema.js';
import type { JobState } from '../../tenant.js';
import { graphError } from '../graph-error.js';
import { compileFilter, compileSearch, page, selectProperties, skipToken } from '../odata.js';
import type { SimulatorContext } from '../simulator-context.js';
import { type Caller, DIRECTORY_ROLES } from '../token-service.js';

/** A job found for a call: its app, its seed and its state in the tenant. */
export type FoundJob = { sp: SeedServicePrincipal; job: SeedJob; state: JobState };

/** What Graph's routes share: the permissions each needs, answers in Graph's shapes, the views. */

export type Env = { Variables: { requestId: string; caller: Caller } };

export const readUsers = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const readGroups = [
  'Group.Read.All',
  'GroupMember.Read.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const readApps = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'Application.ReadWrite.OwnedBy',
  'Directory.Read.All',
  'Synchronization.Read.All',
  'Synchronization.ReadWrite.All',
];
export const provision = ['Synchronization.ReadWrite.All', 'Application.ReadWrite.OwnedBy'];
/** Reading provisioning logs (application or delegated). */
export const readAuditLogs = ['AuditLog.Read.All'];
export const adminRoles = {
  app: [DIRECTORY_ROLES['Application Administrator']!, DIRECTORY_ROLES['Cloud Application Administrator']!],
  cloudSync: [DIRECTORY_ROLES['Hybrid Identity Administrator']!],
};

export function collection(
  c: Context<Env>,
  all: Array<Record<string, unknown>>,
  options: { filterable: string[]; searchable: string[] },
) {
  let items = all;
  const filter = c.req.query('$filter');
  const search = c.req.query('$search');
  if (search !== undefined) {
    if (c.req.header('consistencylevel')?.toLowerCase() !== 'eventual') {
      return graphError(
        c,
        400,
        'Request_UnsupportedQuery',
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      );
    }
    items = items.filter(compileSearch(search, options.searchable));
  }
  if (filter !== undefined) items = items.filter(compileFilter(filter, options.filterable));
  const { items: pageItems, nextSkip } = page(items, c.req.query('$top'), c.req.query('$skiptoken'));
  const select = c.req.query('$select');
  const body: Record<string, unknown> = {
    '@odata.context': `${graphBase(c)}/$metadata#${c.req.path.split('/').slice(2).join('/')}`,
  };
  if (c.req.query('$count') === 'true') body['@odata.count'] = items.length;
  if (nextSkip !== undefined) {
    const next = new URL(c.req.url);
    next.searchParams.set('$skiptoken', skipToken(nextSkip));
    body['@odata.nextLink'] = next.toString();
  }
  body.value = pageItems.map((item) => selectProperties(item, select));
  return c.json(body);
}

export function requirePermission(
  c: Context<Env>,
  caller: Caller,
  anyOf: string[],
  delegatedOk = false,
): Response | undefined {
  if (caller.permissions.some((permission) => anyOf.includes(permission))) return undefined;
  if (delegatedOk && caller.kind === 'user') return undefined;
  return graphError(
    c,
    403,
    'Authorization_RequestDenied',
    'Insufficient privileges to complete the operation.',
  );
}

export function unauthorized(c: Context, message: string): Response {
  return graphError(c, 401, 'InvalidAuthenticationToken', message, {
    headers: {
      'WWW-Authenticate':
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"',
    },
  });
}

export function notFound(c: Context, id: string): Response {
  return graphError(
    c,
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** Answers 429 with Graph's throttling body and a Retry-After in seconds (fractional when time runs scaled). */
export function throttled(
  c: Context,
  sim: SimulatorContext,
  retryInMs: number,
  cause: 'limit' | 'fault' = 'limit',
): Response {
  sim.stats.throttledCall(cause);
  const seconds =
    sim.timeScale === 1
      ? String(Math.max(1, Math.ceil(retryInMs / 1000)))
      : String(Math.max(0.001, Math.ceil(retryInMs) / 1000));
  return graphError(c, 429, 'TooManyRequests', 'Too many requests. Retry after some time.', {
    headers: { 'Retry-After': seconds },
  });
}

export function graphBase(c: Context): string {
  const url = new URL(c.req.url);
  return `${url.origin}/${url.pathname.split('/')[1]}`;
}

export function servicePrincipalView(sp: SeedServicePrincipal) {
  return {
    id: sp.id,
    appId: sp.appId,
    displayName: sp.displayName,
    servicePrincipalType: 'Application',
    accountEnabled: true,
    tags: sp.tags,
  };
}

export function userView(user: SeedUser) {
  const { directoryRoles: _roles, ...view } = user;
  return { businessPhones: [], ...view };
}

export function groupView(group: SeedGroup) {
  const { members: _members, ...view } = group;
  return { mailEnabled: false, groupTypes: [], ...view };
}

/** A synchronization job as Graph answers it: its schedule and status from the service's health. */
export function jobView(job: SeedJob, health: JobHealth) {
  return {
    id: job.id,
    templateId: job.templateId,
    ...health.view(),
    synchronizationJobSettings: [],
  };
}

/** Who the provisioning log says started an on-demand call: the signed-in user or the app. */
export function initiatorOf(sim: SimulatorContext, caller: Caller): Initiator {
  if (caller.kind === 'user' && caller.userId) {
    const user = sim.tenant.users.get(caller.userId);
    return {
      id: caller.userId,
      displayName: user?.userPrincipalName ?? caller.userId,
      initiatorType: 'user',
    };
  }
  const client = sim.tenant.seed.clients.find((each) => each.clientId === caller.clientId);
  return {
    id: caller.clientId,
    displayName: client?.displayName ?? caller.clientId,
    initiatorType: 'application',
  };
}

export function schemaView(job: SeedJob) {
  return {
    id: job.id,
    version: 'v1.2',
    synchronizationRules: job.rules.map((rule, index) => ({
      id: rule.id,
      name: rule.name,
      editable: true,
      priority: index + 1,
      containerFilter: null,
      groupFilter: null,
      sourceDirectoryName: rule.sourceDirectoryName,
      targetDirectoryName: rule.targetDirectoryName,
      metadata: [],
      objectMappings: rule.objectMappings.map((mapping) => ({
        enabled: true,
        flowTypes: 'Add, Update, Delete',
        name: `Provision ${rule.sourceDirectoryName} ${mapping.sourceObjectName}s`,
        sourceObjectName: mapping.sourceObjectName,
        targetObjectName: mapping.targetObjectName,
        metadata: [],
        attributeMappings: mapping.attributeMappings.map((each) => ({
          defaultValue: null,
          exportMissingReferences: false,
          flowBehavior: 'FlowWhenChanged',
          flowType: 'Always',
          matchingPriority: each.matching ? 1 : 0,
          targetAttributeName: each.target,
          source: { expression: `[${each.source}]`, name: each.source, type: 'Attribute', parameters: [] },
        })),
        scope:
          mapping.scopingFilter.length === 0
            ? null
            : {
                groups: [
                  {
                    clauses: mapping.scopingFilter.map((clause) => ({
                      operatorName: clause.operator,
                      sourceOperandName: clause.attribute,
                      targetOperand: { values: clause.value === undefined ? [] : [clause.value] },
                    })),
                  },
                ],
              },
      })),
    })),
    directories: [],
  };
}
