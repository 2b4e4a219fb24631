import { validateProvisionRequest } from '@ondemand/core';
import { z } from 'zod';
import { styleFor } from '../colour.js';
import { ExitCode, exitCodesOf } from '../exit-codes.js';
import { flagSet } from '../flag-set.js';
import type { CliIo } from '../io.js';
import { parseJsonInput } from '../json-input.js';
import { parseArgs } from '../parse-args.js';
import { readInput } from '../read-input.js';
import { wrapHelp } from '../render/wrap-help.js';

/** `validate`'s flags. */
const validateFlags = flagSet({
  json: {
    type: 'boolean',
    schema: z.boolean(),
    usage: ['--json', 'print { "valid": bool, "issues": [{ "path", "message" }] }'],
  },
});

export const validateUsage = `Usage: ondemand validate [FILE|-] [--json]

Checks a provisionOnDemand request body before it is sent: the "parameters" wrapper, ruleId,
subjects, object type names, distinguished names, and the documented limits (one group per call,
at most 5 members).

Options:
${validateFlags.usageLines(2, 14)}
  -h, --help  show this help

Examples:
  ondemand validate body.json
  echo '{"parameters":[{"ruleId":"r","subjects":[]}]}' | ondemand validate -
${exitCodesOf([ExitCode.success, 'valid'], [ExitCode.badInput, 'invalid (every problem is listed with its path)'])}`;

/** `ondemand validate`: check a request body and list every problem with its path. */
export async function validateCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, validateFlags.options, validateUsage, { maxPositionals: 1 });
  if (args.help) {
    io.stdout.write(`${wrapHelp(validateUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  const { text, source } = await readInput(args.positionals[0], io, validateUsage);
  const checked = validateProvisionRequest(parseJsonInput(text, source, 'request'));
  if (args.values.json) {
    io.stdout.write(
      `${JSON.stringify({ valid: checked.ok, issues: checked.ok ? [] : checked.issues }, null, 2)}\n`,
    );
    return checked.ok ? ExitCode.success : ExitCode.badInput;
  }
  const style = styleFor(io);
  if (checked.ok) {
    const subjects = checked.value.parameters.flatMap((parameter) => parameter.subjects);
    io.stdout.write(
      `${style.green('✓')} ${source} is a valid provisionOnDemand body (${subjects.length} subject${subjects.length === 1 ? '' : 's'})\n`,
    );
    return ExitCode.success;
  }
  const count = checked.issues.length;
  io.stdout.write(`${style.red('✗')} ${source} has ${count} problem${count === 1 ? '' : 's'}:\n`);
  for (const issue of checked.issues) io.stdout.write(`  ${style.bold(issue.path)}: ${issue.message}\n`);
  return ExitCode.badInput;
}
