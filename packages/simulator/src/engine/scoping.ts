import type { ScopingClause } from '../seed/seed-schema.js';

/** Evaluates one scoping filter group (every clause must hold), as the provisioning service does. */
export function evaluateScopingFilter(
  clauses: readonly ScopingClause[],
  attributes: Readonly<Record<string, string | undefined>>,
): { inScope: boolean; evaluation: Record<string, boolean> } {
  const evaluation: Record<string, boolean> = {};
  for (const clause of clauses) {
    const value = attributes[clause.attribute];
    const expected = clause.value ?? '';
    const holds = (() => {
      switch (clause.operator) {
        case 'EQUALS':
          return value?.toLowerCase() === expected.toLowerCase();
        case 'NOT_EQUALS':
          return value?.toLowerCase() !== expected.toLowerCase();
        case 'IS_TRUE':
          return value?.toLowerCase() === 'true';
        case 'IS_FALSE':
          return value?.toLowerCase() === 'false';
        case 'IS_NULL':
          return value === undefined || value === '';
        case 'IS_NOT_NULL':
          return value !== undefined && value !== '';
        case 'STARTS_WITH':
          return value?.toLowerCase().startsWith(expected.toLowerCase()) ?? false;
      }
    })();
    evaluation[
      `${clause.attribute} ${clause.operator}${clause.value === undefined ? '' : ` '${clause.value}'`}`
    ] = holds;
  }
  return { inScope: Object.values(evaluation).every(Boolean), evaluation };
}
