import { z } from 'zod';

/**
 * Graph's provisioning report (the decoded `value` of a provisionOnDemand answer), with Graph's own
 * field names. Objects are loose and enums are open strings: Graph adds fields and values over time,
 * and a decoder that rejected them would break on the day it does.
 */

/** A string enum that keeps values it does not know. */
type Open<T extends string> = T | (string & {});
const open = <T extends string>() => z.string() as unknown as z.ZodType<Open<T>, string>;
const text = z.string().nullish();
/**
 * A free-form map (a step's `details`): checked to be an object, not copied key by key. A cloud-sync
 * step carries over a hundred attributes, and copying them made up most of the decoder's cost.
 */
const freeForm = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { error: 'expected an object of name → value' },
);

export const PROVISIONING_STEP_TYPES = [
  'Import',
  'Scoping',
  'Matching',
  'Processing',
  'ReferenceResolution',
  'Export',
] as const;
export type ProvisioningStepType = Open<(typeof PROVISIONING_STEP_TYPES)[number]>;

export const PROVISIONING_RESULTS = ['Success', 'Warning', 'Failure', 'Skipped'] as const;
export type ProvisioningResult = Open<(typeof PROVISIONING_RESULTS)[number]>;

export const provisioningStepSchema = z.looseObject({
  name: z.string(),
  type: open<(typeof PROVISIONING_STEP_TYPES)[number]>(),
  status: open<(typeof PROVISIONING_RESULTS)[number]>(),
  description: text,
  timestamp: text,
  details: freeForm.nullish(),
});
export type ProvisioningStep = z.infer<typeof provisioningStepSchema>;

export const modifiedPropertySchema = z.looseObject({
  displayName: z.string(),
  oldValue: text,
  newValue: text,
});
export type ModifiedProperty = z.infer<typeof modifiedPropertySchema>;

export const statusInfoSchema = z.looseObject({
  status: open<(typeof PROVISIONING_RESULTS)[number]>().nullish(),
  errorCode: text,
  reason: text,
  additionalDetails: text,
  errorCategory: text,
  recommendedAction: text,
});

const identitySchema = z.looseObject({
  id: text,
  type: text,
  displayName: text,
  details: z.unknown().optional(),
});
const systemSchema = z.looseObject({ id: text, name: text, details: z.unknown().optional() });

export const provisioningReportSchema = z.looseObject({
  action: text,
  changeId: text,
  startTime: text,
  endTime: text,
  reportableIdentifier: text,
  provisioningSteps: z.array(provisioningStepSchema).nullish(),
  modifiedProperties: z.array(modifiedPropertySchema).nullish(),
  statusInfo: statusInfoSchema.nullish(),
  sourceIdentity: identitySchema.nullish(),
  targetIdentity: identitySchema.nullish(),
  sourceSystem: systemSchema.nullish(),
  targetSystem: systemSchema.nullish(),
});
export type ProvisioningReport = z.infer<typeof provisioningReportSchema>;

/** The decoded `key`: the outcome and, when it did not succeed, why. */
export const provisionOutcomeSchema = z.looseObject({
  result: open<(typeof PROVISIONING_RESULTS)[number]>(),
  details: z
    .looseObject({ errorCode: text, errorMessage: text })
    .nullish()
    .transform((details) => details ?? {}),
});
export type ProvisionOutcome = z.infer<typeof provisionOutcomeSchema>;
