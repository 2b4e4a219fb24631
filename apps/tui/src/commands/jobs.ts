import { collect } from '@ondemand/core';
import { z } from 'zod';
import { connectionOptions, connectionUsage } from '../connection.js';
import { ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import type { CliIo } from '../io.js';
import { parseArgs } from '../parse-args.js';
import { wrapHelp } from '../render/wrap-help.js';
import { withConnection } from './with-connection.js';

/** `jobs`' own flags. */
const jobsFlags = flagSet({
  sp: { type: 'string', schema: z.string(), usage: ['--sp ID', "only this app's jobs"] },
  search: {
    type: 'string',
    schema: z.string(),
    usage: ['--search TEXT', 'apps whose name starts with TEXT'],
  },
  json: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--json', 'print [{ servicePrincipal, jobs }] as JSON'],
  },
});

export const jobsUsage = `Usage: ondemand jobs [--sp ID | --search TEXT] [--json]
       ondemand jobs status|watch|start|pause|restart|test … (each has --help)

Lists apps (service principals) that have synchronization jobs, and their jobs. status and watch
show their health; start, pause, restart and test act on one.

Options:
${jobsFlags.usageLines(2, 17)}
  -h, --help     show this help

${connectionUsage}

Example:
  ondemand jobs --simulate
${exitCodesOf([ExitCode.success, 'listed'], ExitCode.badInput, ExitCode.authOrConfig, ExitCode.graphOrNetwork)}`;

/** `ondemand jobs`: apps with provisioning jobs. */
export async function jobsCommand(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'status' || first === 'watch')
    return (await import('./jobs-status.js')).jobsStatusCommand(first, rest, io);
  if (first === 'start' || first === 'pause' || first === 'restart' || first === 'test')
    return (await import('./job-actions.js')).jobActionCommand(first, rest, io);
  const args = parseArgs(argv, { ...connectionOptions, ...jobsFlags.options }, jobsUsage, {
    maxPositionals: 0,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(jobsUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  return withConnection(args.values, io, async ({ graph }) => {
    const sp = args.values.sp as string | undefined;
    const apps = sp
      ? [{ id: sp, displayName: undefined as string | null | undefined }]
      : await collect(
          graph.findServicePrincipals({
            ...(args.values.search ? { search: String(args.values.search) } : {}),
          }),
          500,
        );
    const found = [];
    for (const app of apps) {
      const jobs = await collect(graph.listSynchronizationJobs(app.id));
      if (jobs.length > 0 || sp) found.push({ servicePrincipal: app, jobs });
    }
    if (args.values.json) {
      io.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
      return ExitCode.success;
    }
    if (found.length === 0) io.stdout.write('no app with a provisioning job was found\n');
    for (const { servicePrincipal, jobs } of found) {
      io.stdout.write(
        `${servicePrincipal.displayName ?? servicePrincipal.id}  (sp ${servicePrincipal.id})\n`,
      );
      for (const job of jobs)
        io.stdout.write(`  job ${job.id}  ${job.templateId ?? ''}  ${job.schedule?.state ?? ''}\n`);
      if (jobs.length === 0) io.stdout.write('  (no provisioning jobs)\n');
    }
    return ExitCode.success;
  });
}
