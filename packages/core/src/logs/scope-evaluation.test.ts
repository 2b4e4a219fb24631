import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scopeEvaluation } from './scope-evaluation.js';

const step = (ScopeEvaluationResult: unknown) => ({ details: { ScopeEvaluationResult } });

describe('scopeEvaluation', () => {
  it('reads each clause of the JSON inside the string: attribute, operator, value, whether it held', () => {
    expect(
      scopeEvaluation(
        step(JSON.stringify({ "department EQUALS 'Sales'": false, 'accountEnabled IS_TRUE': 'True' })),
      ),
    ).toEqual([
      {
        clause: "department EQUALS 'Sales'",
        attribute: 'department',
        operator: 'EQUALS',
        value: 'Sales',
        holds: false,
      },
      {
        clause: 'accountEnabled IS_TRUE',
        attribute: 'accountEnabled',
        operator: 'IS_TRUE',
        value: null,
        holds: true,
      },
    ]);
  });

  it('reads "{}" (no scoping filter) as no clauses, and an object given already parsed', () => {
    expect(scopeEvaluation(step('{}'))).toEqual([]);
    expect(scopeEvaluation(step({ "extension_1.costCenter STARTS_WITH 'it'": true }))[0]).toMatchObject({
      attribute: 'extension_1.costCenter',
      value: 'it',
      holds: true,
    });
  });

  it('keeps a key in an unknown shape whole, and an odd result as unknown', () => {
    expect(scopeEvaluation(step(JSON.stringify({ 'something else': 'maybe' })))).toEqual([
      { clause: 'something else', attribute: null, operator: null, value: null, holds: null },
    ]);
  });

  it('never throws, whatever the details hold', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue()), (value) => {
        const clauses = scopeEvaluation(step(value));
        expect(Array.isArray(clauses)).toBe(true);
      }),
    );
  });
});
