import { field, isObject, listField, textField } from '../logs/loose-fields.js';

/** One clause of a job's scoping filter, evaluated for one object. */
export interface ScopingClauseResult {
  attribute: string;
  operator: string;
  values: string[];
  /** The object's value of the attribute (`null`: it has none). */
  actual: string | null;
  /** Whether it holds; `null` for an operator this evaluator does not know (never guessed). */
  holds: boolean | null;
}

export interface ScopeEvaluation {
  /** `true` in scope, `false` out of it, `null` when a clause could not be evaluated; no filter: `true`. */
  inScope: boolean | null;
  /** The clauses of each filter group (a group holds when all of its clauses do; any group will do). */
  groups: ScopingClauseResult[][];
}

function clauseHolds(operator: string, values: string[], actual: string | null): boolean | null {
  const value = values[0] ?? '';
  const text = actual ?? '';
  switch (operator.toUpperCase().replaceAll(' ', '_')) {
    case 'EQUALS':
      return actual !== null && actual === value;
    case 'NOT_EQUALS':
      return actual === null || actual !== value;
    case 'IS_TRUE':
      return text.toLowerCase() === 'true';
    case 'IS_FALSE':
      return text.toLowerCase() === 'false';
    case 'IS_NULL':
      return text === '';
    case 'IS_NOT_NULL':
      return text !== '';
    case 'REGEX_MATCH':
    case 'NOT_REGEX_MATCH': {
      let matches: boolean;
      try {
        matches = new RegExp(value).test(text);
      } catch {
        return null;
      }
      return operator.toUpperCase().startsWith('NOT') ? !matches : matches;
    }
    case 'GREATER_THAN':
    case 'GREATER_THAN_OR_EQUALS': {
      const [have, want] = [Number(text), Number(value)];
      if (!Number.isFinite(have) || !Number.isFinite(want) || text === '') return false;
      return operator.toUpperCase().endsWith('EQUALS') ? have >= want : have > want;
    }
    case 'INCLUDES':
      return values.includes(text);
    // Not among Microsoft's documented operators, but some configurations (and our simulator) use it.
    case 'STARTS_WITH':
      return text.toLowerCase().startsWith(value.toLowerCase());
    default:
      return null;
  }
}

/**
 * A job's scoping filter (an object mapping's `scope`: `groups` of `clauses` with `operatorName`,
 * `sourceOperandName`, `targetOperand.values`) evaluated for an object's attributes, as Microsoft
 * documents scoping filters: every clause of a group must hold, and any group will do. EQUALS and
 * NOT EQUALS compare exactly (case-sensitive, as documented); an operator not known here makes the
 * answer `null`, never a guess.
 * https://learn.microsoft.com/entra/identity/app-provisioning/define-conditional-rules-for-provisioning-user-accounts
 */
export function evaluateScope(
  scope: unknown,
  attributes: Readonly<Record<string, unknown>>,
): ScopeEvaluation {
  const groups = isObject(scope) ? listField(scope, 'groups') : [];
  if (groups.length === 0) return { inScope: true, groups: [] };
  const lookup = (name: string): string | null => {
    const key = Object.keys(attributes).find((each) => each.toLowerCase() === name.toLowerCase());
    const value = key === undefined ? undefined : attributes[key];
    if (value === undefined || value === null) return null;
    return typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
  };
  const evaluated = groups.map((group) =>
    listField(group, 'clauses').map((clause): ScopingClauseResult => {
      const attribute = textField(clause, 'sourceOperandName') ?? '';
      const operator = textField(clause, 'operatorName') ?? '';
      const values = listField(field(clause, 'targetOperand'), 'values').map(String);
      const actual = lookup(attribute);
      return { attribute, operator, values, actual, holds: clauseHolds(operator, values, actual) };
    }),
  );
  const groupHolds = (clauses: ScopingClauseResult[]): boolean | null =>
    clauses.some((clause) => clause.holds === false)
      ? false
      : clauses.some((clause) => clause.holds === null)
        ? null
        : true;
  const results = evaluated.map(groupHolds);
  const inScope = results.includes(true) ? true : results.includes(null) ? null : false;
  return { inScope, groups: evaluated };
}

/** The attributes a scope's clauses read (what to ask the directory for). */
export function scopeAttributes(scope: unknown): string[] {
  const groups = isObject(scope) ? listField(scope, 'groups') : [];
  return [
    ...new Set(
      groups
        .flatMap((group) =>
          listField(group, 'clauses').map((clause) => textField(clause, 'sourceOperandName') ?? ''),
        )
        .filter(Boolean),
    ),
  ];
}
