import {
  type DecodedProvisionResponse,
  orderedSteps,
  propertiesWritten,
  propertyChanges,
  recommendedAction,
  statusMark,
  summarizeOutcome,
  terminalSafe,
  tryJson,
} from '@ondemand/core';
import type { Theme } from '../colour.js';
import { MARKS, propertiesHeading } from '../render/report-text.js';
import { keepEnd, wrapText } from '../render/text.js';
import { ScrollView } from './ScrollView.js';

type Result = DecodedProvisionResponse & { raw?: unknown; requestId?: string | undefined };

/**
 * A provisioning result as the portal shows it, and more: the outcome in one line with what to do,
 * the steps in order with ✓ ✗ – marks (the details of those that did not succeed, or of all with
 * `details`), and every modified property old → new, in a window that scrolls, so nothing is hidden
 * at 80×24. `raw` swaps it for Graph's answer, decoded (key and value are JSON inside strings) and
 * pretty-printed.
 */
export function ResultView(props: {
  result: Result;
  theme: Theme;
  raw?: boolean;
  details?: boolean;
  width?: number;
  height?: number;
}) {
  const width = props.width ?? 80;
  const lines = props.raw
    ? // Long values wrap under their key rather than run off the screen.
      rawLines(props.result).flatMap((line) =>
        wrapText(line, width, line.length - line.trimStart().length + 2),
      )
    : resultLines(props.result, { width, details: props.details === true, theme: props.theme });
  return (
    <ScrollView
      lines={lines}
      height={props.height ?? 18}
      theme={props.theme}
      // j is the raw view's key on this screen; the arrows and PgUp/PgDn scroll.
      letters={false}
    />
  );
}

/** Graph's answer with `key` and `value` read out of their strings, as JSON a person can read. */
export function rawLines(result: Result): string[] {
  const raw = terminalSafe(result.raw ?? result) as Record<string, unknown>;
  const readable =
    raw && typeof raw === 'object' && !Array.isArray(raw)
      ? Object.fromEntries(
          Object.entries(raw).map(([name, value]) => [
            name,
            typeof value === 'string' && /^\s*[[{]/.test(value) ? (tryJson(value) ?? value) : value,
          ]),
        )
      : raw;
  return JSON.stringify(readable, null, 2).split('\n');
}

/** The result as lines of the screen's width, coloured by the theme. */
export function resultLines(
  answer: Result,
  options: { width: number; details: boolean; theme: Theme },
): string[] {
  const { width, theme } = options;
  // What Graph echoes (names, descriptions, attribute values) may hold escape sequences: shown, not obeyed.
  const result = terminalSafe(answer);
  const { paint, style: colour } = theme;
  const report = result.report;
  const steps = orderedSteps(report);
  const changes = propertyChanges(report);
  const action = recommendedAction(result);
  const outcome = statusMark(result.result);
  const lines: string[] = [];
  lines.push(
    ...wrapText(`${MARKS[outcome]} ${summarizeOutcome(result)}`, width, 2).map((line) =>
      colour.bold(paint(outcome, line)),
    ),
  );
  if (action) lines.push(...wrapText(`What to do: ${action}`, width, 2).map((line) => colour.yellow(line)));
  lines.push('');
  if (steps.length === 0)
    lines.push(
      ...wrapText(
        "Graph sent no step report for this call (it does not for groups): each object's steps are in the provisioning logs.",
        width,
        0,
      ).map((line) => colour.gray(line)),
    );
  for (const step of steps) {
    const head = `${MARKS[step.mark]} ${step.type.padEnd(10)} `;
    const [first = '', ...rest] = wrapText(`${head}${step.description}`, width, head.length);
    lines.push(
      paint(step.mark, first.slice(0, 2)) + first.slice(2),
      ...rest.map((line) => colour.gray(line)),
    );
    if (options.details || step.mark !== 'success')
      for (const [name, value] of step.details)
        lines.push(...wrapText(`    ${name}: ${value}`, width, 6).map((line) => colour.gray(line)));
  }
  if (changes.length > 0) {
    const written = propertiesWritten(report, result.result);
    lines.push('', colour.bold(propertiesHeading(written, changes.length)));
    // Long names keep their informative end: …:enterprise:2.0:User:department.
    const nameWidth = Math.min(
      Math.floor(width * 0.4),
      Math.max(8, ...changes.map((change) => change.name.length)),
    );
    for (const change of changes) {
      const name = keepEnd(change.name, nameWidth).padEnd(nameWidth);
      const before = change.oldValue ?? '(none)';
      const after = change.newValue ?? '(none)';
      lines.push(
        written
          ? `  ${name}  ${colour.gray(before)} → ${change.change === 'unchanged' ? after : colour.green(after)}`
          : `  ${name}  ${change.newValue ?? change.oldValue ?? '(none)'}`,
      );
    }
  }
  if (result.requestId) lines.push('', colour.gray(`request-id ${result.requestId}`));
  return lines;
}
