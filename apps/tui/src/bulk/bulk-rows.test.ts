import { tryJson } from '@ondemand/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseBulkRows } from './bulk-rows.js';

/** Object ids as the directory has them: `id(1)` … */
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('parseBulkRows', () => {
  it('reads CSV with a header, members split by ;', () => {
    const { rows, problems } = parseBulkRows(
      `objectId,objectTypeName,members\n${id(1)},User,\n${id(2)},Group,${id(3)};${id(4)}\n${id(5)},,\n`,
      'csv',
    );
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, objectId: id(1), objectTypeName: 'User', members: [] },
      { line: 3, objectId: id(2), objectTypeName: 'Group', members: [id(3), id(4)] },
      { line: 4, objectId: id(5), objectTypeName: 'User', members: [] },
    ]);
  });

  it('refuses a user principal name or a name where a User or Group needs its object id, as the proxy does', () => {
    const { problems } = parseBulkRows(
      `objectId,objectTypeName,members\nalex.vance@contoso.onmicrosoft.com,User,\n${id(2)},Group,Wen Vance\n`,
      'csv',
    );
    expect(problems.map((problem) => problem.line)).toEqual([2, 3]);
    expect(problems[0]!.message).toMatch(
      /"alex\.vance@contoso\.onmicrosoft\.com" is not an object id: a User is named by its Entra object id/,
    );
    expect(problems[1]!.message).toMatch(/"Wen Vance" is not an object id/);
  });

  it('reads NDJSON, skipping blank lines', () => {
    const { rows } = parseBulkRows(
      `{"objectId":"CN=a\\\\, b,DC=x","objectTypeName":"user"}\n\n{"objectId":"${id(1)}"}\n`,
      'ndjson',
    );
    expect(rows.map((row) => [row.line, row.objectId, row.objectTypeName])).toEqual([
      [1, 'CN=a\\, b,DC=x', 'user'],
      [3, id(1), 'User'],
    ]);
  });

  it('lists every bad row by line, at once', () => {
    const { problems } = parseBulkRows(
      '{"objectId":""}\nnot json\n{"objectId":"g","objectTypeName":"Group","members":["1","2","3","4","5","6"]}\n{"objectId":"x","typo":1}\n',
      'ndjson',
    );
    expect(problems.map((problem) => problem.line)).toEqual([1, 2, 3, 4]);
    expect(problems[0]!.message).toMatch(/objectId: objectId cannot be empty/);
    expect(problems[1]!.message).toMatch(/not JSON/);
    expect(problems[2]!.message).toMatch(/at most 5 members/);
    expect(problems[3]!.message).toMatch(/typo/);
    expect(parseBulkRows('objectId,color\nu,red\n', 'csv').problems[0]!.message).toMatch(
      /unknown column "color"/,
    );
    expect(parseBulkRows('', 'csv').problems[0]!.message).toMatch(/no rows/);
  });

  it('refuses before sending what the request builder would refuse: members of a user, a bad DN', () => {
    const { problems } = parseBulkRows(
      'objectId,objectTypeName,members\nu1,User,m1\n"CN=a,b",user,\n"CN=a,DC=x",user,\n',
      'csv',
    );
    expect(problems.map((problem) => problem.line)).toEqual([2, 3]);
    expect(problems[0]!.message).toMatch(/^members: members go with a Group, not a User/);
    expect(problems[1]!.message).toMatch(/^objectId: "CN=a,b" is not a distinguished name/);
  });

  it('never throws, and accounts for every non-blank NDJSON line as a row or a problem', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.json(),
            fc
              .record({ objectId: fc.string(), objectTypeName: fc.constantFrom('User', 'Group', 'x') })
              .map((value) => JSON.stringify(value)),
          ),
          { maxLength: 30 },
        ),
        (lines) => {
          const text = lines.map((line) => line.replace(/[\r\n]/g, ' ')).join('\n');
          // A file that is one JSON array is read as its elements (what the lookups print).
          fc.pre(!Array.isArray(tryJson(text)));
          const { rows, problems } = parseBulkRows(text, 'ndjson');
          const nonBlank = text.split('\n').filter((line) => line.trim() !== '').length;
          // A file with no rows is one problem ("no rows"); otherwise each non-blank line is a row or a problem.
          expect(rows.length + problems.length).toBe(nonBlank === 0 ? 1 : nonBlank);
        },
      ),
    );
  });

  it('tells CSV from NDJSON', () => {
    expect(detectFormat('x.csv', '{')).toBe('csv');
    expect(detectFormat('x.jsonl', 'a,b')).toBe('ndjson');
    expect(detectFormat('-', '  {"objectId":1}')).toBe('ndjson');
  });
});
