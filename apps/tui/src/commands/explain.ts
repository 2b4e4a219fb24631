import {
  type DecodedProvisionResponse,
  isLogEntry,
  jobIsHealthy,
  LogDecodeError,
  onDemandVerdict,
  type ProvisioningDocument,
  ResponseDecodeError,
  readProvisioningDocument,
  targetMatchesSource,
} from '@ondemand/core';
import { z } from 'zod';
import { type Style, styleFor } from '../colour.js';
import { badInput, ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import type { CliIo } from '../io.js';
import { parseJsonInput } from '../json-input.js';
import { parseArgs } from '../parse-args.js';
import { readInput } from '../read-input.js';
import { renderJobText, renderLogEntriesText } from '../render/provisioning-text.js';
import { renderReportText } from '../render/report-text.js';
import { wrapHelp } from '../render/wrap-help.js';
import { decodeAnswer } from './explain-input.js';

/** `explain`'s flags. */
const explainFlags = flagSet({
  json: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--json', 'print what was read as JSON, with its kind and verdict (see the README)'],
  },
  details: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--details', "print every step's details (by default only for steps that did not succeed)"],
  },
});

export const explainUsage = `Usage: ondemand explain [FILE|-] [--json] [--details]

Reads a provisionOnDemand answer (from Graph, Graph Explorer, PowerShell's ConvertTo-Json, or a
saved HTTP response) and prints what happened: the outcome, each step, and the modified properties.
Reads provisioning logs too (a Graph page, one entry, the portal's JSON download, an export by
diagnostic settings, Log Analytics rows) and synchronization jobs (health, quarantine, last cycle),
each with what Microsoft documents about its error codes.
It also reads back whatever ondemand writes: the UI's saved result, provision --json, explain --json,
and a bulk results file (each line in turn).

Options:
${explainFlags.usageLines(2, 14)}
  -h, --help  show this help

Examples:
  ondemand explain response.json
  pbpaste | ondemand explain --json | jq .report.provisioningSteps
${exitCodesOf(
  [
    ExitCode.success,
    'every answer or log entry read says the target matches the source (applied, or already in sync), every job is active',
  ],
  [
    ExitCode.notProvisioned,
    'one does not (failed, or skipped: not found, not in scope; a bulk row never answered), or a job is not healthy',
  ],
  [ExitCode.badInput, 'the input is none of these (the message says how to get a readable copy)'],
)}`;

/** `ondemand explain`: decode an answer and print it readably. */
export async function explainCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, explainFlags.options, explainUsage, {
    maxPositionals: 1,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(explainUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  const { text, source } = await readInput(args.positionals[0], io, explainUsage);
  // A bulk results file is one answer per line: each is explained in turn.
  const lines = text
    .trim()
    .split('\n')
    .filter((line) => line.trim() !== '');
  const bodies =
    lines.length > 1 && lines.every((line) => line.trimStart().startsWith('{') && isJson(line))
      ? latestPerRow(
          lines.map((line, index) => ({
            body: JSON.parse(line) as unknown,
            where: `${source} line ${index + 1}`,
          })),
        )
      : [{ body: parseJsonInput(text, source, 'response'), where: source }];
  // NDJSON of log entries (an export, `logs --json`): one list of entries, as one document (told
  // apart by shape, so each line is decoded once).
  if (bodies.length > 1 && bodies.every(({ body }) => isLogEntry(body)))
    bodies.splice(0, bodies.length, { body: bodies.map(({ body }) => body), where: source });
  let failed = false;
  const tally = new Map<string, number>();
  for (const [index, { body, where }] of bodies.entries()) {
    const unsent = bulkErrorRow(body);
    if (unsent) {
      failed = true;
      tally.set('not answered', (tally.get('not answered') ?? 0) + 1);
      io.stdout.write(`${index > 0 ? '\n' : ''}— ${where}\nnot provisioned: ${unsent}\n`);
      continue;
    }
    // Provisioning logs or a synchronization job: read as such.
    let document: ProvisioningDocument | undefined;
    try {
      document = readProvisioningDocument(body);
    } catch (error) {
      if (error instanceof LogDecodeError)
        throw badInput(`${where} is not provisioning logs: ${error.message}`, { cause: error });
      throw error;
    }
    if (document) {
      failed ||= !documentIsWell(document);
      tally.set(document.kind, (tally.get(document.kind) ?? 0) + 1);
      io.stdout.write(
        args.values.json
          ? `${JSON.stringify(document, null, bodies.length > 1 ? undefined : 2)}\n`
          : renderDocumentText(document, {
              style: styleFor(io),
              width: io.stdout.isTTY ? io.stdout.columns : undefined,
            }),
      );
      continue;
    }
    let decoded: DecodedProvisionResponse;
    try {
      decoded = decodeAnswer(body);
    } catch (error) {
      if (error instanceof ResponseDecodeError) {
        throw badInput(
          `${where} is neither a provisionOnDemand answer, provisioning logs nor a synchronization job: ${error.message}`,
          { cause: error },
        );
      }
      throw error;
    }
    failed ||= !targetMatchesSource(decoded);
    tally.set(decoded.result, (tally.get(decoded.result) ?? 0) + 1);
    if (args.values.json) {
      io.stdout.write(
        `${JSON.stringify({ kind: 'provisionOnDemand', result: decoded.result, details: decoded.details, report: decoded.report, reports: decoded.reports, shape: decoded.shape, ...onDemandVerdict(decoded) }, null, bodies.length > 1 ? undefined : 2)}\n`,
      );
    } else {
      if (bodies.length > 1) io.stdout.write(`${index > 0 ? '\n' : ''}${styleFor(io).dim(`— ${where}`)}\n`);
      io.stdout.write(
        renderReportText(decoded, {
          style: styleFor(io),
          allDetails: args.values.details === true,
          width: io.stdout.isTTY ? io.stdout.columns : undefined,
        }),
      );
    }
  }
  // Many answers (a bulk results file): how many of each, last, as bulk's own totals say it.
  if (bodies.length > 1 && !args.values.json)
    io.stdout.write(
      `\n${bodies.length} answers: ${[...tally].map(([outcome, count]) => `${outcome} ${count}`).join(' · ')}\n`,
    );
  return failed ? ExitCode.notProvisioned : ExitCode.success;
}

/** Whether what a document says is well: every entry applied or in sync, every job active. */
function documentIsWell(document: ProvisioningDocument): boolean {
  if (document.kind === 'provisioningLogs')
    return document.entries.every(
      (entry) => entry.verdict === 'applied' || entry.verdict === 'alreadyInSync',
    );
  if (document.kind === 'synchronizationJobs') return document.jobs.every(jobIsHealthy);
  return jobIsHealthy(document);
}

function renderDocumentText(
  document: ProvisioningDocument,
  options: { style: Style; width: number | undefined },
): string {
  if (document.kind === 'provisioningLogs') return renderLogEntriesText(document.entries, options);
  if (document.kind === 'synchronizationJobs')
    return document.jobs.map((job) => renderJobText(job, options)).join('\n');
  return renderJobText(document, options);
}

/** A bulk results line for a row that got no answer: why, else undefined. */
function bulkErrorRow(body: unknown): string | undefined {
  const row = body as { line?: unknown; error?: unknown; sending?: unknown } | null;
  if (!row || typeof row !== 'object' || typeof row.line !== 'number') return undefined;
  if (typeof row.error === 'string') return row.error;
  if (row.sending === true)
    return 'sent, and the run stopped before its answer: a later line has it, or it may have run';
  return undefined;
}

/**
 * In a bulk results file each row's latest line is its result: earlier ones (a failure since
 * retried, an attempt's mark) are left out.
 */
function latestPerRow<T extends { body: unknown; where: string }>(entries: T[]): T[] {
  const rowOf = (body: unknown) => (body as { line?: unknown } | null)?.line;
  if (!entries.every((entry) => typeof rowOf(entry.body) === 'number')) return entries;
  const latest = new Map<unknown, T>();
  for (const entry of entries) latest.set(rowOf(entry.body), entry);
  return [...latest.values()]
    .sort((a, b) => Number(rowOf(a.body)) - Number(rowOf(b.body)))
    .map((entry) => ({
      ...entry,
      where: `${entry.where.replace(/ line \d+$/, '')}: line ${rowOf(entry.body)} of the bulk file`,
    }));
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
