/**
 * A synchronization job's restart scope (`criteria.resetScope`), as Graph documents it: a
 * comma-separated combination of flags, or empty (the portal's "Restart provisioning", about
 * QuarantineState, Watermark and Escrows). Two flags are documented "DO NOT USE" (`None`:
 * use start instead; `ConnectorDataStore`: only with Microsoft Support); Graph accepts them anyway,
 * so callers decide whether to refuse them.
 * https://learn.microsoft.com/graph/api/resources/synchronization-synchronizationjobrestartcriteria
 */

export const RESTART_SCOPE_FLAGS = [
  'None',
  'ConnectorDataStore',
  'Escrows',
  'Watermark',
  'QuarantineState',
  'Full',
  'ForceDeletes',
] as const;
export type RestartScopeFlag = (typeof RESTART_SCOPE_FLAGS)[number];

/** What each flag does, in Microsoft's words, shortened. */
export const RESTART_SCOPE_MEANINGS: Record<RestartScopeFlag, string> = {
  None: 'starts a paused or quarantined job; documented DO NOT USE: use start instead',
  ConnectorDataStore:
    'clears the underlying cache for all users; documented DO NOT USE: contact Microsoft Support',
  Escrows: 'failures kept for retry (escrows) are cleared, so the service stops retrying them',
  Watermark: 'the service re-evaluates every user and group, not only what changed',
  QuarantineState: 'lifts the quarantine for now',
  Full: 'all of the above',
  ForceDeletes:
    'deletes the users held back by accidental-deletion prevention once its threshold was exceeded',
};

/** The flags Microsoft documents as "DO NOT USE". */
export const DO_NOT_USE_RESTART_FLAGS: readonly RestartScopeFlag[] = ['None', 'ConnectorDataStore'];

/** The flags the portal's "Restart provisioning" (an empty scope) is documented to resemble. */
export const PORTAL_RESTART_FLAGS: readonly RestartScopeFlag[] = ['QuarantineState', 'Watermark', 'Escrows'];

export type RestartScope =
  | { ok: true; flags: RestartScopeFlag[]; empty: boolean }
  | { ok: false; unknown: string[] };

/**
 * A `resetScope` read as Graph's flags enum is: names compared without case, separated by commas
 * (spaces around them allowed); empty or absent is the portal's restart. Unknown names are listed.
 */
export function parseRestartScope(text: string | null | undefined): RestartScope {
  const names = (text ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return { ok: true, flags: [], empty: true };
  const flags: RestartScopeFlag[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const flag = RESTART_SCOPE_FLAGS.find((each) => each.toLowerCase() === name.toLowerCase());
    if (!flag) unknown.push(name);
    else if (!flags.includes(flag)) flags.push(flag);
  }
  return unknown.length > 0 ? { ok: false, unknown } : { ok: true, flags, empty: false };
}

/** What a restart clears: the flags a scope names, `Full` expanded, an empty scope as the portal's. */
export function restartEffects(scope: {
  flags: readonly RestartScopeFlag[];
  empty: boolean;
}): Set<RestartScopeFlag> {
  if (scope.empty) return new Set(PORTAL_RESTART_FLAGS);
  if (scope.flags.includes('Full'))
    return new Set(RESTART_SCOPE_FLAGS.filter((flag) => flag !== 'Full' && flag !== 'None'));
  return new Set(scope.flags);
}
