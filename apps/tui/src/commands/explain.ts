import { decodeProvisionResponse, ResponseDecodeError } from '@ondemand/core';
import { badInput, ExitCode } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseJsonInput } from '../json-input.js';
import { parseArgs } from '../parse-args.js';
import { readInput } from '../read-input.js';
import { renderReportText } from '../render/report-text.js';
import { styleFor } from '../style.js';

export const explainUsage = `Usage: ondemand explain [FILE|-] [--json] [--details]

Reads a provisionOnDemand answer (from Graph, Graph Explorer, PowerShell's ConvertTo-Json, or a
saved HTTP response) and prints what happened: the outcome, each step, and the modified properties.

Options:
  --json      print the decoded { result, details, report } as JSON
  --details   print every step's details (by default only for steps that did not succeed)
  -h, --help  show this help

Examples:
  ondemand explain response.json
  pbpaste | ondemand explain --json | jq .report.provisioningSteps
Exit codes: 0 decoded and the result is not Failure, 1 the result is Failure, 2 the input is not an answer.`;

/** `ondemand explain`: decode an answer and print it readably. */
export async function explainCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { json: { type: 'boolean' }, details: { type: 'boolean' } }, explainUsage, {
    maxPositionals: 1,
  });
  if (args.help) {
    io.stdout.write(`${explainUsage}\n`);
    return ExitCode.success;
  }
  const { text, source } = await readInput(args.positionals[0], io, explainUsage);
  const body = parseJsonInput(text, source, 'response');
  let decoded: ReturnType<typeof decodeProvisionResponse>;
  try {
    decoded = decodeProvisionResponse(body);
  } catch (error) {
    if (error instanceof ResponseDecodeError) {
      throw badInput(`${source} is not a provisionOnDemand answer: ${error.message}`, { cause: error });
    }
    throw error;
  }
  if (args.values.json) {
    io.stdout.write(
      `${JSON.stringify({ result: decoded.result, details: decoded.details, report: decoded.report, reports: decoded.reports, shape: decoded.shape }, null, 2)}\n`,
    );
  } else {
    io.stdout.write(
      renderReportText(decoded, {
        style: styleFor(io),
        allDetails: args.values.details === true,
        width: io.stdout.columns,
      }),
    );
  }
  return decoded.result === 'Failure' ? ExitCode.provisioningFailed : ExitCode.success;
}
