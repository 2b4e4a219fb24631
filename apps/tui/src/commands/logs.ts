import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProvisioningLogEntry, ProvisioningLogQuery } from '@ondemand/core';
import { z } from 'zod';
import { styleFor } from '../colour.js';
import { connectionOptions, connectionUsage } from '../connection.js';
import { findApp, findUser } from '../directory/find-subject.js';
import { badInput, ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import { interruptSignal } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { logCsvFiles } from '../logs/log-csv.js';
import { parseArgs } from '../parse-args.js';
import { pointInTime } from '../point-in-time.js';
import { renderLogEntriesText } from '../render/provisioning-text.js';
import { wrapHelp } from '../render/wrap-help.js';
import { withConnection } from './with-connection.js';

const STATUSES = ['success', 'failure', 'skipped', 'warning'] as const;
const ACTIONS = ['create', 'update', 'delete', 'disable', 'stagedDelete', 'other'] as const;

const logsFlags = flagSet({
  user: {
    type: 'string',
    schema: z.string(),
    usage: ['--user ID|UPN|NAME', "one user's entries (a name must match one user)"],
  },
  sp: { type: 'string', schema: z.string(), usage: ['--sp ID', "one app's entries"] },
  app: { type: 'string', schema: z.string(), usage: ['--app NAME', 'the app by name'] },
  job: { type: 'string', schema: z.string(), usage: ['--job ID', "one job's entries"] },
  status: { type: 'string', schema: z.string(), usage: ['--status S', STATUSES.join(', ')] },
  action: { type: 'string', schema: z.string(), usage: ['--action A', ACTIONS.join(', ')] },
  since: {
    type: 'string',
    schema: z.string(),
    usage: ['--since T, --until T', 'an ISO time or an age: 30m, 12h, 7d'],
  },
  until: { type: 'string', schema: z.string() },
  max: {
    type: 'string',
    schema: z.string(),
    usage: ['--max N', 'at most N entries, newest first (default 50)'],
  },
  follow: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--follow', 'then new entries as Graph writes them, until Ctrl-C'],
  },
  every: {
    type: 'string',
    schema: z.string(),
    usage: ['--every SECONDS', '--follow: how often to look (default 30; each look is a reports call)'],
  },
  json: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--json', 'one entry per line (NDJSON), as explain --json prints entries'],
  },
  csv: {
    type: 'string',
    schema: z.string(),
    usage: [
      '--csv PREFIX',
      "PREFIX-summary.csv, -steps.csv, -modified-properties.csv, as the portal's download splits them",
    ],
  },
});

export const logsUsage = `Usage: ondemand logs [--user U] [--sp ID | --app NAME] [--job ID] [--status S] [--action A]
                    [--since T] [--until T] [--max N] [--follow] [--json | --csv PREFIX]

Reads the provisioning logs (what the regular cycle and on-demand calls did to each object), newest
first, each entry with its verdict, why, and what Microsoft says to do. Pages wait in Graph's reports
limit (5 requests per 10 s), with a progress line on standard error: never a 429. Entries appear
minutes after the work: none yet is "not yet", not "nothing happened". Needs AuditLog.Read.All.

Options:
${logsFlags.usageLines(2, 22)}
  -h, --help            show this help

${connectionUsage}

Examples:
  ondemand logs --simulate --user diego@contoso.com --app "Contoso Expenses" --since 7d
  ondemand logs --sp SP --status failure --json > failures.ndjson
${exitCodesOf(
  [ExitCode.success, 'listed (also when none match)'],
  ExitCode.badInput,
  ExitCode.authOrConfig,
  ExitCode.graphOrNetwork,
  [ExitCode.interrupted, '--follow: stopped with Ctrl-C'],
)}`;

const filtersSchema = z.object({
  since: pointInTime('--since'),
  until: pointInTime('--until'),
  status: z.enum(STATUSES, { error: `--status is one of ${STATUSES.join(', ')}` }).optional(),
  action: z.enum(ACTIONS, { error: `--action is one of ${ACTIONS.join(', ')}` }).optional(),
  max: z.coerce
    .number({ error: '--max takes a number of entries' })
    .int('--max takes a whole number')
    .min(1, '--max takes 1 or more')
    .max(10_000, '--max takes at most 10000: narrow the query with --since or --user')
    .default(50),
  every: z.coerce
    .number({ error: '--every takes a number of seconds' })
    .min(1, '--every takes 1 second or more')
    .optional(),
});

/** `ondemand logs`: provisioning-log entries by user, app, job, status, action and time. */
export async function logsCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { ...connectionOptions, ...logsFlags.options }, logsUsage, {
    maxPositionals: 0,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(logsUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  const parsed = filtersSchema.safeParse(args.values);
  if (!parsed.success) throw badInput(parsed.error.issues.map((issue) => issue.message).join('; '));
  const filters = parsed.data;
  if (args.values.sp !== undefined && args.values.app !== undefined)
    throw badInput('give --sp or --app, not both');
  if (args.values.json && args.values.csv !== undefined) throw badInput('give --json or --csv, not both');
  if (args.values.follow && args.values.csv !== undefined)
    throw badInput('--csv writes files once: leave out --follow');
  if (filters.every !== undefined && !args.values.follow) throw badInput('--every is for --follow');
  const style = styleFor(io);
  const width = io.stdout.isTTY ? io.stdout.columns : undefined;

  return withConnection(args.values, io, async ({ graph }) => {
    const query: ProvisioningLogQuery = {
      ...(args.values.user !== undefined
        ? { sourceId: (await findUser(graph, String(args.values.user))).id }
        : {}),
      ...(args.values.sp !== undefined ? { servicePrincipalId: String(args.values.sp) } : {}),
      ...(args.values.app !== undefined
        ? { servicePrincipalId: (await findApp(graph, String(args.values.app))).id }
        : {}),
      ...(args.values.job !== undefined ? { jobId: String(args.values.job) } : {}),
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.action ? { action: filters.action } : {}),
      ...(filters.since ? { since: new Date(filters.since) } : {}),
      ...(filters.until ? { until: new Date(filters.until) } : {}),
    };
    const { signal, release } = interruptSignal(io);
    try {
      const entries = await readEntries(graph, query, filters.max, io, signal);
      if (args.values.csv !== undefined) {
        const prefix = resolve(io.cwd, String(args.values.csv));
        for (const [suffix, text] of Object.entries(logCsvFiles(entries)))
          writeFileSync(`${prefix}-${suffix}.csv`, text);
        io.stderr.write(
          `${entries.length} entries written to ${prefix}-summary.csv, -steps.csv, -modified-properties.csv\n`,
        );
      } else if (args.values.json)
        io.stdout.write(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
      else io.stdout.write(renderLogEntriesText(entries, { style, width }));
      if (!args.values.follow) return ExitCode.success;
      return await follow(graph, query, entries, io, {
        json: args.values.json === true,
        style,
        width,
        signal,
        everyMs: (filters.every ?? 30) * 1000,
      });
    } catch (error) {
      if (signal.aborted) return ExitCode.interrupted;
      throw error;
    } finally {
      release();
    }
  });
}

type Graph = Parameters<Parameters<typeof withConnection>[2]>[0]['graph'];

/** Up to `max` entries, newest first, saying on standard error how far it got while pages wait. */
async function readEntries(
  graph: Graph,
  query: ProvisioningLogQuery,
  max: number,
  io: CliIo,
  signal: AbortSignal,
): Promise<ProvisioningLogEntry[]> {
  const entries: ProvisioningLogEntry[] = [];
  const progress = io.stderr as NodeJS.WritableStream & { isTTY?: boolean };
  for await (const entry of graph.listProvisioningLogs(query, { top: Math.min(max, 500), signal })) {
    entries.push(entry);
    if (progress.isTTY && entries.length % 100 === 0) progress.write(`\r${entries.length} entries read…`);
    if (entries.length >= max) break;
  }
  if (progress.isTTY && entries.length >= 100) progress.write('\r\u001b[K');
  return entries;
}

/** New entries as Graph writes them: asks again every `everyMs` (30 s: 2 requests a minute, in the reports budget). */
async function follow(
  graph: Graph,
  query: ProvisioningLogQuery,
  seen: ProvisioningLogEntry[],
  io: CliIo,
  options: {
    json: boolean;
    style: ReturnType<typeof styleFor>;
    width: number | undefined;
    signal: AbortSignal;
    everyMs: number;
  },
): Promise<number> {
  const known = new Set(seen.map((entry) => entry.id));
  while (!options.signal.aborted) {
    await sleep(options.everyMs, undefined, { signal: options.signal }).catch(() => {});
    if (options.signal.aborted) break;
    // Entries appear minutes after the work, not in order of activity: look back a while each time.
    const since = new Date(Date.now() - 15 * 60_000);
    const fresh = (await readEntries(graph, { ...query, since }, 1_000, io, options.signal)).filter(
      (entry) => entry.id && !known.has(entry.id),
    );
    for (const entry of fresh.reverse()) {
      known.add(entry.id!);
      io.stdout.write(
        options.json ? `${JSON.stringify(entry)}\n` : `${renderLogEntriesText([entry], options)}\n`,
      );
    }
  }
  return ExitCode.interrupted;
}
