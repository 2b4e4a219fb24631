import { randomUUID } from 'node:crypto';
import type { ProvisionOnDemandRequest, ProvisionSubject } from '@ondemand/core';
import type { ObjectMapping, SeedRule, TargetObject } from '../seed/seed-schema.js';
import type { JobState, Tenant } from '../tenant.js';
import { evaluateScopingFilter } from './scoping.js';

/** A request Graph refuses before any provisioning (400 with Graph's error body). */
export class ProvisionRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Graph's answer body: `key` and `value` are JSON inside strings, as documented. */
export interface ProvisionAnswer {
  key: string;
  value: string;
}

type Result = 'Success' | 'Skipped' | 'Failure';
type Attributes = Record<string, string>;

interface Step {
  name: string;
  type: string;
  status: string;
  description: string;
  timestamp: string;
  details: Record<string, string>;
}

/** What came of one object: the outcome and the report Graph gives (and the provisioning log keeps). */
export interface ObjectOutcome {
  result: Result;
  errorCode: string | null;
  errorMessage: string | null;
  report: Record<string, unknown>;
  /** The source object's display name, for the provisioning log's sourceIdentity. */
  sourceName: string | null;
}

interface SourceObject {
  id: string;
  /** `User`, `user` (AD) or `Group`: how the report names the source type. */
  type: string;
  label: string;
  attributes: Attributes;
  assigned: boolean;
  active: boolean;
}

/**
 * The skip for an object of a type the rule has no object mapping for (a group sent with a rule that
 * maps only users). Graph's answer to this is not documented (nor is this code one of Graph's): the
 * simulator skips it, names the mappings there are, and never reports Success, so that no client
 * takes "nothing was provisioned" for "done".
 */
export const OBJECT_TYPE_NOT_MAPPED = 'ObjectTypeNotMapped';

/**
 * What a group call answers: the group's own outcome when it was not provisioned; otherwise the first
 * member's failure, if any; otherwise Success (each object's outcome goes to the provisioning logs).
 */
function groupHeadline(outcomes: readonly ObjectOutcome[]): ObjectOutcome {
  const group = outcomes[0]!;
  if (group.result !== 'Success' && group.errorCode !== 'RedundantExport') return group;
  const failure = outcomes.find((outcome) => outcome.result === 'Failure');
  return failure ?? { ...group, result: 'Success', errorCode: null };
}

const skipMessages = {
  RedundantExport: (noun: string) =>
    `The state of the ${noun} in both the source and target systems already match.`,
  NotEffectivelyEntitled: (noun: string) => `The ${noun} is not in scope for provisioning.`,
  SourceObjectNotFound: (noun: string) => `The ${noun} was not found in the source system.`,
};

/**
 * The synchronization engine behind provisionOnDemand: import the subject from the job's source,
 * evaluate assignment and scoping, match it in the target by the rule's matching attribute, then
 * export (create, update what changed, or skip). Answers shaped like the API reference's examples.
 */
/**
 * A failure the target answers every export with, steered from `/_sim/` (a target that times out, a
 * licence limit, a conflicting entry). `retried`: the service keeps it in escrow and tries again.
 */
export interface ExportFault {
  code:
    | 'Timeout'
    | 'LicenseLimitExceeded'
    | 'EntryConflict'
    | 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable';
  message: string;
  retried: boolean;
}

export const EXPORT_FAULTS: Record<
  'Timeout' | 'LicenseLimitExceeded' | 'EntryConflict',
  (app: string) => ExportFault
> = {
  Timeout: (app) => ({
    code: 'Timeout',
    message: `The request to ${app} timed out: it did not answer within the time allowed.`,
    retried: true,
  }),
  LicenseLimitExceeded: (app) => ({
    code: 'LicenseLimitExceeded',
    message: `${app} refused to create the user: no licence is available for it.`,
    retried: false,
  }),
  EntryConflict: (app) => ({
    code: 'EntryConflict',
    message: `${app} returned an error response with the HTTP status code 409: a user or a group already exists with the same name.`,
    retried: false,
  }),
};

/** What an export meets when the app refuses the job's admin credentials. */
const CREDENTIALS_REFUSED = (app: string) => ({
  code: 'SystemForCrossDomainIdentityManagementCredentialValidationUnavailable' as const,
  message: `${app} refused the provisioning service's credentials: the export could not be sent.`,
  retried: false,
});

/** The key of a job's steered faults: its app and job id. */
export function faultKey(jobState: JobState): string {
  return `${jobState.servicePrincipal.id.toLowerCase()}/${jobState.job.id}`;
}

export class ProvisionEngine {
  /** Export failures steered per job (`faultKey`). */
  readonly exportFaults = new Map<string, ExportFault>();
  /**
   * Whether the app refuses the job's credentials (steered in the provisioning service): every export
   * fails with the credential error, on demand as in a cycle.
   */
  credentialsRefused: (jobState: JobState) => boolean = () => false;

  constructor(
    private readonly tenant: Tenant,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Graph's answer to provisionOnDemand, and what came of each object (for the provisioning log). */
  provision(
    jobState: JobState,
    body: ProvisionOnDemandRequest,
  ): { answer: ProvisionAnswer; outcomes: ObjectOutcome[] } {
    const outcomes: ObjectOutcome[] = [];
    let groupCall = false;
    for (const parameter of body.parameters) {
      const rule = jobState.job.rules.find((candidate) => candidate.id === parameter.ruleId);
      if (!rule) {
        throw new ProvisionRequestError(
          400,
          'RequestParameterInvalid',
          `The rule id '${parameter.ruleId}' is not valid for job '${jobState.job.id}'. Read the valid ids from GET …/jobs/${jobState.job.id}/schema (synchronizationRules[].id).`,
        );
      }
      for (const subject of parameter.subjects) {
        if (subject.objectTypeName === 'Group') {
          groupCall = true;
          outcomes.push(...this.#provisionGroup(jobState, rule, subject));
        } else {
          outcomes.push(this.#provisionOne(jobState, rule, this.#source(jobState, subject), subject));
        }
      }
    }
    const headline = groupCall ? groupHeadline(outcomes) : outcomes[0]!;
    const details = headline.errorCode
      ? { errorCode: headline.errorCode, errorMessage: headline.errorMessage }
      : {};
    const answer = {
      key: JSON.stringify({ result: headline.result, details }),
      // For a group, Graph answers an empty report: each object's outcome goes to the provisioning logs.
      value: groupCall ? '{}' : JSON.stringify(outcomes[0]!.report),
    };
    return { answer, outcomes };
  }

  #source(
    jobState: JobState,
    subject: ProvisionSubject | { objectId: string; objectTypeName: string },
  ): SourceObject | undefined {
    const { servicePrincipal, job } = jobState;
    if (job.kind === 'cloudSync') {
      const adUser = this.tenant.adUser(subject.objectId);
      if (!adUser) return undefined;
      const attributes: Attributes = { distinguishedName: adUser.distinguishedName, ...adUser.attributes };
      return {
        id: adUser.id,
        type: 'user',
        label: attributes.userPrincipalName ?? adUser.distinguishedName,
        attributes,
        assigned: true,
        active: attributes.accountDisabled?.toLowerCase() !== 'true',
      };
    }
    const user = this.tenant.users.get(subject.objectId);
    if (!user) return undefined;
    const assigned =
      servicePrincipal.assignedTo.includes(user.id) ||
      this.tenant.groupsOf(user.id).some((group) => servicePrincipal.assignedTo.includes(group.id));
    const attributes: Attributes = { objectId: user.id };
    for (const [name, value] of Object.entries(user)) {
      if (name === 'id' || name === 'directoryRoles' || value === undefined) continue;
      attributes[name] = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value);
    }
    attributes.IsSoftDeleted = 'False';
    attributes.appRoleAssignments = assigned ? 'User' : '';
    return {
      id: user.id,
      type: 'User',
      label: user.userPrincipalName,
      attributes,
      assigned,
      active: user.accountEnabled,
    };
  }

  #provisionGroup(jobState: JobState, rule: SeedRule, subject: ProvisionSubject): ObjectOutcome[] {
    const group = this.tenant.groups.get(subject.objectId);
    const groupSource: SourceObject | undefined = group && {
      id: group.id,
      type: 'Group',
      label: group.displayName,
      attributes: {
        objectId: group.id,
        displayName: group.displayName,
        mailNickname: group.mailNickname,
        members: String(group.members.length),
      },
      assigned: jobState.servicePrincipal.assignedTo.includes(group.id),
      active: true,
    };
    const outcomes = [this.#provisionOne(jobState, rule, groupSource, subject)];
    // A group the rule does not map is not provisioned, and neither are the members sent with it.
    if (outcomes[0]!.errorCode === OBJECT_TYPE_NOT_MAPPED) return outcomes;
    for (const member of subject.links?.members ?? []) {
      const source = this.#source(jobState, member);
      if (source && group && !group.members.includes(source.id)) {
        outcomes.push(
          this.#failure(
            jobState,
            source,
            'MemberNotInGroup',
            `The ${source.label} is not a member of the group ${group.displayName}.`,
          ),
        );
        continue;
      }
      // A member of an assigned group is in scope through it.
      outcomes.push(
        this.#provisionOne(
          jobState,
          rule,
          source && { ...source, assigned: source.assigned || groupSource!.assigned },
          member,
        ),
      );
    }
    return outcomes;
  }

  #provisionOne(
    jobState: JobState,
    rule: SeedRule,
    source: SourceObject | undefined,
    subject: { objectId: string; objectTypeName: string },
  ): ObjectOutcome {
    const { job } = jobState;
    const sourceSystem = rule.sourceDirectoryName;
    const targetSystem = rule.targetDirectoryName;
    const noun = subject.objectTypeName === 'Group' ? 'group' : 'user';
    const started = this.now().toISOString();
    const steps: Step[] = [];
    const step = (
      name: string,
      type: string,
      status: string,
      description: string,
      details: Record<string, string> = {},
    ) => steps.push({ name, type, status, description, timestamp: this.now().toISOString(), details });

    // Every outcome of this run shares its job, rule, start, steps, source and subject.
    const finish = (outcome: FinishOutcome) =>
      this.#finish({ jobState, rule, started, steps, source, subject, ...outcome });

    const mapping = rule.objectMappings.find(
      (candidate) => candidate.sourceObjectName.toLowerCase() === subject.objectTypeName.toLowerCase(),
    );
    if (!mapping) {
      const mapped = rule.objectMappings.map((each) => each.sourceObjectName).join(', ');
      step(
        'EntryImport',
        'Import',
        'Skipped',
        `The rule '${rule.id}' maps no ${subject.objectTypeName} objects (it maps ${mapped}): the ${noun} '${subject.objectId}' is not provisioned`,
      );
      return finish({
        result: 'Skipped',
        errorCode: OBJECT_TYPE_NOT_MAPPED,
        errorMessage: `The rule does not provision ${subject.objectTypeName} objects; it provisions ${mapped}.`,
        action: 'Other',
        modified: [],
        recommendedAction: `Provision ${subject.objectTypeName} objects with a rule whose object mappings include them, or add such a mapping to the job's schema.`,
      });
    }
    if (!source) {
      step(
        'EntryImport',
        'Import',
        'Failure',
        `The ${noun} '${subject.objectId}' was not found in ${sourceSystem}`,
      );
      return finish({
        result: 'Skipped',
        errorCode: 'SourceObjectNotFound',
        errorMessage: skipMessages.SourceObjectNotFound(noun),
        action: 'Other',
        modified: [],
        recommendedAction:
          job.kind === 'cloudSync'
            ? `Check that the distinguished name is right, as ${sourceSystem} has it, and that the ${noun} exists there.`
            : `Check that the object id is right and that the ${noun} exists in ${sourceSystem}.`,
      });
    }

    if (job.kind === 'cloudSync') {
      step(
        'EntryImportAdd',
        'Import',
        'Success',
        `Received ${noun} '${source.label}' change of type (Add) from ${sourceSystem}`,
        source.attributes,
      );
    }
    step(
      'EntryImport',
      'Import',
      'Success',
      `Retrieved ${source.type} '${source.label}' from ${sourceSystem}`,
      source.attributes,
    );

    const desired = mapAttributes(mapping, source.attributes);
    const matchingMapping = mapping.attributeMappings.find((each) => each.matching)!;
    const match = [...jobState.target.values()].find(
      (object) =>
        object.objectType.toLowerCase() === noun &&
        object.attributes[matchingMapping.target]?.toLowerCase() ===
          desired[matchingMapping.target]?.toLowerCase(),
    );
    if (job.kind === 'app') {
      step(
        'EntryImport',
        'Matching',
        'Success',
        match
          ? `Retrieved '${source.label}' from ${targetSystem}`
          : `No ${noun} with ${matchingMapping.target} '${desired[matchingMapping.target] ?? ''}' was found in ${targetSystem}`,
        match ? { ...match.attributes, id: match.id } : {},
      );
    }

    const scope = evaluateScopingFilter(mapping.scopingFilter, source.attributes);
    const entitled = source.active && source.assigned && scope.inScope;
    step(
      'EntrySynchronizationScoping',
      'Scoping',
      'Success',
      `Determine if ${source.type} in scope by evaluating against each scoping filter`,
      {
        IsActive: bool(source.active),
        Assigned: bool(source.assigned),
        IsEffectivelyEntitledForProvisioning: bool(entitled),
        IsInProvisioningScopeDisplayName: bool(scope.inScope),
        ScopeEvaluationResult: JSON.stringify(scope.evaluation),
      },
    );

    // Provisioned before and now unassigned, disabled or out of scope: the service takes it back,
    // disabling it where the app maps accountEnabled (a soft delete), deleting it where it does not.
    const activeMapping = mapping.attributeMappings.find((each) => each.source === 'accountEnabled');
    const stillActive = match && (!activeMapping || match.attributes[activeMapping.target] !== 'False');
    if (!entitled && match && stillActive && job.kind === 'app') {
      const why = !source.active
        ? 'it was disabled'
        : !source.assigned
          ? 'it was unassigned'
          : 'it left the scope';
      if (activeMapping) {
        const oldValue = match.attributes[activeMapping.target] ?? null;
        match.attributes = { ...match.attributes, [activeMapping.target]: 'False' };
        step(
          'EntryExportUpdateSoftDelete',
          'Export',
          'Success',
          `${capitalize(noun)} '${source.label}' was disabled in ${targetSystem}: ${why} in ${sourceSystem}`,
        );
        return finish({
          result: 'Success',
          action: 'Disable',
          modified: [{ displayName: activeMapping.target, oldValue, newValue: 'False' }],
          target: match,
        });
      }
      jobState.target.delete(match.id);
      step(
        'EntryExportDelete',
        'Export',
        'Success',
        `${capitalize(noun)} '${source.label}' was deleted from ${targetSystem}: ${why} in ${sourceSystem}`,
      );
      return finish({ result: 'Success', action: 'Delete', modified: [], target: match });
    }

    if (!entitled) {
      const why = !source.active
        ? 'it is disabled in the source'
        : !source.assigned
          ? 'it is not assigned to the application'
          : 'it does not pass the scoping filter';
      step(
        'EntrySynchronizationSkip',
        'Export',
        'Skipped',
        `The ${noun} '${source.label}' will be skipped: ${why}.`,
        { SkipReason: 'NotEffectivelyEntitled' },
      );
      return finish({
        result: 'Skipped',
        errorCode: 'NotEffectivelyEntitled',
        errorMessage: `${skipMessages.NotEffectivelyEntitled(noun)} (${why})`,
        action: 'Other',
        modified: [],
        recommendedAction: !source.assigned
          ? 'Assign the user or one of its groups to the application.'
          : !source.active
            ? 'Enable the account in the source system.'
            : 'Change the object or the scoping filter so that it is in scope.',
        target: match,
      });
    }

    const missing = mapping.attributeMappings.filter(
      (each) => each.required && (desired[each.target] ?? '') === '',
    );
    if (missing.length > 0) {
      const names = missing.map((each) => each.target).join(', ');
      step(
        'EntrySynchronizationSkip',
        'Export',
        'Skipped',
        `The ${noun} '${source.label}' was not exported: ${targetSystem} requires ${names}, which has no value.`,
        { SkipReason: 'AttributeValidationFailed', MissingAttributes: names },
      );
      return finish({
        result: 'Skipped',
        errorCode: 'AttributeValidationFailed',
        errorMessage: `The required attribute ${names} has no value in ${sourceSystem}.`,
        additionalDetails: `Missing required target attributes: ${names} (from ${missing.map((each) => each.source).join(', ')}).`,
        action: 'Other',
        modified: [],
        recommendedAction: `Give the ${noun} a value for ${missing.map((each) => each.source).join(', ')} in ${sourceSystem}, or map a default.`,
        target: match,
      });
    }

    const fault = this.credentialsRefused(jobState)
      ? CREDENTIALS_REFUSED(jobState.servicePrincipal.displayName)
      : this.exportFaults.get(faultKey(jobState));
    if (fault) {
      step(
        match ? 'EntryExportUpdate' : 'EntryExportAdd',
        'Export',
        'Failure',
        `Failed to ${match ? 'update' : 'create'} ${capitalize(noun)} '${source.label}' in ${targetSystem}`,
      );
      return finish({
        result: 'Failure',
        errorCode: fault.code,
        errorMessage: fault.message,
        action: match ? 'Update' : 'Create',
        modified: [],
        recommendedAction: fault.retried
          ? 'Nothing: the provisioning service tries again in its next cycle.'
          : `Resolve it in ${targetSystem}, then provision the ${noun} again.`,
        target: match,
      });
    }

    if (!match) {
      const created: TargetObject = {
        id: randomUUID(),
        objectType: noun === 'group' ? 'Group' : 'User',
        attributes: desired,
      };
      jobState.target.set(created.id, created);
      step(
        'EntryExportAdd',
        'Export',
        'Success',
        `${capitalize(noun)} '${source.label}' was created in ${targetSystem}`,
      );
      return finish({
        result: 'Success',
        action: 'Create',
        modified: asSet(desired),
        target: created,
      });
    }

    const changed = Object.entries(desired).filter(([name, value]) => match.attributes[name] !== value);
    if (changed.length === 0) {
      step(
        'EntrySynchronizationSkip',
        'Export',
        'Skipped',
        `${skipMessages.RedundantExport(noun)} No change to the ${source.type} '${source.label}' currently needs to be made.`,
        { SkipReason: 'RedundantExport' },
      );
      // Graph lists the mapped values of a redundant export with no old value (first documented example).
      return finish({
        result: 'Skipped',
        errorCode: 'RedundantExport',
        errorMessage: skipMessages.RedundantExport(noun),
        action: 'Other',
        modified: asSet(desired),
        target: match,
      });
    }
    const modified = changed.map(([name, value]) => ({
      displayName: name,
      oldValue: match.attributes[name] ?? null,
      newValue: value,
    }));
    match.attributes = { ...match.attributes, ...Object.fromEntries(changed) };
    step(
      'EntryExportUpdate',
      'Export',
      'Success',
      `${capitalize(noun)} '${source.label}' was updated in ${targetSystem}`,
    );
    return finish({
      result: 'Success',
      action: 'Update',
      modified,
      target: match,
    });
  }

  #failure(jobState: JobState, source: SourceObject, errorCode: string, message: string): ObjectOutcome {
    return this.#finish({
      jobState,
      rule: jobState.job.rules[0]!,
      started: this.now().toISOString(),
      steps: [],
      source,
      subject: { objectId: source.id, objectTypeName: source.type },
      result: 'Failure',
      errorCode,
      errorMessage: message,
      action: 'Other',
      modified: [],
      recommendedAction: 'Add the user to the group, or leave it out of links.members.',
    });
  }

  #displayName(source: SourceObject): string {
    return source.attributes.displayName ?? source.label;
  }

  #finish(run: FinishRun): ObjectOutcome {
    const report = {
      action: run.action,
      changeId: randomUUID(),
      endTime: this.now().toISOString(),
      modifiedProperties: run.modified,
      provisioningSteps: run.steps,
      reportableIdentifier: run.source?.label ?? run.subject.objectId,
      startTime: run.started,
      statusInfo: {
        status: run.result,
        errorCode: run.result === 'Success' ? null : (run.errorCode ?? null),
        reason: run.result === 'Success' ? null : (run.errorMessage ?? null),
        additionalDetails: run.additionalDetails ?? null,
        errorCategory: run.result === 'Failure' ? 'NonServiceFailure' : null,
        recommendedAction: run.recommendedAction ?? null,
      },
      sourceIdentity: {
        id: run.source?.id ?? run.subject.objectId,
        type: run.source?.type ?? run.subject.objectTypeName,
        displayName: null,
        details: null,
      },
      sourceSystem: { id: null, name: run.rule.sourceDirectoryName, details: null },
      targetIdentity: {
        id: run.target?.id ?? null,
        type: run.jobState.job.targetIdentityType,
        displayName: null,
        details: null,
      },
      targetSystem: { id: null, name: run.rule.targetDirectoryName, details: null },
    };
    return {
      result: run.result,
      errorCode: run.errorCode ?? null,
      errorMessage: run.errorMessage ?? null,
      report,
      sourceName: run.source ? this.#displayName(run.source) : null,
    };
  }
}

/** Everything a finished run reports. */
interface FinishRun {
  jobState: JobState;
  rule: SeedRule;
  started: string;
  steps: Step[];
  source: SourceObject | undefined;
  subject: { objectId: string; objectTypeName: string };
  result: Result;
  errorCode?: string;
  errorMessage?: string;
  additionalDetails?: string;
  action: string;
  modified: Array<{ displayName: string; oldValue: string | null; newValue: string }>;
  recommendedAction?: string;
  target?: TargetObject | undefined;
}
type FinishOutcome = Omit<FinishRun, 'jobState' | 'rule' | 'started' | 'steps' | 'source' | 'subject'>;

/** Attributes as set from nothing: how Graph reports a create (and a redundant export). */
function asSet(attributes: Attributes) {
  return Object.entries(attributes).map(([name, value]) => ({
    displayName: name,
    oldValue: null,
    newValue: value,
  }));
}

function mapAttributes(mapping: ObjectMapping, source: Attributes): Attributes {
  const mapped: Attributes = {};
  for (const each of mapping.attributeMappings) {
    const value = source[each.source];
    if (value !== undefined) mapped[each.target] = value;
  }
  return mapped;
}

function bool(value: boolean): string {
  return value ? 'True' : 'False';
}

function capitalize(text: string): string {
  return text[0]!.toUpperCase() + text.slice(1);
}
