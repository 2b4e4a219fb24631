import { isWell, provisionWhereNeeded, whyUser } from '@ondemand/transport';
import { z } from 'zod';
import { styleFor } from '../colour.js';
import { connectionOptions, connectionUsage } from '../connection.js';
import { findApp, findUser } from '../directory/find-subject.js';
import { badInput, ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import { interruptSignal } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { parseArgs } from '../parse-args.js';
import { renderWhyText } from '../render/why-text.js';
import { wrapHelp } from '../render/wrap-help.js';
import { withConnection } from './with-connection.js';

const whyFlags = flagSet({
  user: {
    type: 'string',
    schema: z.string(),
    usage: ['--user ID|UPN|NAME', 'who (a name must match one user)'],
  },
  sp: {
    type: 'string',
    schema: z.string(),
    usage: ['--sp ID', 'only this app (default: every app they are assigned to)'],
  },
  app: { type: 'string', schema: z.string(), usage: ['--app NAME', 'only this app, by name'] },
  provision: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--provision', 'then provision them on demand where that can work (each app at its pace)'],
  },
  json: {
    type: 'boolean',
    schema: z.boolean(),
    usage: [
      '--json',
      'print { subject, apps: [{ servicePrincipalId, appName, jobId, assigned, inScope, jobHealth, latestLog, verdict, whatToDo, … }] }',
    ],
  },
});

export const whyUsage = `Usage: ondemand why --user ID|UPN|NAME [--sp ID | --app NAME] [--provision] [--json]

Answers "why isn't this person in that app?": for each app they are assigned to (directly or
through a group), or the one named: whether they are assigned, whether the job's scoping filter lets
them in (each clause with their value), whether the job is healthy (quarantine, paused, never run,
the last cycle's error), and what the provisioning logs last said about them; then one verdict and
what to do. What cannot be read (no log access, no entry yet) is said, not guessed. --provision
then provisions them on demand wherever that can work.

Options:
${whyFlags.usageLines(2, 22)}
  -h, --help            show this help

${connectionUsage}

Examples:
  ondemand why --simulate --user diego@contoso.onmicrosoft.com --app "Contoso Expenses"
  ondemand why --user 9bb0f679-a883-4a6f-8260-35b491b8b8c8 --provision
${exitCodesOf(
  [ExitCode.success, 'they are in every app as the source says (applied or already in sync)'],
  [ExitCode.notProvisioned, 'an app is not as the source says, or it cannot be told'],
  ExitCode.badInput,
  ExitCode.authOrConfig,
  ExitCode.graphOrNetwork,
)}`;

/** `ondemand why`: one user's state in their apps, with the evidence and what to do. */
export async function whyCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { ...connectionOptions, ...whyFlags.options }, whyUsage, {
    maxPositionals: 0,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(whyUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  if (typeof args.values.user !== 'string') throw badInput(`why needs --user ID|UPN|NAME\n\n${whyUsage}`);
  if (args.values.sp !== undefined && args.values.app !== undefined)
    throw badInput('give --sp or --app, not both');
  return withConnection(args.values, io, async ({ graph }) => {
    const { signal, release } = interruptSignal(io);
    try {
      const user = await findUser(graph, String(args.values.user));
      const only =
        args.values.sp !== undefined
          ? await findApp(graph, String(args.values.sp))
          : args.values.app !== undefined
            ? await findApp(graph, String(args.values.app))
            : undefined;
      const report = await whyUser(graph, user, only, signal);
      if (args.values.provision) await provisionWhereNeeded(graph, report, signal);
      io.stdout.write(
        args.values.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : renderWhyText(report, {
              style: styleFor(io),
              width: io.stdout.isTTY ? io.stdout.columns : undefined,
              ...(args.values.provision
                ? {}
                : { provisionHint: 'Add --provision to provision them on demand where that can work.' }),
            }),
      );
      return report.apps.length > 0 && report.apps.every((app) => isWell(app.verdict))
        ? ExitCode.success
        : ExitCode.notProvisioned;
    } finally {
      release();
    }
  });
}
