import type { HeldRequestNotRunError, ProxyRefusedError, TransportError } from '@ondemand/transport';
import { CliError, ExitCode, exitCodeForEnd, exitCodeHelp } from './exit-codes.js';
import type { CliIo } from './io.js';
import { wrapHelp } from './render/wrap-help.js';

type Command = { load: () => Promise<(argv: string[], io: CliIo) => Promise<number>>; summary: string };

// Commands load on use: `ondemand explain` should not pay for Graph's client, MSAL, Ink or React.
const commands: Record<string, Command> = {
  provision: {
    load: async () => (await import('./commands/provision.js')).provisionCommand,
    summary: 'provision one user, group or AD user now and print every step',
  },
  why: {
    load: async () => (await import('./commands/why.js')).whyCommand,
    summary: "why isn't this person in that app: assignment, scope, job, logs, what to do",
  },
  onboard: {
    load: async () => (await import('./commands/onboard.js')).onboardCommand,
    summary: 'a user into every app they are assigned to, or a group and its members into one',
  },
  logs: {
    load: async () => (await import('./commands/logs.js')).logsCommand,
    summary: 'provisioning logs: what each cycle and call did to each object, and why',
  },
  jobs: {
    load: async () => (await import('./commands/jobs.js')).jobsCommand,
    summary: 'apps with provisioning jobs; their health (status, watch) and actions',
  },
  rules: {
    load: async () => (await import('./commands/rules.js')).rulesCommand,
    summary: "list a job's rule ids (source → target)",
  },
  users: {
    load: async () => (await import('./commands/directory.js')).directoryCommand('users'),
    summary: 'find users by name, with the object ids --user and bulk files take',
  },
  groups: {
    load: async () => (await import('./commands/directory.js')).directoryCommand('groups'),
    summary: 'find groups by name, with the object ids --group takes',
  },
  members: {
    load: async () => (await import('./commands/directory.js')).directoryCommand('members'),
    summary: "a group's members, with the object ids --member takes",
  },
  bulk: {
    load: async () => (await import('./commands/bulk.js')).bulkCommand,
    summary: "provision every subject of a CSV or NDJSON file at the limit's pace, resumably",
  },
  explain: {
    load: async () => (await import('./commands/explain.js')).explainCommand,
    summary: 'print a provisionOnDemand answer readably (steps, changes, outcome)',
  },
  approvals: {
    load: async () => (await import('./commands/approvals.js')).approvalsCommand,
    summary:
      'requests held for approval: list (on a terminal, the inbox), show, approve, deny, withdraw, wait',
  },
  audit: {
    load: async () => (await import('./commands/audit.js')).auditCommand,
    summary: "the proxy's audit log: read, follow, verify",
  },
  validate: {
    load: async () => (await import('./commands/validate.js')).validateCommand,
    summary: 'check a provisionOnDemand request body; exit 2 with every problem',
  },
};

export const mainUsage = `Usage: ondemand [--simulate | connection flags]     the interactive UI (on a terminal)
       ondemand <command> [options]

Provision one user or group on demand through Microsoft Graph, and see every step of what happened.

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join('\n')}

Run "ondemand <command> --help" for a command's options and examples.
${exitCodeHelp()}`;

/**
 * Runs the `ondemand` command and returns its exit code. This is the one place where errors become
 * exit codes and messages: a user's mistake prints its message, never a stack.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${wrapHelp(mainUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
    return ExitCode.success;
  }
  if (name === undefined || name.startsWith('-')) {
    // No command: the interactive UI on a terminal (connection flags, if any, connect it at once).
    if (name === undefined && !(io.stdin as { isTTY?: boolean }).isTTY) {
      io.stdout.write(`${wrapHelp(mainUsage, io.stdout.isTTY ? io.stdout.columns : undefined)}\n`);
      return ExitCode.badInput;
    }
    return runGuarded('ondemand', io, async () => {
      const [{ interactiveCommand }, { connectionOptions }, { parseArgs }] = await Promise.all([
        import('./commands/interactive.js'),
        import('./connection.js'),
        import('./parse-args.js'),
      ]);
      return interactiveCommand(
        parseArgs(argv, connectionOptions, mainUsage, { maxPositionals: 0 }).values,
        io,
      );
    });
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`ondemand: unknown command "${name}"\n\n${mainUsage}\n`);
    return ExitCode.badInput;
  }
  return runGuarded(`ondemand ${name}`, io, async () => (await command.load())(rest, io));
}

/** The one place where errors become messages and exit codes: a user's mistake never shows a stack. */
async function runGuarded(prefix: string, io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`${prefix}: ${error.message}\n`);
      return error.exitCode;
    }
    if (isTransportError(error)) {
      io.stderr.write(`${prefix}: ${error.message}\n`);
      return exitCodeFor(error);
    }
    io.stderr.write(
      `${prefix}: unexpected error, please report it: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    return ExitCode.graphOrNetwork;
  }
}

function isTransportError(error: unknown): error is TransportError {
  return error instanceof Error && typeof (error as TransportError).code === 'string' && 'details' in error;
}

/**
 * Transport failures as exit codes: config and sign-in 3, a refused body 2, the proxy's refusals and
 * a held request's end each their own, Graph and network 4.
 */
export function exitCodeFor(error: TransportError): number {
  // By name, not instanceof: the transport is loaded only by the commands that talk to Graph.
  if (error.name === 'ProxyRefusedError') return refusalExitCode(error as ProxyRefusedError);
  if (error.name === 'HeldRequestNotRunError')
    return exitCodeForEnd((error as HeldRequestNotRunError).approval);
  switch (error.code) {
    case 'config':
    case 'auth':
      return ExitCode.authOrConfig;
    case 'validation':
      return ExitCode.badInput;
    case 'aborted':
      return ExitCode.interrupted;
    default:
      return ExitCode.graphOrNetwork;
  }
}

function refusalExitCode(error: ProxyRefusedError): number {
  switch (error.reason) {
    case 'self_review':
      return ExitCode.ownRequest;
    case 'decided':
    case 'duplicate':
      return ExitCode.alreadyDecided;
    case 'expired':
      return ExitCode.expired;
    case 'not_found':
      return ExitCode.badInput;
    default:
      return error.status === 404 ? ExitCode.badInput : ExitCode.notAllowed;
  }
}
