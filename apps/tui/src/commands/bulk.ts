import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { targetMatchesSource } from '@ondemand/core';
import { z } from 'zod';
import { type BulkRow, detectFormat, parseBulkRows } from '../bulk/bulk-rows.js';
import { BulkProgress } from '../bulk/progress.js';
import { provisionRow } from '../bulk/provision-row.js';
import { JournalMismatchError, ResultsJournal } from '../bulk/results-journal.js';
import { runPool } from '../bulk/worker-pool.js';
import { connectionOptions, connectionUsage, requireJobTarget } from '../connection.js';
import { decodeText } from '../decode-text.js';
import { badInput, ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import { interruptSignal } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { parseArgs } from '../parse-args.js';
import { wrapHelp } from '../render/wrap-help.js';
import { chooseRule, listRules } from './pick-rule.js';
import { withConnection } from './with-connection.js';

/** `bulk`'s own flags (the connection's are `connection.ts`'s). */
const bulkFlags = flagSet({
  sp: {
    type: 'string',
    schema: z.string(),
    usage: ['--sp ID, --job ID, --rule ID', 'as for "ondemand provision" (a row\'s ruleId wins over --rule)'],
  },
  job: { type: 'string', schema: z.string() },
  rule: { type: 'string', schema: z.string() },
  out: {
    type: 'string',
    schema: z.string(),
    usage: ['--out FILE', 'the results file (default: FILE.results.ndjson); also the resume journal'],
  },
  'retry-skipped': {
    type: 'boolean',
    schema: z.boolean(),
    usage: [
      '--retry-skipped',
      'also send again the rows skipped without being provisioned (not found,\nnot in scope), once their cause is fixed; a rerun leaves them otherwise',
    ],
  },
});

export const bulkUsage = `Usage: ondemand bulk FILE [--sp ID --job ID] [--rule ID] [--out FILE] [--retry-skipped]

Provisions every subject in FILE at the pace Graph's limit allows (5 per 10 s per app), with a
progress bar, ETA and counts by outcome; writes one decoded result per line (NDJSON) as it goes.
A file may name each row's app and job (servicePrincipalId, jobId; --sp and --job for rows that do
not): each app is paced in its own window, the apps side by side.
Every row is checked first: if any is bad, all bad rows are listed and nothing is sent.
Run the same command again to resume: rows already in the results file are not sent again.

FILE is CSV with a header (objectId,objectTypeName,members,ruleId,servicePrincipalId,jobId; members
separated by ";"; objectTypeName defaults to User) or NDJSON ({"objectId":…,"objectTypeName":…,
"members":[…]} per line).
"id" is read as objectId, so what "ondemand users --json" and "groups --json" print can be fed back.

Options:
${bulkFlags.usageLines(2, 33)}
  -h, --help                     show this help

${connectionUsage}

Example:
  ondemand bulk users.csv --simulate --sp c8c95753-f628-48e1-9fab-76c2d4cf624c --job 3f7565a3-fde6-4e4d-bda8-1bb70aba3612
Run the same command again after failures: the rows that failed or were not sent are sent again;
the exit code and the totals answer for the whole file, earlier runs included.
${exitCodesOf(
  [ExitCode.success, "every row's target matches its source"],
  [
    ExitCode.notProvisioned,
    'some rows are not provisioned (failed, not sent, or skipped without provisioning: see the results file)',
  ],
  [ExitCode.badInput, 'bad rows or arguments'],
  ExitCode.authOrConfig,
  ExitCode.hungUp,
  [ExitCode.interrupted, 'interrupted (the rows that were only waiting were not sent)'],
)}`;

/** `ondemand bulk`: many subjects, paced, journaled, resumable. */
export async function bulkCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { ...connectionOptions, ...bulkFlags.options }, bulkUsage, {
    maxPositionals: 1,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(bulkUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  const file = args.positionals[0];
  if (!file) throw badInput(`give the FILE of subjects\n\n${bulkUsage}`);
  const defaults = {
    sp: args.values.sp as string | undefined,
    job: args.values.job as string | undefined,
  };
  const rule = args.values.rule as string | undefined;

  let text: string;
  try {
    text = decodeText(await readFile(resolve(io.cwd, file)));
  } catch (error) {
    throw badInput(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      { cause: error },
    );
  }
  const { rows, problems } = parseBulkRows(text, detectFormat(file, text));
  if (problems.length > 0) {
    io.stderr.write(
      `${file} has ${problems.length} bad row${problems.length === 1 ? '' : 's'}; nothing was sent:\n`,
    );
    for (const problem of problems.slice(0, 200))
      io.stderr.write(`  line ${problem.line}: ${problem.message}\n`);
    if (problems.length > 200) io.stderr.write(`  … and ${problems.length - 200} more\n`);
    return ExitCode.badInput;
  }
  // Each row's app and job: its own columns, else --sp and --job.
  const targetless = rows.filter(
    (row) => !(row.servicePrincipalId ?? defaults.sp) || !(row.jobId ?? defaults.job),
  );
  if (targetless.length > 0) {
    if (targetless.length === rows.length) requireJobTarget(defaults, bulkUsage);
    throw badInput(
      `${rowCount(targetless.length)} of ${file} name no app or job (lines ${targetless
        .slice(0, 10)
        .map((row) => row.line)
        .join(
          ', ',
        )}${targetless.length > 10 ? ', …' : ''}): give them servicePrincipalId and jobId, or --sp and --job for all`,
    );
  }
  const targetOf = (row: BulkRow) => ({
    sp: row.servicePrincipalId ?? defaults.sp!,
    job: row.jobId ?? defaults.job!,
  });
  const outPath = resolve(io.cwd, (args.values.out as string | undefined) ?? `${file}.results.ndjson`);
  let journal: ResultsJournal;
  try {
    journal = await ResultsJournal.open(outPath, rows);
  } catch (error) {
    if (error instanceof JournalMismatchError) throw badInput(error.message);
    throw error;
  }
  // Skipped without being provisioned (not found, not in scope): sent again only when asked, once
  // its cause is fixed (an assignment, a scoping filter).
  const retrySkipped = args.values['retry-skipped'] === true;
  const again = (line: number) => retrySkipped && !settled(journal.finished.get(line));
  const pending = rows.filter((row) => !journal.finished.has(row.line) || again(row.line));
  const kept = [...journal.finished.keys()].filter((line) => !again(line));
  if (kept.length > 0)
    io.stderr.write(
      `resuming: ${kept.length} of ${rowCount(rows.length)} ${kept.length === 1 ? 'is' : 'are'} already in ${outPath}\n`,
    );

  return withConnection(args.values, io, async ({ graph }) => {
    // The rows by app and job: each app is paced in its own window (Graph's limit is per app), side by side.
    const groups = groupByTarget(pending, targetOf);
    // Every row's rule, chosen and checked against its job's schema before anything is sent.
    const ruleOfLine = new Map<number, string>();
    const ruleProblems: Array<{ line: number; objectId: string; problem: string; rules: SchemaRules }> = [];
    for (const group of groups) {
      const schemaRules = (await graph.getSynchronizationSchema(group.sp, group.job)).synchronizationRules;
      for (const row of group.rows) {
        const choice = chooseRule(schemaRules, row.objectTypeName, row.ruleId ?? rule);
        if (choice.ok) ruleOfLine.set(row.line, choice.ruleId);
        else
          ruleProblems.push({
            line: row.line,
            objectId: row.objectId,
            problem: choice.problem,
            rules: schemaRules,
          });
      }
    }
    if (ruleProblems.length > 0) {
      io.stderr.write(
        `${file} has ${ruleProblems.length} row${ruleProblems.length === 1 ? '' : 's'} the job's rules cannot provision; nothing was sent:\n`,
      );
      for (const { line, objectId, problem } of ruleProblems.slice(0, 200))
        io.stderr.write(`  line ${line} (${objectId}): ${problem}\n`);
      if (ruleProblems.length > 200) io.stderr.write(`  … and ${ruleProblems.length - 200} more\n`);
      io.stderr.write(`${listRules(ruleProblems[0]!.rules)}\n`);
      return ExitCode.badInput;
    }
    const ruleFor = (row: BulkRow) => ruleOfLine.get(row.line)!;
    const first = groups[0] ?? { sp: defaults.sp ?? targetOf(rows[0]!).sp };
    const snapshot = await graph.limiterSnapshot(first.sp);
    // Calls of an earlier run of this file may still count in Graph's window (those in flight at a
    // kill are not in the file): wait out what is left of one window since its last call, if anything.
    const lastCall = journal.lastCallAt();
    const wait = snapshot && lastCall !== undefined ? lastCall + snapshot.windowMs - Date.now() : 0;
    if (wait > 0 && pending.length > 0) {
      io.stderr.write(
        `waiting ${Math.ceil(wait / 100) / 10} s for the last run's calls to leave Graph's rate window\n`,
      );
      await sleep(wait);
    }
    // Apps side by side, each in its own window: the pace adds up (one window when it counts the tenant).
    const apps = new Set(groups.map((group) => group.sp.toLowerCase())).size;
    const windows = args.values['rate-limit-scope'] === 'tenant' ? 1 : Math.max(1, apps);
    const progress = new BulkProgress(
      rows.length,
      kept.length,
      snapshot ? (windows * snapshot.limit) / snapshot.windowMs : Number.POSITIVE_INFINITY,
    );
    // The totals cover the whole file: what earlier runs finished counts too.
    for (const line of kept) {
      const entry = journal.finished.get(line)!;
      progress.counts.set(entry.result!, (progress.counts.get(entry.result!) ?? 0) + 1);
    }
    const show = progressPrinter(io, progress);
    // Redrawn every second as well, so the ETA moves while the rows wait for the rate window.
    const ticking = setInterval(() => show(false, { tick: true }), 1_000);
    ticking.unref();
    // Ctrl-C: the rows still waiting for the rate limit are not sent; those already sent finish.
    const { signal, release } = interruptSignal(io);
    const interrupted = { value: false };
    signal.addEventListener('abort', () => {
      interrupted.value = true;
      io.stderr.write('\nstopping: the rows in flight finish, the rest are not sent…\n');
    });
    try {
      // Per app and job, as many workers as its window allows at once, the apps side by side: each
      // app's limiter, not the workers, sets its pace, and no app waits behind another's window.
      await Promise.all(
        groups.map((group) =>
          runPool(
            group.rows,
            snapshot?.limit ?? 5,
            async (row) => {
              const outcome = await provisionRow(
                graph,
                { sp: group.sp, job: group.job, ruleId: ruleFor(row) },
                row,
                journal,
                signal,
              );
              if (outcome === 'not sent') return;
              progress.count(outcome);
              show(false);
            },
            () => interrupted.value,
          ),
        ),
      );
    } finally {
      clearInterval(ticking);
      release();
    }
    show(true);
    // Every row's latest result, this run's and earlier ones': the exit code answers for the whole file.
    const unsettled = rows.filter((row) => !settled(journal.latest.get(row.line)));
    const left = rows.length - journal.finished.size;
    const skipped = unsettled.filter((row) => journal.finished.has(row.line));
    const notes = [
      `results: ${outPath}`,
      ...(interrupted.value
        ? [`interrupted: run the same command again to resume (${rowCount(left)} left)`]
        : left > 0
          ? [
              `${rowCount(left)} failed or ${left === 1 ? 'was' : 'were'} not sent: run the same command again to retry`,
            ]
          : []),
      ...(skipped.length > 0
        ? [
            `${rowCount(skipped.length)} skipped without being provisioned; once the cause is fixed, --retry-skipped sends ${skipped.length === 1 ? 'it' : 'them'} again:`,
            ...skipped.slice(0, 10).map((row) => {
              const latest = journal.latest.get(row.line);
              return `  line ${row.line} (${row.objectId}): ${latest?.errorCode ?? latest?.result ?? 'not provisioned'}`;
            }),
            ...(skipped.length > 10 ? [`  … and ${skipped.length - 10} more in the results file`] : []),
          ]
        : []),
    ];
    io.stderr.write(`${notes.join('\n')}\n`);
    if (interrupted.value) return ExitCode.interrupted;
    return unsettled.length > 0 ? ExitCode.notProvisioned : ExitCode.success;
  });
}

type SchemaRules = Parameters<typeof listRules>[0];

/** Rows by app and job, in the file's order (ids compared without case, as Graph does). */
function groupByTarget(
  rows: readonly BulkRow[],
  targetOf: (row: BulkRow) => { sp: string; job: string },
): Array<{ key: string; sp: string; job: string; rows: BulkRow[] }> {
  const groups = new Map<string, { key: string; sp: string; job: string; rows: BulkRow[] }>();
  for (const row of rows) {
    const { sp, job } = targetOf(row);
    const key = `${sp.toLowerCase()}\n${job.toLowerCase()}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, sp, job, rows: [] };
      groups.set(key, group);
    }
    group.rows.push(row);
  }
  return [...groups.values()];
}

/** `1 row`, `3 rows`. */
function rowCount(count: number): string {
  return `${count} row${count === 1 ? '' : 's'}`;
}

/** Whether a row's latest line says the target matches the source (as the exit code counts it). */
function settled(
  latest: { result?: string | undefined; errorCode?: string | null | undefined } | undefined,
): boolean {
  return (
    latest?.result !== undefined &&
    targetMatchesSource({ result: latest.result, details: { errorCode: latest.errorCode ?? null } })
  );
}

/** Draws the progress line in place on a terminal; elsewhere, a line every 10% (logs stay short). */
function progressPrinter(
  io: CliIo,
  progress: BulkProgress,
): (final: boolean, options?: { tick?: boolean }) => void {
  const terminal = (io.stderr as { isTTY?: boolean }).isTTY === true;
  let lastTenth = -1;
  return (final, options = {}) => {
    // Off a terminal the clock's ticks would only repeat the last line.
    if (options.tick && !terminal) return;
    if (terminal) {
      io.stderr.write(`\r\u001b[2K${progress.line()}${final ? '\n' : ''}`);
      return;
    }
    const tenth = Math.floor(((progress.alreadyDone + progress.done) / Math.max(1, progress.total)) * 10);
    if (tenth !== lastTenth || final) {
      lastTenth = tenth;
      io.stderr.write(`${progress.line()}\n`);
    }
  };
}
