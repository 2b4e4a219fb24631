import { asWritten, field, type Loose, objectAsWritten, objectField, textField } from './loose-fields.js';

/** A provisioning step's kind, in lower case whatever case or number the input used. */
export type StepKind =
  | 'import'
  | 'scoping'
  | 'matching'
  | 'processing'
  | 'referenceResolution'
  | 'export'
  | 'unknown';

/** An outcome's or a step's status, in lower case whatever case or number the input used. */
export type OutcomeStatus = 'success' | 'failure' | 'skipped' | 'warning' | 'unknown';

/** One step of a provisioning, the same for an on-demand answer and a log entry. */
export interface StepModel {
  name: string | null;
  type: StepKind;
  status: OutcomeStatus;
  description: string | null;
  details: Loose;
}

// Exported records number these as Graph's $metadata orders them (the DESIGN's "Facts").
const STEP_KINDS: readonly StepKind[] = [
  'import',
  'scoping',
  'matching',
  'processing',
  'referenceResolution',
  'export',
];
const STATUSES: readonly OutcomeStatus[] = ['success', 'failure', 'skipped', 'warning'];

// The spellings Graph writes, looked up before any case folding: most values are these, as written.
const KIND_AS_WRITTEN = new Map<unknown, StepKind>(STEP_KINDS.map((kind) => [kind, kind]));
const STATUS_AS_WRITTEN = new Map<unknown, OutcomeStatus>(
  STATUSES.flatMap((status) => [
    [status, status],
    [status.charAt(0).toUpperCase() + status.slice(1), status],
  ]),
);

/** A step kind from Graph's text (any case) or an export's number; `unknown` for anything else. */
export function stepKind(value: unknown): StepKind {
  const written = KIND_AS_WRITTEN.get(value);
  if (written) return written;
  if (typeof value === 'number') return STEP_KINDS[value] ?? 'unknown';
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (/^\d+$/.test(text)) return STEP_KINDS[Number(text)] ?? 'unknown';
  return STEP_KINDS.find((kind) => kind.toLowerCase() === text) ?? 'unknown';
}

/** A status from Graph's text (any case; `failed` too) or an export's number; `unknown` otherwise. */
export function outcomeStatus(value: unknown): OutcomeStatus {
  const written = STATUS_AS_WRITTEN.get(value);
  if (written) return written;
  if (typeof value === 'number') return STATUSES[value] ?? 'unknown';
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (/^\d+$/.test(text)) return STATUSES[Number(text)] ?? 'unknown';
  if (text === 'failed') return 'failure';
  return STATUSES.find((status) => status === text) ?? 'unknown';
}

/**
 * A step as any source writes it: an on-demand report's (`type`), a log entry's
 * (`provisioningStepType`), an export's (numbers, Pascal case).
 */
export function stepModel(step: unknown): StepModel {
  // Each field as Graph writes it first, then the loose way (see loose-fields.ts).
  const written = objectAsWritten(step);
  return {
    name: asWritten(written?.name) ?? textField(step, 'name'),
    type: stepKind(written?.provisioningStepType ?? field(step, 'provisioningStepType', 'type')),
    status: outcomeStatus(written?.status ?? field(step, 'status')),
    description: asWritten(written?.description) ?? textField(step, 'description'),
    details: objectAsWritten(written?.details) ?? objectField(step, 'details') ?? {},
  };
}

/** The skip reason a step's details give (`SkipReason`), if any. */
export function skipReasonOf(step: StepModel): string | null {
  const reason = field(step.details, 'SkipReason');
  return typeof reason === 'string' && reason !== '' ? reason : null;
}

/** The skip reason of the steps that failed or skipped, else of any step that names one. */
export function skipReasonOfSteps(steps: StepModel[]): string | null {
  // Two passes rather than a list of the telling steps: a decoder calls this for every entry.
  for (const step of steps) {
    if (step.status !== 'failure' && step.status !== 'skipped') continue;
    const reason = skipReasonOf(step);
    if (reason) return reason;
  }
  for (const step of steps) {
    const reason = skipReasonOf(step);
    if (reason) return reason;
  }
  return null;
}
