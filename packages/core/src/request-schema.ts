import { z } from 'zod';
import { looksLikeDistinguishedName, parseDistinguishedName } from './distinguished-name.js';
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

/** Refuses ids holding what no directory id holds (and what would not survive UTF-8 or a database). */
function sendable<T extends z.ZodString>(schema: T, name: string): T {
  return schema.superRefine((text, context) => {
    const why = unsafeCharacter(text);
    if (why)
      context.addIssue({
        code: 'custom',
        message: `${name} contains ${why}: no directory id does; send the id exactly as the directory has it`,
      });
  }) as unknown as T;
}

const objectIdSchema = sendable(
  z
    .string({ error: 'objectId is required: the Entra object id, an AD distinguished name or a worker id' })
    .trim()
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
export const subjectSchema = z
  .strictObject(
    { objectId: objectIdSchema, objectTypeName: objectTypeNameSchema, links: linksSchema.optional() },
    { error: unknownKeyMessage('a subject takes objectId, objectTypeName and links') },
  )
  .superRefine((subject, context) => {
    if ((subject.links?.members?.length ?? 0) > 0 && subject.objectTypeName !== 'Group') {
      context.addIssue({
        code: 'custom',
        path: ['links', 'members'],
        message: 'only a subject with objectTypeName "Group" can have members',
      });
    }
    checkDistinguishedName(subject.objectId, subject.objectTypeName, context);
  });

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
  .superRefine(
    (body, context) => {
      // Runs even when other parts failed (`when`), so every problem is listed at once.
      const parameters = Array.isArray(body?.parameters) ? body.parameters : [];
      let groups = 0;
      parameters.forEach((parameter, parameterIndex) => {
        const subjects = Array.isArray(parameter?.subjects) ? parameter.subjects : [];
        subjects.forEach((subject, subjectIndex) => {
          if (subject?.objectTypeName !== 'Group') return;
          groups += 1;
          if (groups === 2) {
            context.addIssue({
              code: 'custom',
              path: ['parameters', parameterIndex, 'subjects', subjectIndex, 'objectTypeName'],
              message:
                'only one group can be provisioned per on-demand call: send each group in its own request',
            });
          }
        });
      });
    },
    { when: () => true },
  );

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
  return { ok: false, issues: parsed.error.issues.map(toInputIssue) };
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

function checkDistinguishedName(
  objectId: string,
  objectTypeName: ObjectTypeName,
  context: z.core.$RefinementCtx<unknown>,
): void {
  if (!looksLikeDistinguishedName(objectId)) return;
  const parsed = parseDistinguishedName(objectId);
  if (!parsed.ok) {
    context.addIssue({
      code: 'custom',
      path: ['objectId'],
      message: `not a valid distinguished name: ${parsed.error} (escape commas inside a name as "\\,")`,
    });
  } else if (objectTypeName === 'User') {
    context.addIssue({
      code: 'custom',
      path: ['objectTypeName'],
      message:
        'an Active Directory object (given by distinguished name) takes objectTypeName "user" in lower case',
    });
  }
}

function unknownKeyMessage(allowed: string) {
  return (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? allowed : undefined);
}
