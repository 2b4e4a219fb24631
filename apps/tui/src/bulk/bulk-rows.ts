import {
  distinguishedNameProblem,
  entraObjectIdProblem,
  MAX_GROUP_MEMBERS_PER_CALL,
  OBJECT_TYPE_NAMES,
  trimUnescaped,
  tryJson,
} from '@ondemand/core';
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';

/** One subject to provision, as a bulk file gives it. */
export const bulkRowSchema = z
  .strictObject({
    objectId: z
      .string({ error: 'objectId is required' })
      .overwrite(trimUnescaped)
      .min(1, 'objectId cannot be empty'),
    objectTypeName: z
      .enum(OBJECT_TYPE_NAMES, { error: `objectTypeName must be one of ${OBJECT_TYPE_NAMES.join(', ')}` })
      .default('User'),
    members: z
      .array(z.string().trim().min(1))
      .max(
        MAX_GROUP_MEMBERS_PER_CALL,
        `at most ${MAX_GROUP_MEMBERS_PER_CALL} members per group on demand: split the group across rows`,
      )
      .default([]),
    ruleId: z.string().trim().min(1).optional(),
    /** The app and job of this row, when the file names several (else `--sp` and `--job`). */
    servicePrincipalId: z.string().trim().min(1).optional(),
    jobId: z.string().trim().min(1).optional(),
  })
  // What core's subjectRequest would refuse at send time, said for every row before anything is sent.
  .superRefine((row, context) => {
    if (row.members.length > 0 && row.objectTypeName !== 'Group')
      context.addIssue({
        code: 'custom',
        path: ['members'],
        message: `members go with a Group, not a ${row.objectTypeName}: drop them or set objectTypeName to Group`,
      });
    const problem = row.objectTypeName === 'user' ? distinguishedNameProblem(row.objectId) : undefined;
    if (problem)
      context.addIssue({
        code: 'custom',
        path: ['objectId'],
        message: `"${row.objectId}" is not a distinguished name (objectTypeName user is an AD object): ${problem}`,
      });
    for (const [path, objectId, type] of [
      [['objectId'], row.objectId, row.objectTypeName],
      ...row.members.map((member, index) => [['members', index], member, 'User'] as const),
    ] as const) {
      const notAnId = entraObjectIdProblem(objectId, type);
      if (notAnId) context.addIssue({ code: 'custom', path: [...path], message: notAnId });
    }
  });
export type BulkRow = z.infer<typeof bulkRowSchema> & { line: number };

export interface RowProblem {
  line: number;
  message: string;
}

/**
 * Reads a bulk file: CSV with a header (`objectId,objectTypeName,members,ruleId`, and
 * `servicePrincipalId,jobId` when it names several apps; members separated by `;`) or NDJSON (one
 * `{ objectId, objectTypeName?, members?, ruleId?, servicePrincipalId?, jobId? }` per line). Every row is
 * checked before anything is sent; all problems come back at once, by line.
 */
export function parseBulkRows(
  text: string,
  format: 'csv' | 'ndjson',
): { rows: BulkRow[]; problems: RowProblem[] } {
  const candidates = format === 'csv' ? csvCandidates(text) : ndjsonCandidates(text);
  const rows: BulkRow[] = [];
  const problems: RowProblem[] = [...candidates.problems];
  for (const { line, value } of candidates.values) {
    const parsed = bulkRowSchema.safeParse(value);
    if (parsed.success) rows.push({ ...parsed.data, line });
    else
      problems.push({
        line,
        message: parsed.error.issues
          .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
          .join('; '),
      });
  }
  if (rows.length === 0 && problems.length === 0) problems.push({ line: 1, message: 'the file has no rows' });
  return { rows, problems: problems.sort((a, b) => a.line - b.line) };
}

/** Picks the format from the name, else from the first character. */
export function detectFormat(fileName: string, text: string): 'csv' | 'ndjson' {
  if (/\.(ndjson|jsonl|json)$/i.test(fileName)) return 'ndjson';
  if (/\.csv$/i.test(fileName)) return 'csv';
  return text.trimStart().startsWith('{') ? 'ndjson' : 'csv';
}

type Candidates = { values: Array<{ line: number; value: unknown }>; problems: RowProblem[] };

function csvCandidates(text: string): Candidates {
  let records: Array<Record<string, string>>;
  try {
    records = parseCsv(text, {
      columns: (header: string[]) => header.map((name) => name.trim()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: false,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { values: [], problems: [{ line, message: `not valid CSV: ${(error as Error).message}` }] };
  }
  const known = new Set(['objectId', 'objectTypeName', 'members', 'ruleId', 'servicePrincipalId', 'jobId']);
  // `id` (a lookup's column) is the objectId.
  if (records[0] && 'id' in records[0] && !('objectId' in records[0]))
    records = records.map(({ id, ...rest }) => ({ objectId: id ?? '', ...rest }));
  const header = Object.keys(records[0] ?? {});
  const unknown = header.filter((name) => !known.has(name));
  if (unknown.length > 0)
    return {
      values: [],
      problems: [
        {
          line: 1,
          message: `unknown column ${unknown.map((name) => `"${name}"`).join(', ')}: the columns are objectId, objectTypeName, members, ruleId, servicePrincipalId, jobId`,
        },
      ],
    };
  return {
    values: records.map((record, index) => ({
      line: index + 2,
      value: Object.fromEntries(
        Object.entries(record)
          .filter(([, value]) => value !== '')
          .map(([name, value]) => [
            name,
            name === 'members'
              ? value
                  .split(';')
                  .map((member) => member.trim())
                  .filter(Boolean)
              : value,
          ]),
      ),
    })),
    problems: [],
  };
}

/**
 * What `ondemand users|groups|members --json` prints, read as rows: `id` is the objectId, the type is
 * kept, and the name and detail shown beside it are not part of a row.
 */
function fromLookup(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const { id, displayName: _name, detail: _detail, ...rest } = value as Record<string, unknown>;
  return id !== undefined && !('objectId' in rest) ? { objectId: id, ...rest } : value;
}

function ndjsonCandidates(text: string): Candidates {
  const values: Candidates['values'] = [];
  const problems: RowProblem[] = [];
  // A file that is one JSON array (what the lookups print with --json): its elements are the rows,
  // numbered from 1. Anything else is read line by line.
  const whole = text.trimStart().startsWith('[') ? tryJson(text) : undefined;
  if (Array.isArray(whole))
    return { values: whole.map((value, index) => ({ line: index + 1, value: fromLookup(value) })), problems };
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    try {
      values.push({ line: index + 1, value: fromLookup(JSON.parse(raw)) });
    } catch (error) {
      problems.push({ line: index + 1, message: `not JSON: ${(error as Error).message}` });
    }
  });
  return { values, problems };
}
