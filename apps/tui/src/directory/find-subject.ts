import { collect, terminalSafe } from '@ondemand/core';
import type { FoundUser, GraphClient } from '@ondemand/transport';

import { badInput } from '../exit-codes.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one user an operator means by an object id, a UPN or a name. An id or a UPN must match exactly;
 * a name may match the start of words, and must match one user: none, or several, is refused with
 * the candidates listed, never guessed.
 */
export async function findUser(graph: GraphClient, named: string): Promise<FoundUser> {
  const text = named.trim();
  if (!text) throw badInput('--user needs an object id, a UPN or a name');
  // An object id or a UPN names one user exactly: Graph reads either at /users/{id}.
  if (GUID.test(text) || text.includes('@')) {
    const user = await graph.getUser(text);
    if (!user)
      throw badInput(
        `no user ${GUID.test(text) ? 'has the object id' : 'is'} ${text}: check it, or search by name with ondemand users "${text.split('@')[0]}"`,
      );
    return {
      id: user.id,
      displayName: user.displayName ?? null,
      userPrincipalName: user.userPrincipalName ?? null,
    };
  }
  const found = await collect(graph.searchUsers(text, { top: 25 }), 25);
  const exact = found.filter(
    (user) =>
      user.userPrincipalName?.toLowerCase() === text.toLowerCase() ||
      user.mail?.toLowerCase() === text.toLowerCase() ||
      user.displayName?.toLowerCase() === text.toLowerCase(),
  );
  const candidates = exact.length > 0 ? exact : found;
  if (candidates.length === 1) {
    const [user] = candidates;
    return {
      id: user!.id,
      displayName: user!.displayName ?? null,
      userPrincipalName: user!.userPrincipalName ?? null,
    };
  }
  if (candidates.length === 0)
    throw badInput(`no user is named "${text}": give an object id, a UPN, or another name`);
  throw badInput(
    `"${text}" matches ${candidates.length}${candidates.length === 25 ? ' or more' : ''} users: say which with an id or a UPN:\n${candidates
      .slice(0, 10)
      .map((user) => terminalSafe(`  ${user.id}  ${user.userPrincipalName ?? ''}  ${user.displayName ?? ''}`))
      .join('\n')}`,
  );
}

/** The one app an operator means by a service principal id or a name (the start of its words). */
export async function findApp(
  graph: GraphClient,
  named: string,
): Promise<{ id: string; displayName: string | null }> {
  const text = named.trim();
  if (GUID.test(text)) {
    const app = await graph.getServicePrincipal(text);
    return { id: app.id, displayName: app.displayName ?? null };
  }
  const found = await collect(graph.findServicePrincipals({ search: text }), 25);
  const exact = found.filter((app) => app.displayName?.toLowerCase() === text.toLowerCase());
  const candidates = exact.length > 0 ? exact : found;
  if (candidates.length === 1)
    return { id: candidates[0]!.id, displayName: candidates[0]!.displayName ?? null };
  if (candidates.length === 0)
    throw badInput(`no app is "${text}": ondemand jobs lists the apps with provisioning jobs`);
  throw badInput(
    `"${text}" matches ${candidates.length} apps: say which with --sp ID:\n${candidates
      .slice(0, 10)
      .map((app) => terminalSafe(`  ${app.id}  ${app.displayName ?? ''}`))
      .join('\n')}`,
  );
}
