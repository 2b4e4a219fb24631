import type { GraphClient } from '@ondemand/transport';

/** An app a user is assigned to, and how. */
export interface Assignment {
  appId: string;
  appName: string | null;
  /** `directly` or the group's name. */
  through: string;
}

/**
 * The apps a user is assigned to, directly or through the groups they are a direct member of (Graph
 * lists a group's assignment on the group). When the directory may not be read, what was read and
 * why the rest was not.
 */
export async function assignmentsOf(
  graph: GraphClient,
  userId: string,
  signal?: AbortSignal,
): Promise<{ assignments: Assignment[]; missing: string | undefined }> {
  const assignments: Assignment[] = [];
  try {
    for await (const each of graph.listAppRoleAssignments({ kind: 'user', id: userId }, { signal }))
      assignments.push({
        appId: each.resourceId,
        appName: each.resourceDisplayName ?? null,
        through: 'directly',
      });
    for await (const group of graph.listUserGroups(userId, { signal }))
      for await (const each of graph.listAppRoleAssignments({ kind: 'group', id: group.id }, { signal }))
        assignments.push({
          appId: each.resourceId,
          appName: each.resourceDisplayName ?? null,
          through: group.displayName ?? group.id,
        });
    return { assignments, missing: undefined };
  } catch (error) {
    if ((error as { status?: number }).status !== 403) throw error;
    return {
      assignments,
      missing:
        'their assignments could not be read (grant User.Read.All and Group.Read.All, or Directory.Read.All)',
    };
  }
}
