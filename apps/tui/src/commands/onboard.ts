import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { collect, terminalSafe } from '@ondemand/core';
import { z } from 'zod';
import { styleFor } from '../colour.js';
import { connectionOptions, connectionUsage } from '../connection.js';
import { findUser } from '../directory/find-subject.js';
import { badInput, ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import { interruptSignal } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { MEMBERS_PER_CALL, type OnboardedApp, onboardUser, pushGroup } from '../onboard/onboard-user.js';
import { parseArgs } from '../parse-args.js';
import { VERDICT_WORDS } from '../render/provisioning-text.js';
import { wrapHelp } from '../render/wrap-help.js';
import { pickRule } from './pick-rule.js';
import { withConnection } from './with-connection.js';

const onboardFlags = flagSet({
  user: {
    type: 'string',
    schema: z.string(),
    usage: ['--user ID|UPN|NAME', 'into every app they are assigned to that has a provisioning job'],
  },
  group: {
    type: 'string',
    schema: z.string(),
    usage: [
      '--group ID',
      `a group and its members into one app (--sp), ${MEMBERS_PER_CALL} members per call`,
    ],
  },
  sp: { type: 'string', schema: z.string(), usage: ['--sp ID', 'the app, with --group'] },
  job: {
    type: 'string',
    schema: z.string(),
    usage: ['--job ID', "the job, with --group (default: the app's only job)"],
  },
  rule: {
    type: 'string',
    schema: z.string(),
    usage: ['--rule ID', 'the rule, with --group (default: the one that maps groups)'],
  },
  out: {
    type: 'string',
    schema: z.string(),
    usage: ['--out FILE', 'append each app’s result (NDJSON); run again with it to do only what is left'],
  },
  json: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--json', 'print { subject, apps: [{ servicePrincipalId, appName, jobId, result, verdict }] }'],
  },
});

export const onboardUsage = `Usage: ondemand onboard --user ID|UPN|NAME [--out FILE] [--json]
       ondemand onboard --group ID --sp ID [--job ID] [--rule ID] [--json]

--user: provisions a new hire into every app they are assigned to (directly or through a group) that
has a provisioning job, one call per app, the apps side by side at each app's own pace (Graph's limit
is per app), then a verdict per app. A job that cannot take the call (in quarantine, paused, never
started) is named with why, and not sent to. With --out, a second run does only the apps not done.
--group: pushes a group and its members to one app, ${MEMBERS_PER_CALL} members per call, at the app's pace.

Options:
${onboardFlags.usageLines(2, 22)}
  -h, --help            show this help

${connectionUsage}

Examples:
  ondemand onboard --simulate --user diego.vance@contoso.onmicrosoft.com
  ondemand onboard --group 8213fd99-… --sp SP
${exitCodesOf(
  [ExitCode.success, 'in every app as the source says (applied or already in sync)'],
  [ExitCode.notProvisioned, 'an app is not (failed, skipped, or not sent: its job cannot take it)'],
  ExitCode.badInput,
  ExitCode.authOrConfig,
  ExitCode.graphOrNetwork,
)}`;

/** `ondemand onboard`: a user into all their apps, or a group and its members into one. */
export async function onboardCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { ...connectionOptions, ...onboardFlags.options }, onboardUsage, {
    maxPositionals: 0,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(onboardUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  const userName = args.values.user as string | undefined;
  const groupId = args.values.group as string | undefined;
  if ((userName === undefined) === (groupId === undefined))
    throw badInput(`onboard needs --user or --group (one of them)\n\n${onboardUsage}`);
  if (groupId !== undefined && args.values.sp === undefined)
    throw badInput('onboard --group needs --sp ID: the app to push the group to');
  const style = styleFor(io);
  const json = args.values.json === true;
  return withConnection(args.values, io, async ({ graph }) => {
    const { signal, release } = interruptSignal(io);
    try {
      if (groupId !== undefined) {
        const sp = String(args.values.sp);
        const jobs = await collect(graph.listSynchronizationJobs(sp, { signal }));
        const jobId =
          (args.values.job as string | undefined) ?? (jobs.length === 1 ? jobs[0]!.id : undefined);
        if (!jobId)
          throw badInput(`the app has ${jobs.length} jobs: choose one with --job (ondemand jobs --sp ${sp})`);
        const ruleId = await pickRule(graph, sp, jobId, 'Group', args.values.rule as string | undefined);
        const members = (await collect(graph.listGroupMembers(groupId, {}, { signal }))).map(
          (member) => member.id,
        );
        const calls = await pushGroup(
          graph,
          { servicePrincipalId: sp, jobId, ruleId },
          { id: groupId, members },
          {
            signal,
            onResult: (call) => {
              if (!json)
                io.stdout.write(
                  `${call.members.length} member${call.members.length === 1 ? '' : 's'}: ${VERDICT_WORDS[call.verdict]} — ${call.summary}\n`,
                );
            },
          },
        );
        if (json)
          io.stdout.write(
            `${JSON.stringify({ group: groupId, servicePrincipalId: sp, jobId, calls }, null, 2)}\n`,
          );
        return calls.every((call) => call.verdict === 'applied' || call.verdict === 'alreadyInSync')
          ? ExitCode.success
          : ExitCode.notProvisioned;
      }

      const user = await findUser(graph, String(userName));
      const out = args.values.out === undefined ? undefined : resolve(io.cwd, String(args.values.out));
      const earlier = out ? readEarlier(out, user.id) : [];
      const skip = new Set(
        earlier
          .filter((app) => app.verdict === 'applied' || app.verdict === 'alreadyInSync')
          .map((app) => `${app.servicePrincipalId.toLowerCase()}/${app.jobId}`),
      );
      const apps = await onboardUser(graph, user, {
        skip,
        signal,
        onResult: (app) => {
          if (out) appendFileSync(out, `${JSON.stringify({ userId: user.id, ...app })}\n`);
          if (!json) io.stdout.write(line(terminalSafe(app), style));
        },
      });
      const all = [
        ...earlier.filter((app) => skip.has(`${app.servicePrincipalId.toLowerCase()}/${app.jobId}`)),
        ...apps,
      ];
      if (json)
        io.stdout.write(
          `${JSON.stringify({ subject: { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName }, apps: all }, null, 2)}\n`,
        );
      else if (all.length === 0)
        io.stdout.write(
          `${user.displayName ?? user.id} is assigned to no app with a provisioning job: assign them (or a group of theirs) first.\n`,
        );
      else if (skip.size > 0)
        io.stdout.write(
          `(${skip.size} app${skip.size === 1 ? '' : 's'} done in an earlier run, from ${out})\n`,
        );
      return all.length > 0 &&
        all.every((app) => app.verdict === 'applied' || app.verdict === 'alreadyInSync')
        ? ExitCode.success
        : ExitCode.notProvisioned;
    } finally {
      release();
    }
  });
}

function line(app: OnboardedApp, style: ReturnType<typeof styleFor>): string {
  const ok = app.verdict === 'applied' || app.verdict === 'alreadyInSync';
  const paint = ok ? style.green : app.verdict === 'failed' ? style.red : style.yellow;
  return `${paint(`${app.appName ?? app.servicePrincipalId}: ${VERDICT_WORDS[app.verdict]}`)} — ${app.summary}${app.whatToDo && !ok ? `\n  What to do: ${app.whatToDo}` : ''}\n`;
}

/** This user's results from an earlier run's file (lines of others, or torn, are passed over). */
function readEarlier(file: string, userId: string): OnboardedApp[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((text) => {
      try {
        const row = JSON.parse(text) as OnboardedApp & { userId?: string };
        return row.userId === userId ? [row] : [];
      } catch {
        return [];
      }
    });
}
