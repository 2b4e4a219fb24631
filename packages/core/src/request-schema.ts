import { z } from 'zod';
import { distinguishedNameProblem, looksLikeDistinguishedName, trimUnescaped } from './distinguished-name.js';
import { invisibleCharacter } from './invisible-character.js';
import { formatIssuePath, type InputIssue } from './issue-path.js';
import { unsafeCharacter } from './unsafe-character.js';

/** The documented limit: one group per on-demand call, with at most this many members. */
export const MAX_GROUP_MEMBERS_PER_CALL = 5;

/** The object type names Graph takes: `user` (lower case) is Active Directory's, for cloud sync. */
export const OBJECT_TYPE_NAMES = ['User', 'user', 'Group', 'Worker'] as const;
export type ObjectTypeName = (typeof OBJECT_TYPE_NAMES)[number];

const objectTypeNameSchema = z.enum(OBJECT_TYPE_NAMES, {
  error: (issue) =>
    `objectTypeName must be one of ${OBJECT_TYPE_NAMES.map((name) => `"${name}"`).join(', ')} ` +
    `(got ${JSON.stringify(issue.input)}); use "user" for Active Directory objects in cloud sync`,
});

/**
 * Refuses ids holding what no directory id holds (and what would not survive UTF-8 or a database),
 * and ids that are not what they look like (an invisible character at an end, text reordered).
 */
function sendable<T extends z.ZodString>(schema: T, name: string): T {
  return schema.superRefine((text, context) => {
    const why = unsafeCharacter(text);
    if (why)
      context.addIssue({
        code: 'custom',
        message: `${name} contains ${why}: no directory id does; send the id exactly as the directory has it`,
      });
    const invisible = why ? undefined : invisibleCharacter(text);
    if (invisible)
      context.addIssue({
        code: 'custom',
        message: `${name} holds ${invisible}: it is not the id it looks like; copy the id again, or type it`,
      });
  }) as unknown as T;
}

const objectIdSchema = sendable(
  z
    .string({ error: 'objectId is required: the Entra object id, an AD distinguished name or a worker id' })
    .overwrite(trimUnescaped)
    .min(1, 'objectId cannot be empty: give the Entra object id, an AD distinguished name or a worker id'),
  'objectId',
);

/** A linked object (a group's member, a user's manager or owner): an id and its type. */
export const linkedSubjectSchema = z.strictObject(
  { objectId: objectIdSchema, objectTypeName: objectTypeNameSchema },
  { error: unknownKeyMessage('a linked object takes only objectId and objectTypeName') },
);

const linksSchema = z.strictObject(
  {
    members: z
      .array(linkedSubjectSchema)
      .max(
        MAX_GROUP_MEMBERS_PER_CALL,
        `at most ${MAX_GROUP_MEMBERS_PER_CALL} members can be provisioned with a group on demand: split them across calls`,
      )
      .optional(),
    manager: z.array(linkedSubjectSchema).optional(),
    owners: z.array(linkedSubjectSchema).optional(),
  },
  { error: unknownKeyMessage('links may carry members, manager and owners') },
);

/** One object to provision (`synchronizationJobSubject`). */
export const subjectSchema = z.strictObject(
  { objectId: objectIdSchema, objectTypeName: objectTypeNameSchema, links: linksSchema.optional() },
  { error: unknownKeyMessage('a subject takes objectId, objectTypeName and links') },
);

/** One rule and the subjects to run through it (`synchronizationJobApplicationParameters`). */
export const applicationParametersSchema = z.strictObject(
  {
    ruleId: sendable(
      z
        .string({
          error:
            'ruleId is required: take it from the job schema (GET …/jobs/{jobId}/schema, synchronizationRules[].id)',
        })
        .trim()
        .min(
          1,
          'ruleId cannot be empty: take it from the job schema (synchronizationRules[].id), suffix such as #V2 included',
        ),
      'ruleId',
    ),
    subjects: z
      .array(subjectSchema, { error: 'subjects must be an array of { objectId, objectTypeName }' })
      .min(1, 'subjects cannot be empty: add the user or group to provision'),
  },
  { error: unknownKeyMessage('each parameter takes ruleId and subjects') },
);

/**
 * The provisionOnDemand request body, checked as Graph checks it plus the documented limits:
 * one group per call, at most five members, DNs that parse.
 */
export const provisionOnDemandRequestSchema = z
  .strictObject(
    {
      parameters: z
        .array(applicationParametersSchema, { error: 'parameters must be an array of { ruleId, subjects }' })
        .min(1, 'parameters cannot be empty: add one { ruleId, subjects } entry'),
    },
    { error: unknownKeyMessage('the body takes only "parameters"') },
  )
  .superRefine((body, context) => {
    for (const issue of crossFieldIssues(body)) context.addIssue({ code: 'custom', ...issue });
  });

export type ProvisionOnDemandRequest = z.infer<typeof provisionOnDemandRequestSchema>;
export type ProvisionSubject = z.infer<typeof subjectSchema>;
export type LinkedSubject = z.infer<typeof linkedSubjectSchema>;

export type RequestValidationResult =
  | { ok: true; value: ProvisionOnDemandRequest }
  | { ok: false; issues: InputIssue[] };

/**
 * Checks a provisionOnDemand body and lists every problem with its path and its fix.
 *
 * @example
 * const checked = validateProvisionRequest(JSON.parse(text));
 * if (!checked.ok) for (const issue of checked.issues) console.error(`${issue.path}: ${issue.message}`);
 */
export function validateProvisionRequest(body: unknown): RequestValidationResult {
  const missingWrapper = describeMissingWrapper(body);
  if (missingWrapper) return { ok: false, issues: [missingWrapper] };
  const parsed = provisionOnDemandRequestSchema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  // The schema's own, then the cross-field problems its refinement had no chance to name.
  const issues = parsed.error.issues.map(toInputIssue);
  const named = new Set(issues.map((issue) => `${issue.path}\n${issue.message}`));
  for (const issue of crossFieldIssues(body)) {
    const input = { path: formatIssuePath(issue.path), message: issue.message };
    if (!named.has(`${input.path}\n${input.message}`)) issues.push(input);
  }
  return { ok: false, issues };
}

/** Turns a zod issue into an {@link InputIssue}, naming unknown keys so typos are easy to spot. */
export function toInputIssue(issue: z.core.$ZodIssue): InputIssue {
  if (issue.code === 'unrecognized_keys') {
    return {
      path: formatIssuePath(issue.path),
      message: `unknown ${issue.keys.length === 1 ? 'property' : 'properties'} ${issue.keys
        .map((key) => `"${key}"`)
        .join(', ')}: ${issue.message} (names are case-sensitive)`,
    };
  }
  return { path: formatIssuePath(issue.path), message: issue.message };
}

function describeMissingWrapper(body: unknown): InputIssue | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      path: '(the body)',
      message: 'the body must be a JSON object: { "parameters": [ { "ruleId": …, "subjects": [ … ] } ] }',
    };
  }
  if (!('parameters' in body) && ('ruleId' in body || 'subjects' in body)) {
    return {
      path: 'parameters',
      message:
        'ruleId and subjects must be wrapped in a "parameters" array: { "parameters": [ { "ruleId": …, "subjects": [ … ] } ] }',
    };
  }
  return undefined;
}

/**
 * The checks that span fields (one group per call, members only on a group, distinguished names
 * that parse and say "user"), run on the raw input so that no other problem can hide them: zod
 * skips refinements once a field fails, and a body should get every problem named at once.
 */
const ENTRA_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` is spelled as an Entra object id: a GUID, 8-4-4-4-12 hex digits (any case). */
export function isObjectId(text: string): boolean {
  return ENTRA_OBJECT_ID.test(text);
}

/**
 * Why `objectId` cannot name an Entra `User` or `Group`, or undefined when it can: they are named by
 * their object id, never by a user principal name, a mail address or a display name (Graph answers
 * those "not found" after the call is spent). A distinguished name is judged by the DN rules instead.
 * The one rule for `validate`, `bulk`, `provision` and the proxy.
 */
export function entraObjectIdProblem(objectId: string, objectTypeName: string): string | undefined {
  if (objectTypeName !== 'User' && objectTypeName !== 'Group') return undefined;
  // Empty is named as empty by the schema; a DN is judged by the DN rules.
  if (objectId === '' || looksLikeDistinguishedName(objectId) || isObjectId(objectId)) return undefined;
  const hint = objectId.includes('@')
    ? ' (that looks like a user name or mail: look the id up with "ondemand users NAME")'
    : '';
  return `${JSON.stringify(objectId)} is not an object id: a ${objectTypeName} is named by its Entra object id, 8-4-4-4-12 hex digits${hint}`;
}

function crossFieldIssues(body: unknown): Array<{ path: PropertyKey[]; message: string }> {
  const issues: Array<{ path: PropertyKey[]; message: string }> = [];
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const record = (value: unknown) =>
    (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  let groups = 0;
  for (const [parameterIndex, parameter] of list(record(body).parameters).entries()) {
    for (const [subjectIndex, subject] of list(record(parameter).subjects).entries()) {
      const at = ['parameters', parameterIndex, 'subjects', subjectIndex];
      const { objectId, objectTypeName, links } = record(subject);
      // The subject and every object linked to it (members, manager, owners).
      const named = [
        { at, objectId, objectTypeName },
        ...Object.entries(record(links)).flatMap(([link, objects]) =>
          list(objects).map((object, index) => ({
            at: [...at, 'links', link, index],
            objectId: record(object).objectId,
            objectTypeName: record(object).objectTypeName,
          })),
        ),
      ];
      for (const each of named) {
        const problem =
          typeof each.objectId === 'string' && typeof each.objectTypeName === 'string'
            ? entraObjectIdProblem(each.objectId.trim(), each.objectTypeName)
            : undefined;
        if (problem) issues.push({ path: [...each.at, 'objectId'], message: problem });
      }
      if (objectTypeName === 'Group' && ++groups === 2)
        issues.push({
          path: [...at, 'objectTypeName'],
          message: 'only one group can be provisioned per on-demand call: send each group in its own request',
        });
      if (list(record(links).members).length > 0 && objectTypeName !== 'Group')
        issues.push({
          path: [...at, 'links', 'members'],
          message: 'only a subject with objectTypeName "Group" can have members',
        });
      if (typeof objectId !== 'string' || !looksLikeDistinguishedName(objectId)) continue;
      const problem = distinguishedNameProblem(objectId);
      if (problem)
        issues.push({ path: [...at, 'objectId'], message: `not a valid distinguished name: ${problem}` });
      else if (objectTypeName === 'User')
        issues.push({
          path: [...at, 'objectTypeName'],
          message:
            'an Active Directory object (given by distinguished name) takes objectTypeName "user" in lower case',
        });
    }
  }
  return issues;
}

function unknownKeyMessage(allowed: string) {
  return (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? allowed : undefined);
}
