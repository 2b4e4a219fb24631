import { JOB_OPERATIONS, OBJECT_TYPE_NAMES } from '@ondemand/core';
import { z } from 'zod';
import { ROLES } from '../auth/roles.js';
import { canonicalGuid } from './canonical-ids.js';

/** What a rule can ask of a provisionOnDemand's subjects (a job action has none). */
const SUBJECT_CRITERIA = ['ruleId', 'objectType', 'minSubjects', 'maxSubjects'] as const;

/** The policy as the config holds it: rules in order, the first that matches decides. */
const list = z.array(z.string().min(1)).optional();

export const policyRuleSchema = z
  .strictObject({
    name: z.string().min(1),
    match: z
      .strictObject({
        /** Object ids of service principals (GUIDs, in any case). */
        servicePrincipal: z
          .array(
            z
              .string()
              .refine((id) => canonicalGuid(id) !== undefined, {
                message:
                  'a service principal is named by its object id: 8-4-4-4-12 hex digits, as Graph lists it',
              })
              .transform((id) => canonicalGuid(id)!),
          )
          .optional(),
        job: list,
        /**
         * The calls it decides: `provisionOnDemand` (when absent: a rule written before job actions
         * passed through never lets a restart by) and the job actions `start`, `pause`, `restart`,
         * `validateCredentials`.
         */
        action: z.array(z.enum(JOB_OPERATIONS)).min(1).optional(),
        ruleId: list,
        /** `User`, `user`, `Group`, `Worker`: the request matches when any subject has one of these. */
        objectType: z.array(z.enum(OBJECT_TYPE_NAMES)).optional(),
        minSubjects: z.number().int().positive().optional(),
        maxSubjects: z.number().int().positive().optional(),
        caller: list,
      })
      .default({}),
    decision: z.enum(['allow', 'deny', 'require_approval']),
    reason: z.string().optional(),
    approvals: z
      .strictObject({
        count: z.number().int().min(1).max(10),
        roles: z.array(z.enum(ROLES)).min(1).default(['approver']),
        expiresInMinutes: z
          .number()
          .positive()
          .max(60 * 24 * 30)
          .default(24 * 60),
      })
      .optional(),
  })
  .refine(
    (rule) =>
      !rule.match.action?.some((action) => action !== 'provisionOnDemand') ||
      SUBJECT_CRITERIA.every((criterion) => rule.match[criterion] === undefined),
    {
      message: `a job action (start, pause, restart, validateCredentials) provisions no subjects: ${'ruleId, objectType, minSubjects and maxSubjects'} match only provisionOnDemand; write a rule of its own for the job actions`,
      path: ['match', 'action'],
    },
  )
  .refine((rule) => rule.decision !== 'require_approval' || rule.approvals !== undefined, {
    message:
      'a require_approval rule needs "approvals": { "count": N, "roles": [...], "expiresInMinutes": M }',
    path: ['approvals'],
  });
export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const policySchema = z.strictObject({
  /** Rules in order: the first that matches decides. */
  rules: z.array(policyRuleSchema),
  /** When no rule matches. */
  otherwise: z.enum(['allow', 'deny']).default('deny'),
  /**
   * Ask the directory what each Entra subject is before the rules run, and refuse one sent as the
   * wrong type (a group as a `User`). Needs Directory.Read.All (or User.Read.All and Group.Read.All).
   */
  checkSubjectTypes: z.boolean().default(true),
});
export type Policy = z.infer<typeof policySchema>;
