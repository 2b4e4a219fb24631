import { Hono } from 'hono';
import type { SeedUser } from '../../seed/seed-schema.js';
import { graphError } from '../graph-error.js';
import { selectProperties } from '../odata.js';
import type { SimulatorContext } from '../simulator-context.js';
import {
  collection,
  type Env,
  graphBase,
  groupView,
  notFound,
  readApps,
  readGroups,
  readUsers,
  requirePermission,
  servicePrincipalView,
  userView,
} from './graph-access.js';

/** The directory: users, groups and their members, and objects by id (`getByIds`). */
export function directoryRoutes(sim: SimulatorContext): Hono<Env> {
  const app = new Hono<Env>();

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

  /**
   * A user's or a group's app role assignments: the apps it is assigned to directly, as Graph lists
   * them (an assignment through a group is listed on the group, not on its members). Every
   * assignment here is the default access role (appRoleId all zeros), as the seed keeps no roles.
   */
  app.get('/:kind{users|groups}/:id/appRoleAssignments', (c) => {
    const caller = c.get('caller');
    const kind = c.req.param('kind');
    const denied = requirePermission(c, caller, kind === 'users' ? readUsers : readGroups, true);
    if (denied) return denied;
    const principal =
      kind === 'users' ? findUser(c.req.param('id')) : sim.tenant.groups.get(c.req.param('id'));
    if (!principal) return notFound(c, c.req.param('id'));
    const assignments = [...sim.tenant.servicePrincipals.values()]
      .filter((sp) => sp.assignedTo.includes(principal.id))
      .map((sp) => ({
        id: Buffer.from(`${principal.id}|${sp.id}`).toString('base64url'),
        appRoleId: '00000000-0000-0000-0000-000000000000',
        createdDateTime: '2024-01-01T00:00:00Z',
        deletedDateTime: null,
        principalDisplayName: principal.displayName,
        principalId: principal.id,
        principalType: kind === 'users' ? 'User' : 'Group',
        resourceDisplayName: sp.displayName,
        resourceId: sp.id,
      }));
    return collection(c, assignments, { filterable: ['resourceId', 'principalId'], searchable: [] });
  });

  // The groups a user is a direct member of, each with its `@odata.type` (Graph's memberOf).
  app.get('/users/:id/memberOf', (c) => {
    const caller = c.get('caller');
    const denied =
      requirePermission(c, caller, readUsers, true) && requirePermission(c, caller, readGroups, true);
    if (denied) return denied;
    const user = findUser(c.req.param('id'));
    if (!user) return notFound(c, c.req.param('id'));
    return collection(
      c,
      sim.tenant
        .groupsOf(user.id)
        .map((group) => ({ '@odata.type': '#microsoft.graph.group', ...groupView(group) })),
      { filterable: ['displayName', 'id'], searchable: ['displayName'] },
    );
  });

  function findUser(idOrName: string): SeedUser | undefined {
    const key = idOrName.toLowerCase();
    return [...sim.tenant.users.values()].find(
      (each) => each.id === key || each.userPrincipalName.toLowerCase() === key,
    );
  }

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

  return app;
}
