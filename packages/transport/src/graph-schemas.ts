import { z } from 'zod';

/** Graph's answers as the client reads them: loose, so fields Graph adds never break a caller. */

const text = z.string().nullish();

export const servicePrincipalSchema = z.looseObject({
  id: z.string(),
  appId: text,
  displayName: text,
  servicePrincipalType: text,
  tags: z.array(z.string()).nullish(),
});
export type ServicePrincipal = z.infer<typeof servicePrincipalSchema>;

export const synchronizationJobSchema = z.looseObject({
  id: z.string(),
  templateId: text,
  schedule: z.looseObject({ state: text, interval: text }).nullish(),
  status: z.looseObject({ code: text }).nullish(),
});
export type SynchronizationJob = z.infer<typeof synchronizationJobSchema>;

const objectMappingSchema = z.looseObject({
  name: text,
  enabled: z.boolean().nullish(),
  sourceObjectName: text,
  targetObjectName: text,
  attributeMappings: z
    .array(
      z.looseObject({
        targetAttributeName: text,
        matchingPriority: z.number().nullish(),
        source: z.looseObject({ name: text, expression: text }).nullish(),
      }),
    )
    .nullish(),
});

export const synchronizationRuleSchema = z.looseObject({
  id: z.string(),
  name: text,
  sourceDirectoryName: text,
  targetDirectoryName: text,
  objectMappings: z.array(objectMappingSchema).nullish(),
});
export type SynchronizationRule = z.infer<typeof synchronizationRuleSchema>;

export const synchronizationSchemaSchema = z.looseObject({
  id: text,
  version: text,
  synchronizationRules: z.array(synchronizationRuleSchema).default([]),
});
export type SynchronizationSchema = z.infer<typeof synchronizationSchemaSchema>;

export const userSchema = z.looseObject({
  id: z.string(),
  displayName: text,
  userPrincipalName: text,
  mail: text,
  accountEnabled: z.boolean().nullish(),
  department: text,
});
export type DirectoryUser = z.infer<typeof userSchema>;

/** An app role assignment: a user or a group assigned to an app (`resourceId` is its service principal). */
export const appRoleAssignmentSchema = z.looseObject({
  id: z.string(),
  appRoleId: text,
  principalId: z.string(),
  principalType: text,
  principalDisplayName: text,
  resourceId: z.string(),
  resourceDisplayName: text,
});
export type AppRoleAssignment = z.infer<typeof appRoleAssignmentSchema>;

export const groupSchema = z.looseObject({
  id: z.string(),
  displayName: text,
  mailNickname: text,
  description: text,
  securityEnabled: z.boolean().nullish(),
});
export type DirectoryGroup = z.infer<typeof groupSchema>;

export const collectionPageSchema = z.looseObject({
  value: z.array(z.unknown()),
  '@odata.nextLink': z.string().nullish(),
  '@odata.count': z.number().nullish(),
});

/**
 * A directory object of any type, as `getByIds` answers: `type` is its kind (`user`, `group`,
 * `servicePrincipal`, …), read from `@odata.type`.
 */
export const directoryObjectSchema = z
  .looseObject({
    '@odata.type': z.string(),
    id: z.string(),
    displayName: text,
    userPrincipalName: text,
  })
  .transform((object) => ({
    ...object,
    type: object['@odata.type'].replace(/^#?microsoft\.graph\./, ''),
  }));
export type DirectoryObject = z.infer<typeof directoryObjectSchema>;
