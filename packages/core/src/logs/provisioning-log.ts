import {
  asWritten,
  field,
  isObject,
  type Loose,
  listField,
  numberField,
  objectAsWritten,
  objectField,
  textField,
} from './loose-fields.js';
import { type Verdict, verdictOf } from './outcome-verdict.js';
import { type Remedy, type Retry, remedyFor } from './remediation-catalog.js';
import { type ScopeClause, scopeClausesOfSteps } from './scope-evaluation.js';
import {
  type OutcomeStatus,
  outcomeStatus,
  type StepModel,
  skipReasonOfSteps,
  stepModel,
} from './step-model.js';

/** What a provisioning-log entry did, in lower case whatever case or number the input used. */
export type LogAction = 'create' | 'update' | 'delete' | 'disable' | 'stagedDelete' | 'other' | 'unknown';

/** An identity a log entry names (the source or the target object). */
export interface LogIdentity {
  id: string | null;
  displayName: string | null;
  identityType: string | null;
}

/** One provisioning-log entry, read from any dialect (the shape `ondemand explain --json` prints). */
export interface ProvisioningLogEntry {
  id: string | null;
  activityDateTime: string | null;
  jobId: string | null;
  cycleId: string | null;
  changeId: string | null;
  action: LogAction;
  status: OutcomeStatus;
  errorCode: string | null;
  reason: string | null;
  skipReason: string | null;
  sourceIdentity: LogIdentity | null;
  targetIdentity: LogIdentity | null;
  steps: StepModel[];
  modifiedProperties: Array<{ name: string | null; oldValue: string | null; newValue: string | null }>;
  verdict: Verdict;
  retry: Retry;
  /** Beyond the contract: what else Graph says. */
  servicePrincipal: { id: string | null; displayName: string | null } | null;
  durationInMilliseconds: number | null;
  errorCategory: string | null;
  recommendedAction: string | null;
  additionalDetails: string | null;
  initiatedBy: string | null;
  /** What Microsoft documents for the error code or skip reason, when it does. */
  advice: Remedy | null;
  /** The scoping filter's clauses as evaluated for this object (empty when no filter is set). */
  scopeClauses: ScopeClause[];
}

const ACTIONS: readonly LogAction[] = ['create', 'update', 'delete', 'disable', 'stagedDelete', 'other'];
/**
 * An export's numbers for `provisioningAction`, in the order of Graph's `provisioningAction` enum
 * (other, create, delete, disable, update, stagedDelete). Not confirmed against a real export: a
 * number outside it reads as `unknown`.
 */
const ACTION_NUMBERS: readonly LogAction[] = [
  'other',
  'create',
  'delete',
  'disable',
  'update',
  'stagedDelete',
];

// The spellings Graph writes, looked up before any case folding.
const ACTION_AS_WRITTEN = new Map<unknown, LogAction>(ACTIONS.map((action) => [action, action]));

/** An action from Graph's text (any case) or an export's number. */
export function logAction(value: unknown): LogAction {
  const written = ACTION_AS_WRITTEN.get(value);
  if (written) return written;
  if (typeof value === 'number') return ACTION_NUMBERS[value] ?? 'unknown';
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (/^\d+$/.test(text)) return ACTION_NUMBERS[Number(text)] ?? 'unknown';
  return ACTIONS.find((action) => action.toLowerCase() === text) ?? 'unknown';
}

/** Thrown when input holds no provisioning-log entry; says what was found and how to get one. */
export class LogDecodeError extends Error {
  override readonly name = 'LogDecodeError';
  readonly code = 'invalid_log';
}

/**
 * The items of a list as people save them: a bare array, a Graph page (`value`) or a
 * diagnostic-settings export (`records`); `undefined` for anything else (one object, say).
 */
export function listOf(input: unknown): unknown[] | undefined {
  if (Array.isArray(input)) return input;
  if (!isObject(input)) return undefined;
  // `entries`: what ondemand prints itself (`explain --json`).
  const list = field(input, 'value') ?? field(input, 'records') ?? field(input, 'entries');
  return Array.isArray(list) ? list : undefined;
}

/** An entry's own fields: a diagnostic-settings record keeps them under `properties`. */
function recordOf(item: unknown): unknown {
  // Both spellings read statically first (see loose-fields.ts): most items have neither.
  if (!isObject(item) || (item.properties === undefined && item.Properties === undefined)) return item;
  return objectField(item, 'properties') ?? item;
}

/** Whether an object looks like a provisioning-log entry of any dialect. */
export function isLogEntry(value: unknown): boolean {
  return isEntryRecord(recordOf(value));
}

function isEntryRecord(record: unknown): boolean {
  if (!isObject(record)) return false;
  // As Graph writes them first (see loose-fields.ts), then every spelling.
  if (
    record.cycleId === undefined &&
    field(record, 'cycleId', 'changeId', 'jobId', 'activityDateTime') === undefined
  )
    return false;
  return (
    record.provisioningSteps !== undefined ||
    field(record, 'provisioningSteps', 'provisioningStatusInfo', 'provisioningAction', 'statusInfo') !==
      undefined ||
    // ondemand's own, read back: its steps and its verdict.
    (Array.isArray(record.steps) && typeof record.verdict === 'string')
  );
}

/**
 * The entries of provisioning logs as a user pastes them: a Graph page (`value`), one entry (v1.0,
 * or beta with `action` and `statusInfo`), a list (the portal's JSON download, PowerShell), an export
 * by diagnostic settings (`records`, each entry under `properties`, enums as numbers, `Id`/`Name`) or
 * Log Analytics rows (nested objects as JSON text).
 *
 * @throws {LogDecodeError} when no entry is found, saying where it looked.
 */
export function decodeProvisioningLogs(input: unknown): ProvisioningLogEntry[] {
  const items = listOf(input) ?? [input];
  // One pass: a page holds thousands of items, and each list made here was one more walk over them.
  const entries: unknown[] = [];
  let stray = -1;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    // A diagnostic-settings export may mix categories: records of another category are not ours to read.
    // Both of its spellings, read statically (see loose-fields.ts).
    const category = isObject(item) ? (item.category ?? item.Category) : undefined;
    if (typeof category === 'string' && !/^ProvisioningLogs$/i.test(category)) continue;
    const record = recordOf(item);
    if (isEntryRecord(record)) entries.push(record);
    else if (stray < 0) stray = index;
  }
  if (entries.length === 0 && items.length > 0)
    throw new LogDecodeError(
      'no provisioning-log entry found: expected objects with provisioningSteps or provisioningStatusInfo (or statusInfo) and a jobId, cycleId or changeId',
    );
  // Nothing dropped quietly: an item that is not an entry among entries is named.
  if (stray >= 0)
    throw new LogDecodeError(
      `item ${stray} is not a provisioning-log entry (no provisioningSteps or status, or no jobId, cycleId or changeId): remove it or save the entries whole`,
    );
  return entries.map(decodeRecord);
}

/** One entry of any dialect. */
export function decodeLogEntry(input: unknown): ProvisioningLogEntry {
  return decodeRecord(recordOf(input));
}

function decodeRecord(record: unknown): ProvisioningLogEntry {
  const entry = record as Loose;
  // Each field as Graph writes it first (`asWritten`), then the loose way: see loose-fields.ts.
  // v1.0: provisioningStatusInfo { status, errorInformation {…} }; beta: statusInfo { status, errorCode, … }.
  const statusInfo =
    objectAsWritten(entry.provisioningStatusInfo) ??
    objectField(entry, 'provisioningStatusInfo', 'statusInfo');
  // ondemand's own entries (`logs --json`, `explain --json`) carry the error's fields beside the rest.
  const error =
    objectAsWritten(statusInfo?.errorInformation) ??
    objectField(statusInfo, 'errorInformation') ??
    statusInfo ??
    entry;
  const steps = (
    Array.isArray(entry.provisioningSteps)
      ? entry.provisioningSteps
      : listField(entry, 'provisioningSteps', 'steps')
  ).map(stepModel);
  const status = outcomeStatus(
    asWritten(statusInfo?.status) ?? field(statusInfo, 'status') ?? field(entry, 'status'),
  );
  const errorCode = asWritten(error.errorCode) ?? textField(error, 'errorCode');
  const skipReason = skipReasonOfSteps(steps);
  const servicePrincipal = servicePrincipalOf(entry);
  // Taken apart rather than spread into the literal below: a spread makes V8 build the entry
  // property by property, and a decoder builds thousands.
  const { verdict, retry } = verdictOf({ status, errorCode, skipReason });
  const initiatedBy = objectAsWritten(entry.initiatedBy) ?? objectField(entry, 'initiatedBy');
  return {
    id: asWritten(entry.id) ?? textField(entry, 'id'),
    activityDateTime: asWritten(entry.activityDateTime) ?? textField(entry, 'activityDateTime'),
    jobId: asWritten(entry.jobId) ?? textField(entry, 'jobId'),
    cycleId: asWritten(entry.cycleId) ?? textField(entry, 'cycleId'),
    changeId: asWritten(entry.changeId) ?? textField(entry, 'changeId'),
    action: logAction(entry.provisioningAction ?? field(entry, 'provisioningAction', 'action')),
    status,
    errorCode,
    reason: asWritten(error.reason) ?? textField(error, 'reason'),
    skipReason,
    sourceIdentity: identityOf(objectAsWritten(entry.sourceIdentity) ?? objectField(entry, 'sourceIdentity')),
    targetIdentity: identityOf(objectAsWritten(entry.targetIdentity) ?? objectField(entry, 'targetIdentity')),
    steps,
    modifiedProperties: (Array.isArray(entry.modifiedProperties)
      ? entry.modifiedProperties
      : listField(entry, 'modifiedProperties')
    ).map(modifiedProperty),
    verdict,
    retry,
    servicePrincipal,
    durationInMilliseconds:
      typeof entry.durationInMilliseconds === 'number' && Number.isFinite(entry.durationInMilliseconds)
        ? entry.durationInMilliseconds
        : numberField(entry, 'durationInMilliseconds', 'durationMs'),
    errorCategory: asWritten(error.errorCategory) ?? textField(error, 'errorCategory'),
    recommendedAction: asWritten(error.recommendedAction) ?? textField(error, 'recommendedAction'),
    additionalDetails: asWritten(error.additionalDetails) ?? textField(error, 'additionalDetails'),
    // An initiator object (Graph), or its name already (ondemand's own entries).
    initiatedBy:
      asWritten(initiatedBy?.displayName) ??
      textField(initiatedBy, 'displayName', 'name') ??
      textField(entry, 'initiatedBy'),
    // A skip reason says more than the generic code it comes with (`EntrySynchronizationSkipped`).
    advice: remedyFor(skipReason) ?? remedyFor(errorCode) ?? null,
    scopeClauses: scopeClausesOfSteps(steps),
  };
}

function modifiedProperty(property: unknown): ProvisioningLogEntry['modifiedProperties'][number] {
  const written = objectAsWritten(property);
  return {
    name: asWritten(written?.displayName) ?? textField(property, 'displayName', 'name'),
    oldValue: asWritten(written?.oldValue) ?? textField(property, 'oldValue'),
    newValue: asWritten(written?.newValue) ?? textField(property, 'newValue'),
  };
}

function identityOf(identity: Loose | undefined): LogIdentity | null {
  if (!identity) return null;
  return {
    id: asWritten(identity.id) ?? textField(identity, 'id'),
    displayName: asWritten(identity.displayName) ?? textField(identity, 'displayName', 'name'),
    identityType: asWritten(identity.identityType) ?? textField(identity, 'identityType', 'type'),
  };
}

/** The app: v1.0 documents a collection and its examples show an object; exports write `Id`/`Name`. */
function servicePrincipalOf(entry: Loose): ProvisioningLogEntry['servicePrincipal'] {
  const value = entry.servicePrincipal ?? field(entry, 'servicePrincipal');
  const first = Array.isArray(value)
    ? value[0]
    : (objectAsWritten(value) ?? objectField(entry, 'servicePrincipal') ?? value);
  if (!isObject(first)) return null;
  return {
    id: asWritten(first.id) ?? textField(first, 'id'),
    displayName: asWritten(first.displayName) ?? textField(first, 'displayName', 'name'),
  };
}
