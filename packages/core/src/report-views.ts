import type { DecodedProvisionResponse } from './decode-response.js';
import type { ProvisioningReport, ProvisioningResult, ProvisioningStep } from './provisioning-report.js';

/** How a step or result should be marked on screen. */
export type StatusMark = 'success' | 'warning' | 'failure' | 'skipped' | 'unknown';

/** Maps Graph's status (any case, any value Graph adds) to a mark. */
export function statusMark(status: ProvisioningResult | null | undefined): StatusMark {
  switch (status?.toLowerCase()) {
    case 'success':
      return 'success';
    case 'warning':
      return 'warning';
    case 'failure':
    case 'failed':
      return 'failure';
    case 'skipped':
      return 'skipped';
    default:
      return 'unknown';
  }
}

/** A step ready to show: its place in the run, its mark and its details as text. */
export interface StepView {
  position: number;
  name: string;
  type: string;
  status: string;
  mark: StatusMark;
  description: string;
  timestamp: string | undefined;
  details: Array<[name: string, value: string]>;
}

/**
 * The report's steps in the order they ran (by timestamp, Graph's order where equal or absent).
 *
 * @example for (const step of orderedSteps(report)) console.log(step.mark, step.type, step.description);
 */
export function orderedSteps(report: ProvisioningReport): StepView[] {
  const steps = (report.provisioningSteps ?? []).map((step, index) => ({ step, index }));
  steps.sort((a, b) => compareTimestamps(a.step, b.step) || a.index - b.index);
  return steps.map(({ step }, position) => ({
    position: position + 1,
    name: step.name,
    type: step.type,
    status: step.status,
    mark: stepMark(step),
    description: step.description ?? '',
    timestamp: step.timestamp ?? undefined,
    details: Object.entries(step.details ?? {}).map(([name, value]) => [name, detailText(value)]),
  }));
}

/**
 * The checks of a scoping step (`EntrySynchronizationScoping`) that decide whether the object is in
 * scope, by the names Graph gives them in the step's details: `IsActive`, `Assigned`,
 * `IsEffectivelyEntitledForProvisioning`, `IsInProvisioningScope…` (app provisioning), and
 * `Active in the source system`, `Scoping filter evaluation passed` (cloud sync).
 */
const SCOPING_CHECK =
  /^(?:Is[A-Z]\w*|Assigned|Active in the source system|Scoping filter evaluation passed)$/;

/**
 * The names of a scoping step's checks that say False: why the object is out of scope. Graph marks
 * the step Success even then (it ran), so the mark is taken from these, not from the status alone.
 */
export function failedScopingChecks(step: Pick<ProvisioningStep, 'type' | 'details'>): string[] {
  if (step.type?.toLowerCase() !== 'scoping') return [];
  return Object.entries(step.details ?? {})
    .filter(([name, value]) => SCOPING_CHECK.test(name) && String(value).toLowerCase() === 'false')
    .map(([name]) => name);
}

/** A step's mark: its status, except a "successful" scoping step whose checks say out of scope (✗). */
export function stepMark(step: Pick<ProvisioningStep, 'type' | 'status' | 'details'>): StatusMark {
  const mark = statusMark(step.status);
  return mark === 'success' && failedScopingChecks(step).length > 0 ? 'failure' : mark;
}

/**
 * Whether a report's modified properties were written to the target. A skip lists them too (Graph
 * sends the values it compared, old values empty, for a RedundantExport): "nothing changed" above a
 * list of "(none) → value" would contradict itself, so they are shown as values compared.
 */
export function propertiesWritten(report: ProvisioningReport, result?: ProvisioningResult | null): boolean {
  return statusMark(report.statusInfo?.status ?? result) !== 'skipped';
}

/** One attribute the run set or changed. */
export interface PropertyChange {
  name: string;
  oldValue: string | null;
  newValue: string | null;
  change: 'added' | 'changed' | 'removed' | 'unchanged';
}

/** The modified properties as old → new, with what kind of change each one is. */
export function propertyChanges(report: ProvisioningReport): PropertyChange[] {
  return (report.modifiedProperties ?? []).map((property) => {
    const oldValue = property.oldValue ?? null;
    const newValue = property.newValue ?? null;
    const change =
      oldValue === newValue
        ? 'unchanged'
        : oldValue === null
          ? 'added'
          : newValue === null
            ? 'removed'
            : 'changed';
    return { name: property.displayName, oldValue, newValue, change };
  });
}

/**
 * The outcome in one line, as an operator wants to read it first.
 *
 * @example summarizeOutcome(decoded)
 * // 'Skipped: RedundantExport — the state of the user in both the source and target systems already match'
 */
export function summarizeOutcome(decoded: DecodedProvisionResponse): string {
  const { result, details, report } = decoded;
  const reason = sentence(details.errorMessage ?? report.statusInfo?.reason);
  const code = details.errorCode ?? report.statusInfo?.errorCode;
  if (code || reason) return `${result}: ${[code, reason].filter(Boolean).join(' — ')}`;
  const subject = report.reportableIdentifier ?? report.sourceIdentity?.id;
  const route = [report.sourceSystem?.name, report.targetSystem?.name].filter(Boolean).join(' → ');
  const what = [report.action, subject && `of ${subject}`, route && `(${route})`].filter(Boolean).join(' ');
  return what ? `${result}: ${what}` : result;
}

/** What Graph recommends doing about a failure, when it says. */
/**
 * Whether the target now matches the source, which is what a script asks of `ondemand`'s exit code:
 *
 * | result  | details.errorCode                         | matches? |
 * |---------|-------------------------------------------|----------|
 * | Success | –                                         | yes      |
 * | Warning | –                                         | yes (provisioned; read the warning) |
 * | Skipped | RedundantExport (already the same)        | yes      |
 * | Skipped | anything else: SourceObjectNotFound, NotEffectivelyEntitled (not assigned, out of scope), … | no |
 * | Failure | –                                         | no       |
 */
export function targetMatchesSource(decoded: Pick<DecodedProvisionResponse, 'result' | 'details'>): boolean {
  if (decoded.result === 'Success' || decoded.result === 'Warning') return true;
  if (decoded.result === 'Skipped') return decoded.details.errorCode === 'RedundantExport';
  return false;
}

export function recommendedAction(decoded: DecodedProvisionResponse): string | undefined {
  return (
    decoded.reports.map((report) => report.statusInfo?.recommendedAction).find((action) => !!action) ??
    undefined
  );
}

function sentence(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const trimmed = text.trim().replace(/\.$/, '');
  // Lower-case the first letter unless it starts an acronym or a name ("AD", "Azure").
  return /^[A-Z][a-z]/.test(trimmed) && !/^(?:Azure|Active|Microsoft|Entra)\b/.test(trimmed)
    ? trimmed[0]!.toLowerCase() + trimmed.slice(1)
    : trimmed;
}

function compareTimestamps(a: ProvisioningStep, b: ProvisioningStep): number {
  if (!a.timestamp || !b.timestamp) return 0;
  const difference = Date.parse(a.timestamp) - Date.parse(b.timestamp);
  return Number.isNaN(difference) ? 0 : difference;
}

function detailText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
