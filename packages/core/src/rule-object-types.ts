/**
 * A synchronization rule as a job's schema describes it (`GET …/jobs/{id}/schema`,
 * `synchronizationRules[]`): as much of it as says which kinds of object it provisions.
 */
export interface RuleObjectMappings {
  id: string;
  objectMappings?: ReadonlyArray<{
    sourceObjectName?: string | null | undefined;
    enabled?: boolean | null | undefined;
  }> | null;
}

/**
 * The source object types a rule provisions (`User`, `Group`, an AD `user`), as its schema names
 * them; `undefined` when the schema does not say (no `objectMappings`), so nothing can be checked.
 * A mapping the schema marks `enabled: false` provisions nothing.
 */
export function mappedObjectTypes(rule: RuleObjectMappings): string[] | undefined {
  if (!rule.objectMappings) return undefined;
  return rule.objectMappings
    .filter((mapping) => mapping.enabled !== false && mapping.sourceObjectName)
    .map((mapping) => mapping.sourceObjectName!);
}

/**
 * Why a subject of `objectTypeName` cannot be provisioned with `rule`, or `undefined` when it can
 * (or the schema does not say). Graph answers a group sent with a rule that maps only users with
 * Success and an empty report, and creates nothing: checked before the call is spent.
 *
 * @example unmappedObjectTypeProblem(rule, 'Group')
 * // 'the rule USER_OUTBOUND_USER maps User objects only, not Group: Graph would answer Success and provision nothing'
 */
export function unmappedObjectTypeProblem(
  rule: RuleObjectMappings,
  objectTypeName: string,
): string | undefined {
  const mapped = mappedObjectTypes(rule);
  if (!mapped || mapped.some((type) => type.toLowerCase() === objectTypeName.toLowerCase())) return undefined;
  const what = mapped.length === 0 ? 'no objects' : `${mapped.join(' and ')} objects only`;
  return `the rule ${rule.id} maps ${what}, not ${objectTypeName}: Graph would answer Success and provision nothing`;
}
