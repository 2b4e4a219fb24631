import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateScope, scopeAttributes } from './scoping-filter.js';

const clause = (sourceOperandName: string, operatorName: string, values: string[] = []) => ({
  sourceOperandName,
  operatorName,
  targetOperand: { values },
});

describe('evaluateScope', () => {
  it('holds when every clause of a group holds, and any group will do', () => {
    const scope = {
      groups: [
        { clauses: [clause('department', 'EQUALS', ['Sales']), clause('accountEnabled', 'IS_TRUE')] },
        { clauses: [clause('country', 'EQUALS', ['NO'])] },
      ],
    };
    expect(evaluateScope(scope, { department: 'Sales', accountEnabled: true }).inScope).toBe(true);
    expect(evaluateScope(scope, { department: 'Sales', accountEnabled: false, country: 'NO' }).inScope).toBe(
      true,
    );
    const out = evaluateScope(scope, { department: 'sales', accountEnabled: true });
    expect(out.inScope).toBe(false);
    expect(out.groups[0]![0]).toEqual({
      attribute: 'department',
      operator: 'EQUALS',
      values: ['Sales'],
      actual: 'sales',
      holds: false,
    });
  });

  it('has no filter in scope, and an unknown operator unknown, never guessed', () => {
    expect(evaluateScope(null, {})).toEqual({ inScope: true, groups: [] });
    expect(
      evaluateScope({ groups: [{ clauses: [clause('x', 'SOUNDS_LIKE', ['y'])] }] }, { x: 'y' }).inScope,
    ).toBeNull();
  });

  it('reads regex, numbers, nulls and attribute names in any case', () => {
    const scope = (operator: string, values: string[] = []) => ({
      groups: [{ clauses: [clause('EmployeeId', operator, values)] }],
    });
    expect(evaluateScope(scope('REGEX_MATCH', ['^E\\d+$']), { employeeId: 'E42' }).inScope).toBe(true);
    expect(evaluateScope(scope('GREATER_THAN', ['10']), { employeeid: '42' }).inScope).toBe(true);
    expect(evaluateScope(scope('IS_NULL'), {}).inScope).toBe(true);
    expect(evaluateScope(scope('REGEX_MATCH', ['(']), { employeeId: 'x' }).inScope).toBeNull();
    expect(scopeAttributes(scope('IS_NULL'))).toEqual(['EmployeeId']);
  });

  it('never throws, whatever the schema holds', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.boolean())),
        (scope, attributes) => {
          const result = evaluateScope(scope, attributes);
          expect([true, false, null]).toContain(result.inScope);
        },
      ),
    );
  });
});
