import { field, isObject } from './loose-fields.js';
import type { StepModel } from './step-model.js';

/** One clause of a scoping filter as the service evaluated it for one object. */
export interface ScopeClause {
  /** The key as written: `department EQUALS 'Sales'`. */
  clause: string;
  attribute: string | null;
  operator: string | null;
  /** The value compared against, without its quotes; `null` for operators that take none (IS_TRUE). */
  value: string | null;
  /** Whether the clause held; `null` when the result is neither true nor false in any spelling. */
  holds: boolean | null;
}

// `attribute OPERATOR 'value'` or `attribute OPERATOR`; attribute names may hold dots (`extension.x`).
const CLAUSE = /^\s*(\S+)\s+([A-Z_]+)(?:\s+'(.*)')?\s*$/s;

function truth(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true';
  return null;
}

/**
 * The clauses of a scoping step's `ScopeEvaluationResult`: JSON inside a string (or already an
 * object, as PowerShell or Log Analytics may give it), keyed by the clause, valued by whether it held.
 * An empty result (`"{}"`) means no scoping filter is set: every clause list is empty, not "failed".
 * A key in another shape is kept whole with its attribute and operator `null`: shown, never dropped.
 */
export function scopeEvaluation(step: Pick<StepModel, 'details'>): ScopeClause[] {
  const raw = field(step.details, 'ScopeEvaluationResult');
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      return [];
    }
  }
  if (!isObject(parsed)) return [];
  return Object.entries(parsed).map(([clause, result]) => {
    const match = CLAUSE.exec(clause);
    return {
      clause,
      attribute: match?.[1] ?? null,
      operator: match?.[2] ?? null,
      value: match?.[3] ?? null,
      holds: truth(result),
    };
  });
}

/** The clauses evaluated in the scoping steps of a provisioning. */
export function scopeClausesOfSteps(steps: StepModel[]): ScopeClause[] {
  // A loop, not filter and flatMap: a decoder calls this for every entry, most without a scoping step.
  const clauses: ScopeClause[] = [];
  for (const step of steps) if (step.type === 'scoping') clauses.push(...scopeEvaluation(step));
  return clauses;
}
