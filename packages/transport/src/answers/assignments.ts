import { collect } from '@ondemand/core';
import type { GraphClient } from '../graph-client.js';

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
    // Each group's assignments read side by side: a user in many groups costs one round trip for them.
    const groups = await collect(graph.listUserGroups(userId, { signal }));
    const perGroup = await Promise.all(
      groups.map(async (group) =>
        (await collect(graph.listAppRoleAssignments({ kind: 'group', id: group.id }, { signal }))).map(
          (each) => ({
            appId: each.resourceId,
            appName: each.resourceDisplayName ?? null,
            through: group.displayName ?? group.id,
          }),
        ),
      ),
    );
    assignments.push(...perGroup.flat());
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
