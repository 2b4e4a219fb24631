import type { GraphClient, SynchronizationRule } from '@ondemand/transport';
import { badInput } from '../exit-codes.js';

/**
 * The rule to provision with: the one given, the job's only rule, or the one rule that maps this kind
 * of object (User, Group, or AD `user`). Otherwise it asks for --rule, listing them.
 */
export async function pickRule(
  graph: GraphClient,
  sp: string,
  job: string,
  objectTypeName: string,
  given?: string,
): Promise<string> {
  if (given) return given;
  const rules = (await graph.getSynchronizationSchema(sp, job)).synchronizationRules;
  if (rules.length === 1) return rules[0]!.id;
  const fitting = rules.filter((rule) =>
    (rule.objectMappings ?? []).some(
      (mapping) => mapping.sourceObjectName?.toLowerCase() === objectTypeName.toLowerCase(),
    ),
  );
  if (fitting.length === 1) return fitting[0]!.id;
  throw badInput(
    `the job has ${rules.length} rules: choose one with --rule\n${rules.map(describeRule).join('\n')}`,
  );
}

export function describeRule(rule: SynchronizationRule): string {
  return `  ${rule.id}  ${rule.name ?? ''}  (${rule.sourceDirectoryName ?? '?'} → ${rule.targetDirectoryName ?? '?'})`;
}
