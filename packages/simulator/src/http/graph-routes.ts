import { validateProvisionRequest } from '@ondemand/core';
import { type Context, Hono } from 'hono';
import { ProvisionRequestError } from '../engine/provision-engine.js';
import type { SeedGroup, SeedJob, SeedServicePrincipal, SeedUser } from '../seed/seed-schema.js';
import { graphError } from './graph-error.js';
import { compileFilter, compileSearch, ODataQueryError, page, selectProperties, skipToken } from './odata.js';
import { MAX_BODY_BYTES, readBodyText } from './request-body.js';
import type { SimulatorContext } from './simulator-context.js';
import { type Caller, DIRECTORY_ROLES, TokenError } from './token-service.js';

type Env = { Variables: { requestId: string; caller: Caller } };

const readUsers = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const readGroups = [
  'Group.Read.All',
  'GroupMember.Read.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
const readApps = [
  'Application.Read.All',
  'Application.ReadWrite.All',
  'Application.ReadWrite.OwnedBy',
  'Directory.Read.All',
  'Synchronization.Read.All',
  'Synchronization.ReadWrite.All',
];
const provision = ['Synchronization.ReadWrite.All', 'Application.ReadWrite.OwnedBy'];
const adminRoles = {
  app: [DIRECTORY_ROLES['Application Administrator']!, DIRECTORY_ROLES['Cloud Application Administrator']!],
  cloudSync: [DIRECTORY_ROLES['Hybrid Identity Administrator']!],
};

/** Graph v1.0 and beta, as far as provisioning on demand needs: apps, jobs, schemas, users, groups. */
export function graphRoutes(sim: SimulatorContext): Hono<Env> {
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    if (!token) return unauthorized(c, 'Access token is empty.');
    try {
      c.set('caller', await sim.tokens.verify(token, sim.tenant.seed.tenantId));
    } catch (error) {
      if (error instanceof TokenError) return unauthorized(c, error.message);
      throw error;
    }
    await next();
  });

  // Every call but provisionOnDemand shares one loose limit per client.
  app.use('*', async (c, next) => {
    if (c.req.path.endsWith('/provisionOnDemand')) return next();
    const attempt = sim.limiterStore.tryAcquire(
      `reads:${c.get('caller').clientId}`,
      sim.readLimit.limit,
      sim.readLimit.windowMs,
      Date.now(),
    );
    if (!attempt.granted) return throttled(c, sim, attempt.retryInMs);
    return next();
  });

  app.onError((error, c) => {
    if (error instanceof ODataQueryError) return graphError(c, 400, error.code, error.message);
    throw error;
  });

  app.get('/servicePrincipals', (c) => {
    const caller = c.get('caller');
    const denied = requirePermission(c, caller, readApps);
    if (denied) return denied;
    const items = [...sim.tenant.servicePrincipals.values()]
      .filter((sp) => visibleTo(caller, sp))
      .map(servicePrincipalView);
    return collection(c, items, {
      filterable: ['displayName', 'appId', 'id', 'servicePrincipalType'],
      searchable: ['displayName'],
    });
  });

  app.get('/servicePrincipals/:sp', (c) => {
    const sp = findServicePrincipal(c);
    if (sp instanceof Response) return sp;
    return c.json(
      selectProperties(
        {
          '@odata.context': `${graphBase(c)}/$metadata#servicePrincipals/$entity`,
          ...servicePrincipalView(sp),
        },
        c.req.query('$select'),
      ),
    );
  });

  app.get('/servicePrincipals/:sp/synchronization/jobs', (c) => {
    const sp = findServicePrincipal(c);
    if (sp instanceof Response) return sp;
    return c.json({
      '@odata.context': `${graphBase(c)}/$metadata#servicePrincipals('${sp.id}')/synchronization/jobs`,
      value: sp.jobs.map(jobView),
    });
  });

  app.get('/servicePrincipals/:sp/synchronization/jobs/:job', (c) => {
    const found = findJob(c);
    if (found instanceof Response) return found;
    return c.json(jobView(found.job));
  });

  app.get('/servicePrincipals/:sp/synchronization/jobs/:job/schema', (c) => {
    const found = findJob(c);
    if (found instanceof Response) return found;
    return c.json({
      '@odata.context': `${graphBase(c)}/$metadata#servicePrincipals('${found.sp.id}')/synchronization/jobs('${found.job.id}')/schema/$entity`,
      ...schemaView(found.job),
    });
  });

  app.post('/servicePrincipals/:sp/synchronization/jobs/:job/provisionOnDemand', async (c) => {
    const caller = c.get('caller');
    const found = findJob(c, provision);
    if (found instanceof Response) return found;
    if (caller.kind === 'user') {
      const allowed = adminRoles[found.job.kind];
      if (!caller.roleIds.some((role) => allowed.includes(role))) {
        return graphError(
          c,
          403,
          'Authorization_RequestDenied',
          `Insufficient privileges to complete the operation. The signed-in user needs one of the roles: ${found.job.kind === 'cloudSync' ? 'Hybrid Identity Administrator' : 'Application Administrator, Cloud Application Administrator'}.`,
        );
      }
    }
    const app = found.sp.id;
    const now = Date.now();
    sim.stats.provisionReceived(app, now);
    if (sim.provisionLimit) {
      const attempt = sim.limiterStore.tryAcquire(
        `provision:${app}`,
        sim.provisionLimit.limit,
        sim.provisionLimit.windowMs,
        now,
      );
      if (!attempt.granted) return throttled(c, sim, attempt.retryInMs);
    }
    sim.stats.provisionAccepted(app, now);

    const contentType = c.req.header('content-type') ?? '';
    if (!/^application\/json\b/i.test(contentType)) {
      return graphError(
        c,
        415,
        'UnsupportedMediaType',
        `The content type '${contentType || '(none)'}' is not supported: send the body as application/json.`,
      );
    }
    const text = await readBodyText(c);
    if (!text.ok) {
      // The rest of the body is never read, so the connection cannot carry another request.
      return graphError(
        c,
        413,
        'RequestEntityTooLarge',
        `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
        { headers: { Connection: 'close' } },
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text.text);
    } catch {
      return graphError(
        c,
        400,
        'BadRequest',
        'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
      );
    }
    const checked = validateProvisionRequest(body);
    if (!checked.ok) {
      const first = checked.issues[0]!;
      return graphError(c, 400, 'BadRequest', `Invalid request body: ${first.path}: ${first.message}`, {
        details: checked.issues.map((issue) => ({
          code: 'InvalidValue',
          message: issue.message,
          target: issue.path,
        })),
      });
    }
    try {
      const answer = sim.engine.provision(found.state, checked.value);
      sim.stats.provisionProcessed(c.req.header('client-request-id'));
      return c.json({
        '@odata.context': `${graphBase(c)}/$metadata#microsoft.graph.stringKeyStringValuePair`,
        ...answer,
      });
    } catch (error) {
      if (error instanceof ProvisionRequestError)
        return graphError(c, error.status, error.code, error.message);
      throw error;
    }
  });

  app.get('/users', (c) => {
    const denied = requirePermission(c, c.get('caller'), readUsers, true);
    if (denied) return denied;
    return collection(c, [...sim.tenant.users.values()].map(userView), {
      filterable: [
        'displayName',
        'userPrincipalName',
        'mail',
        'id',
        'givenName',
        'surname',
        'department',
        'accountEnabled',
        'mailNickname',
        'employeeId',
      ],
      searchable: ['displayName', 'userPrincipalName', 'mail', 'givenName', 'surname', 'mailNickname'],
    });
  });

  app.get('/users/:id', (c) => {
    const denied = requirePermission(c, c.get('caller'), readUsers, true);
    if (denied) return denied;
    const key = c.req.param('id').toLowerCase();
    const user = [...sim.tenant.users.values()].find(
      (each) => each.id === key || each.userPrincipalName.toLowerCase() === key,
    );
    if (!user) return notFound(c, key);
    return c.json(
      selectProperties(
        { '@odata.context': `${graphBase(c)}/$metadata#users/$entity`, ...userView(user) },
        c.req.query('$select'),
      ),
    );
  });

  app.get('/groups', (c) => {
    const denied = requirePermission(c, c.get('caller'), readGroups, true);
    if (denied) return denied;
    return collection(c, [...sim.tenant.groups.values()].map(groupView), {
      filterable: ['displayName', 'mailNickname', 'id', 'securityEnabled'],
      searchable: ['displayName', 'mailNickname', 'description'],
    });
  });

  app.get('/groups/:id', (c) => {
    const denied = requirePermission(c, c.get('caller'), readGroups, true);
    if (denied) return denied;
    const group = sim.tenant.groups.get(c.req.param('id'));
    if (!group) return notFound(c, c.req.param('id'));
    return c.json(
      selectProperties(
        { '@odata.context': `${graphBase(c)}/$metadata#groups/$entity`, ...groupView(group) },
        c.req.query('$select'),
      ),
    );
  });

  app.get('/groups/:id/members', (c) => {
    const denied = requirePermission(c, c.get('caller'), readGroups, true);
    if (denied) return denied;
    const group = sim.tenant.groups.get(c.req.param('id'));
    if (!group) return notFound(c, c.req.param('id'));
    const members = group.members
      .map((id) => sim.tenant.users.get(id))
      .filter((user): user is SeedUser => !!user);
    return collection(
      c,
      members.map((user) => ({ '@odata.type': '#microsoft.graph.user', ...userView(user) })),
      {
        filterable: ['displayName', 'id', 'userPrincipalName'],
        searchable: ['displayName', 'userPrincipalName', 'mail'],
      },
    );
  });

  // The objects behind a list of ids, each with its `@odata.type`: of a type the caller may not read,
  // only the type and id, as Graph does.
  app.post('/directoryObjects/getByIds', async (c) => {
    const caller = c.get('caller');
    const mayRead = (anyOf: string[]) =>
      caller.kind === 'user' || caller.permissions.some((permission) => anyOf.includes(permission));
    if (!mayRead([...readUsers, ...readGroups])) return requirePermission(c, caller, ['Directory.Read.All'])!;
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return graphError(c, 400, 'BadRequest', 'Unable to read JSON request payload.');
    }
    const { ids: wanted, types } = (body ?? {}) as { ids?: unknown; types?: unknown };
    if (!Array.isArray(wanted) || wanted.some((id) => typeof id !== 'string') || wanted.length > 1000)
      return graphError(
        c,
        400,
        'Request_BadRequest',
        "The property 'ids' must be a list of at most 1000 ids.",
      );
    const allowed = Array.isArray(types)
      ? new Set(types.map((type) => String(type).toLowerCase()))
      : undefined;
    // The kinds getByIds answers, each with the permission that shows more than its type and id.
    const kinds = [
      { type: 'user', read: readUsers, find: (key: string) => sim.tenant.users.get(key), view: userView },
      { type: 'group', read: readGroups, find: (key: string) => sim.tenant.groups.get(key), view: groupView },
      {
        type: 'servicePrincipal',
        read: readApps,
        find: (key: string) => sim.tenant.servicePrincipals.get(key),
        view: servicePrincipalView,
      },
    ] as Array<{
      type: string;
      read: string[];
      find: (key: string) => { id: string } | undefined;
      view: (object: never) => Record<string, unknown>;
    }>;
    const value = (wanted as string[]).flatMap((id) => {
      for (const kind of kinds) {
        const object = kind.find(id.toLowerCase());
        if (!object || (allowed && !allowed.has(kind.type.toLowerCase()))) continue;
        const odataType = `#microsoft.graph.${kind.type}`;
        return [
          mayRead(kind.read)
            ? { '@odata.type': odataType, ...kind.view(object as never) }
            : { '@odata.type': odataType, id: object.id },
        ];
      }
      return [];
    });
    return c.json({ '@odata.context': `${graphBase(c)}/$metadata#directoryObjects`, value });
  });

  app.notFound((c) =>
    graphError(
      c,
      400,
      'BadRequest',
      `Resource not found for the segment '${c.req.path.split('/').filter(Boolean).at(-1) ?? ''}'.`,
    ),
  );

  function findServicePrincipal(c: Context<Env>, permissions = readApps): SeedServicePrincipal | Response {
    const caller = c.get('caller');
    const denied = requirePermission(c, caller, permissions);
    if (denied) return denied;
    const sp = sim.tenant.servicePrincipals.get(c.req.param('sp')?.toLowerCase() ?? '');
    if (!sp) return notFound(c, c.req.param('sp') ?? '');
    if (!visibleTo(caller, sp)) {
      return graphError(
        c,
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation. Application.ReadWrite.OwnedBy reaches only service principals this app owns.',
      );
    }
    return sp;
  }

  function findJob(c: Context<Env>, permissions = readApps) {
    const sp = findServicePrincipal(c, permissions);
    if (sp instanceof Response) return sp;
    const jobId = c.req.param('job') ?? '';
    const state = sim.tenant.job(sp.id, jobId);
    if (!state) {
      return graphError(
        c,
        404,
        'NotFound',
        `The synchronization job '${jobId}' was not found on service principal '${sp.id}'. List them with GET /servicePrincipals/${sp.id}/synchronization/jobs.`,
      );
    }
    return { sp, job: state.job, state };
  }

  function visibleTo(caller: Caller, sp: SeedServicePrincipal): boolean {
    const broad =
      caller.kind === 'user' ||
      caller.permissions.some(
        (permission) => permission !== 'Application.ReadWrite.OwnedBy' && readApps.includes(permission),
      );
    return broad || sp.owners.includes(caller.clientId);
  }

  return app;
}

function collection(
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

function requirePermission(
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

function unauthorized(c: Context, message: string): Response {
  return graphError(c, 401, 'InvalidAuthenticationToken', message, {
    headers: {
      'WWW-Authenticate':
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"',
    },
  });
}

function notFound(c: Context, id: string): Response {
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

function graphBase(c: Context): string {
  const url = new URL(c.req.url);
  return `${url.origin}/${url.pathname.split('/')[1]}`;
}

function servicePrincipalView(sp: SeedServicePrincipal) {
  return {
    id: sp.id,
    appId: sp.appId,
    displayName: sp.displayName,
    servicePrincipalType: 'Application',
    accountEnabled: true,
    tags: sp.tags,
  };
}

function userView(user: SeedUser) {
  const { directoryRoles: _roles, ...view } = user;
  return { businessPhones: [], ...view };
}

function groupView(group: SeedGroup) {
  const { members: _members, ...view } = group;
  return { mailEnabled: false, groupTypes: [], ...view };
}

function jobView(job: SeedJob) {
  return {
    id: job.id,
    templateId: job.templateId,
    schedule: { expiration: null, interval: 'PT40M', state: 'Active' },
    status: {
      code: 'Active',
      countSuccessiveCompleteFailures: 0,
      escrowsPruned: false,
      lastExecution: null,
      quarantine: null,
      troubleshootingUrl: null,
    },
    synchronizationJobSettings: [],
  };
}

function schemaView(job: SeedJob) {
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
