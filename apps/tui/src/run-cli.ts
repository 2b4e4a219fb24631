import { TransportError } from '@ondemand/transport';
import { bulkCommand, bulkUsage } from './commands/bulk.js';
import { explainCommand, explainUsage } from './commands/explain.js';
import { jobsCommand, jobsUsage } from './commands/jobs.js';
import { provisionCommand, provisionUsage } from './commands/provision.js';
import { rulesCommand, rulesUsage } from './commands/rules.js';
import { validateCommand, validateUsage } from './commands/validate.js';
import { CliError, ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';

type Command = { run: (argv: string[], io: CliIo) => Promise<number>; summary: string; usage: string };

const commands: Record<string, Command> = {
  provision: {
    run: provisionCommand,
    usage: provisionUsage,
    summary: 'provision one user, group or AD user now and print every step',
  },
  jobs: { run: jobsCommand, usage: jobsUsage, summary: 'list apps with provisioning jobs' },
  bulk: {
    run: bulkCommand,
    usage: bulkUsage,
    summary: "provision every subject of a CSV or NDJSON file at the limit's pace, resumably",
  },
  rules: { run: rulesCommand, usage: rulesUsage, summary: "list a job's rule ids (source → target)" },
  explain: {
    run: explainCommand,
    usage: explainUsage,
    summary: 'print a provisionOnDemand answer readably (steps, changes, outcome)',
  },
  validate: {
    run: validateCommand,
    usage: validateUsage,
    summary: 'check a provisionOnDemand request body; exit 2 with every problem',
  },
};

export const mainUsage = `Usage: ondemand <command> [options]

Provision one user or group on demand through Microsoft Graph, and see every step of what happened.

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Run "ondemand <command> --help" for a command's options and examples.
Exit codes: 0 success, 1 provisioning failed, 2 bad input, 3 auth/config, 4 Graph or network error.`;

/**
 * Runs the `ondemand` command and returns its exit code. This is the one place where errors become
 * exit codes and messages: a user's mistake prints its message, never a stack.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${mainUsage}\n`);
    return name === undefined ? ExitCode.badInput : ExitCode.success;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`ondemand: unknown command "${name}"\n\n${mainUsage}\n`);
    return ExitCode.badInput;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`ondemand ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof TransportError) {
      io.stderr.write(`ondemand ${name}: ${error.message}\n`);
      return exitCodeFor(error);
    }
    io.stderr.write(
      `ondemand ${name}: unexpected error, please report it: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    return ExitCode.graphOrNetwork;
  }
}

/** Transport failures as exit codes: config and sign-in 3, a refused body 2, Graph and network 4. */
export function exitCodeFor(error: TransportError): number {
  switch (error.code) {
    case 'config':
    case 'auth':
      return ExitCode.authOrConfig;
    case 'validation':
      return ExitCode.badInput;
    default:
      return ExitCode.graphOrNetwork;
  }
}
