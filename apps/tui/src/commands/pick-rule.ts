import { mappedObjectTypes, unmappedObjectTypeProblem } from '@ondemand/core';
import type { GraphClient, SynchronizationRule } from '@ondemand/transport';
import { badInput } from '../exit-codes.js';

/** The rule chosen for a subject, or why none can be. */
export type RuleChoice = { ok: true; ruleId: string } | { ok: false; problem: string };

/**
 * The rule to provision an object of `objectTypeName` with, from the job's rules: the one given, the
 * job's only rule, or the one rule that maps this kind of object (User, Group, or AD `user`). A rule
 * the schema does not list, or one that does not map the object's type (a group sent with a
 * users-only rule: Graph answers Success and creates nothing), is refused, naming the rules there are.
 */
export function chooseRule(
  rules: readonly SynchronizationRule[],
  objectTypeName: string,
  given?: string,
): RuleChoice {
  if (given) {
    const rule = rules.find((candidate) => candidate.id === given);
    // A schema that lists no rules says nothing either way: Graph has the last word.
    if (!rule && rules.length > 0) return { ok: false, problem: `the job has no rule ${given}` };
    const problem = rule && unmappedObjectTypeProblem(rule, objectTypeName);
    return problem ? { ok: false, problem } : { ok: true, ruleId: given };
  }
  if (rules.length === 1) {
    const problem = unmappedObjectTypeProblem(rules[0]!, objectTypeName);
    return problem ? { ok: false, problem } : { ok: true, ruleId: rules[0]!.id };
  }
  const fitting = rules.filter((rule) => !unmappedObjectTypeProblem(rule, objectTypeName));
  if (fitting.length === 1) return { ok: true, ruleId: fitting[0]!.id };
  if (fitting.length === 0 && rules.length > 0)
    return { ok: false, problem: `no rule of this job maps ${objectTypeName} objects` };
  return { ok: false, problem: `the job has ${rules.length} rules: choose one with --rule` };
}

/** The job's rules, a line each, after a problem choosing one. */
export function listRules(rules: readonly SynchronizationRule[]): string {
  return `this job's rules:\n${rules.map(describeRule).join('\n')}`;
}

/** `chooseRule` over the job's schema, read from Graph; a choice that cannot be made is bad input. */
export async function pickRule(
  graph: GraphClient,
  sp: string,
  job: string,
  objectTypeName: string,
  given?: string,
): Promise<string> {
  const rules = (await graph.getSynchronizationSchema(sp, job)).synchronizationRules;
  const choice = chooseRule(rules, objectTypeName, given);
  if (!choice.ok) throw badInput(`${choice.problem}; ${listRules(rules)}`);
  return choice.ruleId;
}

/** A rule as one line: its id, name, direction and the object types it maps. */
export function describeRule(rule: SynchronizationRule): string {
  const types = mappedObjectTypes(rule) ?? [];
  return `  ${rule.id}  ${rule.name ?? ''}  (${rule.sourceDirectoryName ?? '?'} → ${rule.targetDirectoryName ?? '?'}${types.length > 0 ? `; maps ${types.join(', ')}` : ''})`;
}
