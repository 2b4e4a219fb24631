import { z } from 'zod';

/**
 * The simulated tenant: directory objects, apps with synchronization jobs, and what each job's target
 * already holds. Loaded from JSON (`--seed FILE`) and validated here, so a typo names its path.
 */

const id = z.string().trim().min(1);
const attributes = z.record(z.string(), z.string());

export const seedUserSchema = z.strictObject({
  id,
  userPrincipalName: id,
  displayName: z.string(),
  mailNickname: z.string(),
  givenName: z.string().optional(),
  surname: z.string().optional(),
  mail: z.string().optional(),
  accountEnabled: z.boolean().default(true),
  department: z.string().optional(),
  jobTitle: z.string().optional(),
  city: z.string().optional(),
  country: z.string().optional(),
  employeeId: z.string().optional(),
  /** Entra directory roles by display name ("Application Administrator"): who may provision when signed in. */
  directoryRoles: z.array(z.string()).default([]),
});

export const seedGroupSchema = z.strictObject({
  id,
  displayName: z.string(),
  mailNickname: z.string(),
  description: z.string().optional(),
  securityEnabled: z.boolean().default(true),
  /** Member user ids. */
  members: z.array(id).default([]),
});

/** An Active Directory user, the source of cloud sync, keyed by distinguished name. */
export const seedAdUserSchema = z.strictObject({
  distinguishedName: id,
  /** The Entra-side id of the synced user (sourceIdentity.id in reports). */
  id,
  attributes,
});

export const seedClientSchema = z.strictObject({
  clientId: id,
  displayName: z.string(),
  /** A client secret; the default seed makes one at each start. */
  secret: z.string().min(1).optional(),
  /** PEM certificates whose keys may sign client assertions. */
  certificates: z.array(z.string()).default([]),
  /** Application permissions granted (app roles), e.g. Synchronization.ReadWrite.All. */
  permissions: z.array(z.string()).default([]),
  /** Whether this is a public client that may sign users in with a device code. */
  allowDeviceCode: z.boolean().default(true),
  /** Where the authorization endpoint may send a signed-in user back (a web app's reply URLs). */
  redirectUris: z.array(z.string()).default([]),
  /** The app roles each user is assigned in this app (by user id): the ID token's `roles` claim. */
  appRoles: z.record(z.string(), z.array(z.string())).default({}),
});

export const scopingClauseSchema = z.strictObject({
  attribute: id,
  operator: z.enum(['EQUALS', 'NOT_EQUALS', 'IS_TRUE', 'IS_FALSE', 'IS_NULL', 'IS_NOT_NULL', 'STARTS_WITH']),
  value: z.string().optional(),
});

export const attributeMappingSchema = z.strictObject({
  source: id,
  target: id,
  /** The attribute pair that finds the object in the target (one per object mapping). */
  matching: z.boolean().default(false),
  /** The target refuses an object without a value here (the cycle skips it: AttributeValidationFailed). */
  required: z.boolean().default(false),
});

export const objectMappingSchema = z.strictObject({
  sourceObjectName: z.enum(['User', 'Group', 'user']),
  targetObjectName: id,
  attributeMappings: z.array(attributeMappingSchema).min(1),
  /** All clauses must hold for an object to be in scope (one scoping filter group). */
  scopingFilter: z.array(scopingClauseSchema).default([]),
});

export const ruleSchema = z.strictObject({
  id,
  name: z.string(),
  sourceDirectoryName: z.string(),
  targetDirectoryName: z.string(),
  objectMappings: z.array(objectMappingSchema).min(1),
});

export const targetObjectSchema = z.strictObject({
  id,
  objectType: id,
  attributes,
});

export const jobSchema = z.strictObject({
  /** Job ids are not GUIDs: `gitHubEnterpriseCloud.6855….16d1…`. */
  id,
  templateId: id,
  /** `app`: Entra ID → a SaaS app (assignment matters); `cloudSync`: Active Directory → Entra ID by DN. */
  kind: z.enum(['app', 'cloudSync']),
  targetIdentityType: z.string(),
  rules: z.array(ruleSchema).min(1),
  /**
   * The job's state at start: `Active` (in steady state, its next cycle one interval away), `NotRun`
   * (created, never started) or `NotConfigured`.
   */
  initialStatus: z.enum(['Active', 'NotRun', 'NotConfigured']).default('Active'),
  /** What the target already holds at start (and after a reset). */
  target: z.array(targetObjectSchema).default([]),
});

export const servicePrincipalSchema = z.strictObject({
  id,
  appId: id,
  displayName: z.string(),
  tags: z.array(z.string()).default([]),
  /** Client ids of apps that own this service principal (Application.ReadWrite.OwnedBy reaches only these). */
  owners: z.array(id).default([]),
  /** User and group ids assigned to the app. */
  assignedTo: z.array(id).default([]),
  jobs: z.array(jobSchema).default([]),
});

export const seedSchema = z
  .strictObject({
    tenantId: id,
    tenantDomain: z.string(),
    clients: z.array(seedClientSchema).min(1),
    users: z.array(seedUserSchema),
    groups: z.array(seedGroupSchema).default([]),
    adUsers: z.array(seedAdUserSchema).default([]),
    servicePrincipals: z.array(servicePrincipalSchema),
  })
  .superRefine((seed, context) => {
    const userIds = new Set(seed.users.map((user) => user.id));
    for (const [groupIndex, group] of seed.groups.entries()) {
      for (const [memberIndex, member] of group.members.entries()) {
        if (!userIds.has(member)) {
          context.addIssue({
            code: 'custom',
            path: ['groups', groupIndex, 'members', memberIndex],
            message: `no user has id "${member}"`,
          });
        }
      }
    }
    for (const [spIndex, sp] of seed.servicePrincipals.entries()) {
      for (const [jobIndex, job] of sp.jobs.entries()) {
        for (const [ruleIndex, rule] of job.rules.entries()) {
          for (const [mappingIndex, mapping] of rule.objectMappings.entries()) {
            if (mapping.attributeMappings.filter((each) => each.matching).length !== 1) {
              context.addIssue({
                code: 'custom',
                path: [
                  'servicePrincipals',
                  spIndex,
                  'jobs',
                  jobIndex,
                  'rules',
                  ruleIndex,
                  'objectMappings',
                  mappingIndex,
                  'attributeMappings',
                ],
                message: 'exactly one attribute mapping must have "matching": true',
              });
            }
          }
        }
      }
    }
  });

export type Seed = z.infer<typeof seedSchema>;
export type SeedInput = z.input<typeof seedSchema>;
export type SeedUser = z.infer<typeof seedUserSchema>;
export type SeedGroup = z.infer<typeof seedGroupSchema>;
export type SeedAdUser = z.infer<typeof seedAdUserSchema>;
export type SeedClient = z.infer<typeof seedClientSchema>;
export type SeedServicePrincipal = z.infer<typeof servicePrincipalSchema>;
export type SeedJob = z.infer<typeof jobSchema>;
export type SeedRule = z.infer<typeof ruleSchema>;
export type ObjectMapping = z.infer<typeof objectMappingSchema>;
export type ScopingClause = z.infer<typeof scopingClauseSchema>;
export type TargetObject = z.infer<typeof targetObjectSchema>;
