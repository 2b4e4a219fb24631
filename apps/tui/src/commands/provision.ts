import {
  distinguishedNameProblem,
  distinguishedNameRequest,
  groupRequest,
  type ProvisionOnDemandRequest,
  RequestBuildError,
  targetMatchesSource,
  userRequest,
} from '@ondemand/core';
import { z } from 'zod';
import { runWaitingIfHeld } from '../approvals/held-wait.js';
import { styleFor } from '../colour.js';
import { connectionOptions, connectionUsage, requireJobTarget } from '../connection.js';
import { badInput, ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import type { CliIo } from '../io.js';
import { jobReadiness } from '../jobs/job-readiness.js';
import { parseArgs } from '../parse-args.js';
import { renderReportText } from '../render/report-text.js';
import { wrapHelp } from '../render/wrap-help.js';
import { pickRule } from './pick-rule.js';
import { withConnection } from './with-connection.js';

/** `provision`'s own flags (the connection's are `connection.ts`'s). */
const provisionFlags = flagSet({
  sp: { type: 'string', schema: z.string(), usage: ['--sp ID', "the app's service principal id"] },
  force: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--force', 'send even to a job in quarantine or not configured (by default refused first)'],
  },
  job: {
    type: 'string',
    schema: z.string(),
    usage: [
      '--job ID',
      'the synchronization job id (job ids are not GUIDs: gitHubEnterpriseCloud.6855….16d1…)',
    ],
  },
  rule: {
    type: 'string',
    schema: z.string(),
    usage: ['--rule ID', 'the rule id from the job\'s schema (see "ondemand rules")'],
  },
  user: { type: 'string', schema: z.string(), usage: ['--user ID', "an Entra user's object id"] },
  group: {
    type: 'string',
    schema: z.string(),
    usage: [
      '--group ID',
      "a group's object id; --member ID (repeatable, at most 5) provisions members with it",
    ],
  },
  member: { type: 'string', multiple: true, schema: z.array(z.string()) },
  dn: {
    type: 'string',
    schema: z.string(),
    usage: ['--dn DN', 'an AD distinguished name (cloud sync), e.g. "CN=AdeleV,CN=Users,DC=corp,DC=com"'],
  },
  json: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--json', 'print { result, details, report, requestId } as JSON'],
  },
  details: { type: 'boolean', schema: z.boolean(), usage: ['--details', "print every step's details"] },
});

export const provisionUsage = `Usage: ondemand provision --sp ID --job ID [--rule ID] (--user ID | --group ID [--member ID]… | --dn DN) [--json] [--details]

Provisions one user, one group (with up to 5 of its members) or one Active Directory user (cloud sync)
now, and prints every step of what happened. The rule is chosen for you when the job has one that fits.

Options:
${provisionFlags.usageLines(2, 17)}
  -h, --help     show this help

${connectionUsage}

Examples:
  ondemand provision --simulate --sp c8c95753-f628-48e1-9fab-76c2d4cf624c --job 3f7565a3-fde6-4e4d-bda8-1bb70aba3612 --user 9bb0f679-a883-4a6f-8260-35b491b8b8c8
  ondemand provision --sp $SP --job $JOB --group $GROUP --member $U1 --member $U2 --json
${exitCodesOf(
  ExitCode.success,
  ExitCode.notProvisioned,
  ExitCode.badInput,
  ExitCode.authOrConfig,
  ExitCode.graphOrNetwork,
  [ExitCode.expired, 'held by a proxy: it expired before it was approved'],
  [ExitCode.denied, 'held by a proxy: an approver denied it'],
  [ExitCode.withdrawn, 'held by a proxy: it was withdrawn'],
  [ExitCode.interrupted, 'stopped waiting (a held request stays pending)'],
)}`;

/** `ondemand provision`: one call, every step printed. */
export async function provisionCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { ...connectionOptions, ...provisionFlags.options }, provisionUsage, {
    maxPositionals: 0,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(provisionUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  const { rule, user, group, dn } = args.values as Record<string, string | undefined>;
  const members = (args.values.member as string[] | undefined) ?? [];
  const { sp, job } = requireJobTarget(args.values, provisionUsage);
  const subjects = [user && '--user', group && '--group', dn && '--dn'].filter(Boolean);
  if (subjects.length !== 1)
    throw badInput(
      `give exactly one of --user, --group or --dn (got ${subjects.length === 0 ? 'none' : subjects.join(', ')})`,
    );
  if (members.length > 0 && !group) throw badInput('--member goes with --group');
  // Said before connecting: the same rule request bodies are checked with.
  const dnProblem = dn === undefined ? undefined : distinguishedNameProblem(dn);
  if (dnProblem) throw badInput(`--dn "${dn}" is not a distinguished name: ${dnProblem}`);
  const objectTypeName = user ? 'User' : group ? 'Group' : 'user';

  return withConnection(args.values, io, async ({ graph }) => {
    // One look at the job first: a call is not spent where it cannot work.
    // Read with the rules, side by side: the look costs no round trip of its own.
    const [jobView, ruleId] = await Promise.all([
      graph.getSynchronizationJob(sp, job),
      pickRule(graph, sp, job, objectTypeName, rule),
    ]);
    const readiness = jobReadiness(jobView);
    if (readiness && !readiness.send && args.values.force !== true) {
      io.stderr.write(`Not sent: ${readiness.why} (--force sends it anyway).\n`);
      return ExitCode.notProvisioned;
    }
    if (readiness)
      io.stderr.write(
        `${styleFor({ env: io.env, stdout: io.stderr as CliIo['stdout'] }).yellow(`Note: ${readiness.why}.`)}\n`,
      );
    let body: ProvisionOnDemandRequest;
    try {
      body = user
        ? userRequest({ ruleId, userId: user })
        : group
          ? groupRequest({ ruleId, groupId: group, memberIds: members })
          : distinguishedNameRequest({ ruleId, distinguishedName: dn! });
    } catch (error) {
      if (error instanceof RequestBuildError) throw badInput(error.message, { cause: error });
      throw error;
    }
    const ran = await runWaitingIfHeld(io, (options) => graph.provisionOnDemand(sp, job, body, options));
    if ('interrupted' in ran) return ran.interrupted;
    const result = ran.value;
    if (args.values.json) {
      const { result: outcome, details, report, reports, requestId, clientRequestId } = result;
      io.stdout.write(
        `${JSON.stringify({ result: outcome, details, report, reports, requestId, clientRequestId }, null, 2)}\n`,
      );
    } else {
      io.stdout.write(
        renderReportText(result, {
          style: styleFor(io),
          allDetails: args.values.details === true,
          width: io.stdout.isTTY ? io.stdout.columns : undefined,
        }),
      );
      io.stdout.write(
        `${styleFor(io).dim(`request-id ${result.requestId ?? 'none'} · client-request-id ${result.clientRequestId}`)}\n`,
      );
    }
    return targetMatchesSource(result) ? ExitCode.success : ExitCode.notProvisioned;
  });
}
