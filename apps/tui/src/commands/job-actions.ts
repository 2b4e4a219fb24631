import { terminalSafe } from '@ondemand/core';
import type { JobActionOptions } from '@ondemand/transport';
import { z } from 'zod';
import { runWaitingIfHeld } from '../approvals/held-wait.js';
import { styleFor } from '../colour.js';
import { confirmOnTerminal } from '../confirm.js';
import { connectionOptions, connectionUsage } from '../connection.js';
import { badInput, ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import type { CliIo } from '../io.js';
import { RESTART_PRESETS, restartScopeFor } from '../jobs/restart-presets.js';
import { parseArgs } from '../parse-args.js';
import { renderJobText } from '../render/provisioning-text.js';
import { wrapHelp } from '../render/wrap-help.js';
import { withConnection } from './with-connection.js';

export type JobActionName = 'start' | 'pause' | 'restart' | 'test';

const actionFlags = flagSet({
  sp: { type: 'string', schema: z.string(), usage: ['--sp ID', 'the app (service principal id)'] },
  job: { type: 'string', schema: z.string(), usage: ['--job ID', 'the job (ondemand jobs lists them)'] },
  preset: {
    type: 'string',
    schema: z.string(),
    usage: ['--preset NAME', `restart: ${Object.keys(RESTART_PRESETS).join(', ')} (default: default)`],
  },
  'reset-scope': {
    type: 'string',
    schema: z.string(),
    usage: [
      '--reset-scope FLAGS',
      "restart: Graph's flags, comma-separated (None and ConnectorDataStore are refused)",
    ],
  },
  yes: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--yes', 'do not ask (scripts: needed off a terminal)'],
  },
});

const presetLines = Object.entries(RESTART_PRESETS)
  .map(([name, preset]) => `  ${name.padEnd(17)} ${preset.says}`)
  .join('\n');

export const jobActionsUsage = `Usage: ondemand jobs start|pause|restart|test --sp ID --job ID [--preset NAME | --reset-scope FLAGS] [--yes]

start: a paused, never-run or quarantined job runs its cycle now (refused on a job already running).
pause: no more cycles until started; nothing provisioned is undone.
restart: a cycle now, after clearing what the preset says:
${presetLines}
test: checks the app's saved admin credentials (Graph's validateCredentials).
Each says what the job is now first, and asks before it acts (--yes for scripts).

Options:
${actionFlags.usageLines(2, 21)}
  -h, --help           show this help

${connectionUsage}

Examples:
  ondemand jobs restart --simulate --sp SP --job JOB --preset clear-quarantine
  ondemand jobs pause --sp SP --job JOB --yes
${exitCodesOf(
  [ExitCode.success, 'done (test: the credentials work)'],
  [ExitCode.notProvisioned, 'test: the app refused the credentials; or you answered no'],
  ExitCode.badInput,
  ExitCode.authOrConfig,
  ExitCode.graphOrNetwork,
)}`;

const DOING: Record<JobActionName, string> = {
  start: 'Start',
  pause: 'Pause',
  restart: 'Restart',
  test: 'Test the credentials of',
};

const DONE: Record<Exclude<JobActionName, 'test'>, string> = {
  start: 'Started',
  pause: 'Paused',
  restart: 'Restarted',
};

/** `ondemand jobs start|pause|restart|test`: a job action, with what it will do said first. */
export async function jobActionCommand(action: JobActionName, argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { ...connectionOptions, ...actionFlags.options }, jobActionsUsage, {
    maxPositionals: 0,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(jobActionsUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  const sp = args.values.sp as string | undefined;
  const jobId = args.values.job as string | undefined;
  if (!sp || !jobId) throw badInput(`jobs ${action} needs --sp ID and --job ID (ondemand jobs lists them)`);
  const preset = args.values.preset as string | undefined;
  const resetScope = args.values['reset-scope'] as string | undefined;
  if (action !== 'restart' && (preset !== undefined || resetScope !== undefined))
    throw badInput('--preset and --reset-scope are for jobs restart');
  const restart = action === 'restart' ? restartScopeFor(preset, resetScope) : undefined;
  const style = styleFor(io);
  const width = io.stdout.isTTY ? io.stdout.columns : undefined;

  return withConnection(args.values, io, async ({ graph }) => {
    const app = await graph.getServicePrincipal(sp);
    // The app's name comes from the directory: shown as text wherever it is printed.
    const appName = terminalSafe(app.displayName ?? sp);
    const before = await graph.getSynchronizationJob(sp, jobId);
    io.stdout.write(renderJobText(before, { style, width, appName }));
    if (action === 'start' && before.health === 'active')
      throw badInput(
        `${appName}'s job is already running: its next cycle comes on schedule. To run one now, use jobs restart --preset retry-failures.`,
      );
    const what = `${DOING[action]} ${appName}'s job ${jobId}${restart ? ` (${restart.scope ?? 'default scope'}: ${restart.says})` : ''}?`;
    if (!(await confirmOnTerminal(io, what, args.values.yes === true))) {
      io.stderr.write('Nothing was done.\n');
      return ExitCode.notProvisioned;
    }
    // Through a proxy, its policy may hold the action for an approver: it runs once approved.
    const run = (call: (options: JobActionOptions) => Promise<void>) =>
      runWaitingIfHeld(io, (options) => call(options));
    let ran: Awaited<ReturnType<typeof run>>;
    switch (action) {
      case 'start':
        ran = await run((options) => graph.startJob(sp, jobId, options));
        break;
      case 'pause':
        ran = await run((options) => graph.pauseJob(sp, jobId, options));
        break;
      case 'restart':
        ran = await run((options) => graph.restartJob(sp, jobId, restart!.scope, options));
        break;
      case 'test':
        try {
          ran = await run((options) => graph.validateJobCredentials(sp, jobId, options));
        } catch (error) {
          const status = (error as { status?: number }).status;
          if (status !== 400) throw error;
          io.stdout.write(`${style.red(`The app refused the credentials: ${(error as Error).message}`)}\n`);
          return ExitCode.notProvisioned;
        }
        if ('interrupted' in ran) return ran.interrupted;
        io.stdout.write(`${style.green(`${appName} accepts the saved credentials.`)}\n`);
        return ExitCode.success;
    }
    if ('interrupted' in ran) return ran.interrupted;
    io.stdout.write(`\n${DONE[action as Exclude<JobActionName, 'test'>]}. Now:\n`);
    io.stdout.write(renderJobText(await graph.getSynchronizationJob(sp, jobId), { style, width, appName }));
    return ExitCode.success;
  });
}
