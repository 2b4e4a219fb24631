import { z } from 'zod';
import { connectionOptions, connectionUsage, requireJobTarget } from '../connection.js';
import { ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import type { CliIo } from '../io.js';
import { parseArgs } from '../parse-args.js';
import { wrapHelp } from '../render/wrap-help.js';
import { describeRule } from './pick-rule.js';
import { withConnection } from './with-connection.js';

/** `rules`' own flags. */
const rulesFlags = flagSet({
  sp: { type: 'string', schema: z.string(), usage: ['--sp ID', "the app's service principal id"] },
  job: { type: 'string', schema: z.string(), usage: ['--job ID', 'the synchronization job id'] },
  json: { type: 'boolean', schema: z.boolean(), usage: ['--json', "print the job's rules as JSON"] },
});

export const rulesUsage = `Usage: ondemand rules --sp ID --job ID [--json]

Lists a job's synchronization rules: the ids provisionOnDemand takes as ruleId, with source → target.

Options:
${rulesFlags.usageLines(2, 17)}
  -h, --help     show this help

${connectionUsage}

Example:
  ondemand rules --simulate --sp 4e116d82-dd59-4944-824d-93091408fd8d --job 664ea562-18cd-42bb-33e0-8de1f0560581
${exitCodesOf([ExitCode.success, 'listed'], ExitCode.badInput, ExitCode.authOrConfig, ExitCode.graphOrNetwork)}`;

/** `ondemand rules`: the rule ids of a job. */
export async function rulesCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { ...connectionOptions, ...rulesFlags.options }, rulesUsage, {
    maxPositionals: 0,
  });
  if (args.help) {
    io.stdout.write(`${wrapHelp(rulesUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  const { sp, job } = requireJobTarget(args.values, rulesUsage);
  return withConnection(args.values, io, async ({ graph }) => {
    const schema = await graph.getSynchronizationSchema(sp, job);
    if (args.values.json) io.stdout.write(`${JSON.stringify(schema.synchronizationRules, null, 2)}\n`);
    else
      for (const rule of schema.synchronizationRules) io.stdout.write(`${describeRule(rule).trimStart()}\n`);
    return ExitCode.success;
  });
}
