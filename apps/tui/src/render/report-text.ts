import {
  type DecodedProvisionResponse,
  orderedSteps,
  propertiesWritten,
  propertyChanges,
  recommendedAction,
  type StatusMark,
  summarizeOutcome,
  terminalSafe,
} from '@ondemand/core';
import type { Style } from '../colour.js';
import { wrapText } from './text.js';

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
  /**
   * The terminal's width: lines wrap between words to fit it. Absent (a pipe, a file), every line is
   * printed whole, so nothing a script or a ticket needs is cut off.
   */
  width?: number | undefined;
}

/** A decoded answer as an operator reads it: outcome first, then the steps, then what changed. */
export function renderReportText(answer: DecodedProvisionResponse, options: ReportTextOptions): string {
  // What Graph echoes (names, descriptions, attribute values) may hold escape sequences: shown, not obeyed.
  const decoded = terminalSafe(answer);
  const { style } = options;
  const lines: string[] = [];
  // Laid out as plain text, wrapped, then coloured line by line: colour codes take no columns.
  const add = (text: string, hang: number, paint: (line: string) => string = (line) => line) => {
    const wrapped = options.width ? wrapText(text, Math.max(40, options.width), hang) : [text];
    lines.push(...wrapped.map(paint));
  };
  add(summarizeOutcome(decoded), 2, (line) =>
    colourFor(decoded.result.toLowerCase(), style)(style.bold(line)),
  );
  const action = recommendedAction(decoded);
  if (action)
    add(`What to do: ${action}`, 2, (line) => line.replace(/^What to do:/, style.bold('What to do:')));

  decoded.reports.forEach((report, index) => {
    if (decoded.reports.length > 1)
      lines.push('', style.bold(`Object ${index + 1} of ${decoded.reports.length}`));
    const facts = [
      report.reportableIdentifier,
      [report.sourceSystem?.name, report.targetSystem?.name].filter(Boolean).join(' → '),
      // "Other" is Graph's action for a skip, which wrote nothing: said by the outcome above.
      report.action && report.action !== 'Other' && `action ${report.action}`,
      timing(report.startTime, report.endTime),
    ].filter(Boolean);
    if (facts.length > 0) add(facts.join('  ·  '), 2, style.dim);

    const steps = orderedSteps(report);
    if (steps.length > 0) {
      lines.push('', style.bold('Steps'));
      const typeWidth = Math.max(...steps.map((step) => step.type.length));
      const nameWidth = Math.max(...steps.map((step) => step.name.length));
      for (const step of steps) {
        const label = `${String(step.position).padStart(2)} ${step.type.padEnd(typeWidth)}  ${step.name.padEnd(nameWidth)}`;
        const status = step.mark === 'unknown' ? ` [${step.status}]` : '';
        const head = `  ${MARKS[step.mark]} ${label}${status}  `;
        const mark = colourFor(step.mark, style)(MARKS[step.mark]);
        add(`${head}${step.description}`, head.length, (line) =>
          line.startsWith(head)
            ? `  ${mark} ${label}${status}  ${style.dim(line.slice(head.length))}`
            : style.dim(line),
        );
        if (options.allDetails || step.mark !== 'success')
          for (const [name, value] of step.details) add(`      ${name}: ${value}`, 8, style.dim);
      }
    }

    const changes = propertyChanges(report);
    if (changes.length > 0) {
      const written = propertiesWritten(report, decoded.reports.length === 1 ? decoded.result : undefined);
      lines.push('', style.bold(propertiesHeading(written, changes.length)));
      const nameWidth = Math.min(32, Math.max(...changes.map((change) => change.name.length)));
      for (const change of changes) {
        const value = written
          ? `${change.oldValue ?? '(none)'} → ${change.newValue ?? '(none)'}`
          : (change.newValue ?? change.oldValue ?? '(none)');
        add(`  ${change.name.padEnd(nameWidth)}  ${value}`, nameWidth + 4);
      }
    }
  });
  if (decoded.reports.every((report) => Object.keys(report).length === 0)) {
    add('Graph sent no step report for this call ("value": "{}").', 0, style.dim);
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
  return Number.isNaN(ms) ? `started ${start}` : `started ${start}, took ${ms} ms`;
}
