import {
  type DecodedProvisionResponse,
  orderedSteps,
  propertiesWritten,
  propertyChanges,
  recommendedAction,
  type StatusMark,
  type StepView,
  summarizeOutcome,
  terminalSafe,
} from '@ondemand/core';
import type { Style } from '../colour.js';
import { truncate } from './text.js';

export const MARKS: Record<StatusMark, string> = {
  success: '✓',
  failure: '✗',
  skipped: '–',
  warning: '!',
  unknown: '?',
};

export interface ReportTextOptions {
  style: Style;
  /** Print every step's details, not only those of steps that did not succeed. */
  allDetails?: boolean;
  width?: number;
}

/** A decoded answer as an operator reads it: outcome first, then the steps, then what changed. */
export function renderReportText(answer: DecodedProvisionResponse, options: ReportTextOptions): string {
  // What Graph echoes (names, descriptions, attribute values) may hold escape sequences: shown, not obeyed.
  const decoded = terminalSafe(answer);
  const { style } = options;
  const width = Math.max(60, options.width ?? 100);
  const lines: string[] = [];
  const outcomeColour = colourFor(decoded.result.toLowerCase(), style);
  lines.push(outcomeColour(style.bold(summarizeOutcome(decoded))));
  const action = recommendedAction(decoded);
  if (action) lines.push(`${style.bold('What to do:')} ${action}`);

  decoded.reports.forEach((report, index) => {
    if (decoded.reports.length > 1)
      lines.push('', style.bold(`Object ${index + 1} of ${decoded.reports.length}`));
    const facts = [
      report.reportableIdentifier,
      [report.sourceSystem?.name, report.targetSystem?.name].filter(Boolean).join(' → '),
      report.action && `action ${report.action}`,
      timing(report.startTime, report.endTime),
    ].filter(Boolean);
    if (facts.length > 0) lines.push(style.dim(facts.join('  ·  ')));

    const steps = orderedSteps(report);
    if (steps.length > 0) {
      lines.push('', style.bold('Steps'));
      const typeWidth = Math.max(...steps.map((step) => step.type.length));
      const nameWidth = Math.max(...steps.map((step) => step.name.length));
      for (const step of steps) {
        lines.push(stepLine(step, typeWidth, nameWidth, width, style));
        if (options.allDetails || step.mark !== 'success') {
          for (const [name, value] of step.details)
            lines.push(style.dim(truncate(`      ${name}: ${value}`, width)));
        }
      }
    }

    const changes = propertyChanges(report);
    if (changes.length > 0) {
      const written = propertiesWritten(report, decoded.reports.length === 1 ? decoded.result : undefined);
      lines.push('', style.bold(propertiesHeading(written, changes.length)));
      const nameWidth = Math.min(32, Math.max(...changes.map((change) => change.name.length)));
      for (const change of changes) {
        const before = change.oldValue === null ? style.dim('(none)') : change.oldValue;
        const after = change.newValue === null ? style.dim('(none)') : change.newValue;
        const value = written
          ? `${before} → ${after}`
          : (change.newValue ?? change.oldValue ?? style.dim('(none)'));
        lines.push(truncate(`  ${change.name.padEnd(nameWidth)}  ${value}`, width + 20));
      }
    }
  });
  if (decoded.reports.every((report) => Object.keys(report).length === 0)) {
    lines.push(style.dim('Graph sent no step report for this call ("value": "{}").'));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The heading over a report's properties: what was written, or, for a skip, the values Graph compared
 * (it lists them for a RedundantExport too, with no old values, though nothing was written).
 */
export function propertiesHeading(written: boolean, count: number): string {
  return written ? `Modified properties (${count})` : `Values compared, nothing written (${count})`;
}

function stepLine(step: StepView, typeWidth: number, nameWidth: number, width: number, style: Style): string {
  const mark = colourFor(step.mark, style)(MARKS[step.mark]);
  const label = `${String(step.position).padStart(2)} ${step.type.padEnd(typeWidth)}  ${step.name.padEnd(nameWidth)}`;
  const status = step.mark === 'unknown' ? ` [${step.status}]` : '';
  return truncate(`  ${mark} ${label}${status}  ${style.dim(step.description)}`, width + 20);
}

function colourFor(mark: string, style: Style): (text: string) => string {
  switch (mark) {
    case 'success':
      return style.green;
    case 'failure':
      return style.red;
    case 'warning':
      return style.yellow;
    case 'skipped':
      return style.cyan;
    default:
      return (text) => text;
  }
}

function timing(start: string | null | undefined, end: string | null | undefined): string | undefined {
  if (!start) return undefined;
  const ms = end ? Date.parse(end) - Date.parse(start) : Number.NaN;
  return Number.isNaN(ms) ? start : `${start} (${ms} ms)`;
}
