import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { jobIsHealthy, terminalSafe } from '@ondemand/core';
import { type AppJobHealth, readJobHealth } from '@ondemand/transport';
import { z } from 'zod';
import { styleFor } from '../colour.js';
import { connectionOptions, connectionUsage } from '../connection.js';
import { badInput, ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import { interruptSignal } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { postJobChange } from '../jobs/change-webhook.js';
import { healthChanges } from '../jobs/job-health-list.js';
import { parseArgs } from '../parse-args.js';
import { renderJobText } from '../render/provisioning-text.js';
import { wrapHelp } from '../render/wrap-help.js';
import { withConnection } from './with-connection.js';

const statusFlags = flagSet({
  sp: { type: 'string', schema: z.string(), usage: ['--sp ID', "only this app's jobs (default: every app)"] },
  json: {
    type: 'boolean',
    schema: z.boolean(),
    usage: [
      '--json',
      'status: { jobs: [{ servicePrincipalId, appName, …the job as explain prints it }] }; watch: one JSON line per change',
    ],
  },
  every: {
    type: 'string',
    schema: z.string(),
    usage: [
      '--every SECONDS',
      'watch: how often to look (default 60; the service writes status as cycles end)',
    ],
  },
  webhook: {
    type: 'string',
    schema: z.url({ protocol: /^https?$/, error: '--webhook must be an http(s) URL' }),
    usage: [
      '--webhook URL',
      'watch: POST each change as JSON to URL (a "text" line for chat webhooks; signed with\nONDEMAND_WEBHOOK_SECRET when it is set)',
    ],
  },
  exec: {
    type: 'string',
    schema: z.string(),
    usage: [
      '--exec CMD',
      'watch: run CMD (through the shell) on each change, the change as JSON on its standard input',
    ],
  },
});

export const jobsStatusUsage = `Usage: ondemand jobs status [--sp ID] [--json]
       ondemand jobs watch  [--sp ID] [--every SECONDS] [--exec CMD] [--webhook URL] [--json]

status: the health of every job of an app, or of every app: active, paused, in quarantine (with its
reason and next attempt), never run or not configured; the last cycle's counts and error; the steady
state. watch: reads it again every --every seconds and reports each change as it happens (a job
going into quarantine, out of it, a cycle ending with errors) until Ctrl-C; --exec runs a command on
each, e.g. to page someone or send mail; --webhook posts each to a chat channel or an alerting
system (a receiver that is down is said, and the watch goes on).

Options:
${statusFlags.usageLines(2, 17)}
  -h, --help     show this help

${connectionUsage}

Examples:
  ondemand jobs status --simulate
  ondemand jobs watch --sp SP --every 300 --exec 'mail -s "provisioning job changed" ops@example.com'
  ONDEMAND_WEBHOOK_SECRET=… ondemand jobs watch --webhook https://hooks.example.com/provisioning
${exitCodesOf(
  [ExitCode.success, 'status: every job is active'],
  [ExitCode.notProvisioned, 'status: a job is paused, in quarantine, never run or not configured'],
  ExitCode.badInput,
  ExitCode.authOrConfig,
  ExitCode.graphOrNetwork,
  [ExitCode.interrupted, 'watch: stopped with Ctrl-C'],
)}`;

/** `ondemand jobs status|watch`: job health at a glance, or as it changes. */
export async function jobsStatusCommand(
  mode: 'status' | 'watch',
  argv: string[],
  io: CliIo,
): Promise<number> {
  const args = parseArgs(argv, { ...connectionOptions, ...statusFlags.options }, jobsStatusUsage, {
    maxPositionals: 0,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(jobsStatusUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  // This command's own flags, checked by their schemas (a --webhook that is not http(s), say).
  const own = statusFlags.schema.safeParse(
    Object.fromEntries(Object.keys(statusFlags.options).map((name) => [name, args.values[name]])),
  );
  if (!own.success) throw badInput(own.error.issues.map((issue) => issue.message).join('; '));
  const sp = args.values.sp as string | undefined;
  const json = args.values.json === true;
  const everySeconds = Number(args.values.every ?? 60);
  if (!Number.isFinite(everySeconds) || everySeconds < 1)
    throw badInput(`--every must be a number of seconds, 1 or more (not "${args.values.every}")`);
  if (
    mode === 'status' &&
    (args.values.every !== undefined || args.values.exec !== undefined || args.values.webhook !== undefined)
  )
    throw badInput('--every, --exec and --webhook are for jobs watch');
  const style = styleFor(io);
  const width = io.stdout.isTTY ? io.stdout.columns : undefined;
  return withConnection(args.values, io, async ({ graph }) => {
    if (mode === 'status') {
      const jobs = await readJobHealth(graph, sp);
      if (json) io.stdout.write(`${JSON.stringify({ jobs }, null, 2)}\n`);
      else if (jobs.length === 0) io.stdout.write('No app with a provisioning job was found.\n');
      else
        io.stdout.write(
          jobs
            .map((job) =>
              renderJobText(job, { style, width, appName: job.appName ?? job.servicePrincipalId }),
            )
            .join('\n'),
        );
      return jobs.every(jobIsHealthy) ? ExitCode.success : ExitCode.notProvisioned;
    }
    return watch(
      io,
      {
        json,
        everyMs: everySeconds * 1000,
        exec: args.values.exec as string | undefined,
        webhook: args.values.webhook as string | undefined,
      },
      (signal) => readJobHealth(graph, sp, signal),
    );
  });
}

/** Reads, compares, reports; until Ctrl-C. The first reading is reported whole, later ones as changes. */
async function watch(
  io: CliIo,
  options: { json: boolean; everyMs: number; exec: string | undefined; webhook: string | undefined },
  read: (signal: AbortSignal) => Promise<AppJobHealth[]>,
): Promise<number> {
  const { signal, release } = interruptSignal(io);
  const known = new Map<string, AppJobHealth>();
  const style = styleFor(io);
  try {
    let first = true;
    while (!signal.aborted) {
      for (const job of await read(signal)) {
        const key = `${job.servicePrincipalId}/${job.id}`;
        const changes = first ? [`${job.health}`] : healthChanges(known.get(key), job);
        known.set(key, job);
        if (changes.length === 0) continue;
        const event = {
          at: new Date().toISOString(),
          servicePrincipalId: job.servicePrincipalId,
          appName: job.appName,
          jobId: job.id,
          health: job.health,
          changes,
          job,
        };
        io.stdout.write(
          options.json
            ? `${JSON.stringify(event)}\n`
            : // Names and reasons come from Graph: shown as text, never obeyed.
              `${style.dim(event.at)} ${terminalSafe(`${job.appName ?? job.servicePrincipalId} · job ${job.id}: ${changes.join('; ')}`)}\n`,
        );
        if (options.exec && !first) await runOnChange(options.exec, event, io);
        if (options.webhook && !first) {
          const problem = await postJobChange(options.webhook, event, io.env.ONDEMAND_WEBHOOK_SECRET);
          if (problem) io.stderr.write(`${problem}\n`);
        }
      }
      first = false;
      await sleep(options.everyMs, undefined, { signal }).catch(() => {});
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    release();
  }
  return ExitCode.interrupted;
}

/** Runs the --exec command with the change on its standard input; its failure is said, not fatal. */
function runOnChange(command: string, event: unknown, io: CliIo): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(command, {
      shell: true,
      stdio: ['pipe', 'inherit', 'inherit'],
      env: { ...process.env, ...io.env },
    });
    child.on('error', (error) => {
      io.stderr.write(`--exec could not run: ${error.message}\n`);
      resolve();
    });
    child.on('close', (code) => {
      if (code !== 0) io.stderr.write(`--exec exited ${code}\n`);
      resolve();
    });
    child.stdin.end(`${JSON.stringify(event)}\n`);
  });
}
