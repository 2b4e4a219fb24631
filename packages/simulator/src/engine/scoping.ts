import { evaluateScope } from '@ondemand/core';
import type { ScopingClause } from '../seed/seed-schema.js';

/**
 * Evaluates one scoping filter group (every clause must hold) with core's evaluator, the one `why`
 * uses, so the simulator and the operator's answer never disagree; the evaluation is keyed as the
 * scoping step's `ScopeEvaluationResult` keys it: `attribute OPERATOR 'value'`.
 */
export function evaluateScopingFilter(
  clauses: readonly ScopingClause[],
  attributes: Readonly<Record<string, string | undefined>>,
): { inScope: boolean; evaluation: Record<string, boolean> } {
  const scope = {
    groups: [
      {
        clauses: clauses.map((clause) => ({
          sourceOperandName: clause.attribute,
          operatorName: clause.operator,
          targetOperand: { values: clause.value === undefined ? [] : [clause.value] },
        })),
      },
    ],
  };
  const result = evaluateScope(clauses.length === 0 ? null : scope, attributes);
  const evaluation: Record<string, boolean> = {};
  clauses.forEach((clause, index) => {
    evaluation[
      `${clause.attribute} ${clause.operator}${clause.value === undefined ? '' : ` '${clause.value}'`}`
    ] = result.groups[0]?.[index]?.holds === true;
  });
  return { inScope: result.inScope === true, evaluation };
}
