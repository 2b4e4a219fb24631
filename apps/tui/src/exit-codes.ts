import { type ApprovalView, targetMatchesSource, tryDecodeProvisionResponse } from '@ondemand/core';
/**
 * The `ondemand` command's exit codes: 0–4 as the design card fixed them (success, not provisioned,
 * bad input, sign-in or configuration, Graph or the network), 5 and up for the proxy's answers, and
 * 128 + the signal for a terminal closed or Ctrl-C. Scripts branch on these.
 */
export const ExitCode = {
  success: 0,
  /**
   * Graph answered, and the target does not match the source: Failure, or Skipped for any reason but
   * RedundantExport (not found, not in scope, not entitled). See core's `targetMatchesSource`.
   */
  notProvisioned: 1,
  /** `audit verify`: the audit log is not as its writer left it (as `ondemand-proxy audit verify`). */
  auditLogNotIntact: 1,
  /** Bad input: arguments, files, request bodies, an approval id that is not there. */
  badInput: 2,
  /** Authentication or configuration. */
  authOrConfig: 3,
  /** Graph, the proxy or the network failed. */
  graphOrNetwork: 4,
  /** The proxy refused: a role you do not hold, someone else's request to withdraw. */
  notAllowed: 5,
  /** An approver cannot review their own request. */
  ownRequest: 6,
  /** The request is no longer pending: already decided (or reviewed by you), or withdrawn. */
  alreadyDecided: 7,
  /** The request expired before enough approvers approved it. */
  expired: 8,
  /** The request was held for approval and denied. */
  denied: 9,
  /** The request was held for approval and withdrawn. */
  withdrawn: 10,
  /** The terminal closed (SIGHUP): it exits at once; a bulk run's results file says what was in flight. */
  hungUp: 129,
  /** Stopped by Ctrl-C: what was in flight finished; a held request stays pending. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Every exit code with its meaning, in one line each: `--help` and the README show this table. */
export const EXIT_CODE_TABLE: ReadonlyArray<readonly [ExitCode, string]> = [
  [ExitCode.success, 'done: the target matches the source (Success, Warning, or Skipped as RedundantExport)'],
  [
    ExitCode.notProvisioned,
    'not provisioned: Failure, or skipped (not found, not in scope); audit verify: not intact',
  ],
  [ExitCode.badInput, 'bad input: arguments, files, bodies, an approval that is not there'],
  [ExitCode.authOrConfig, 'sign-in or configuration: a secret, a key, a tenant, a CA'],
  [ExitCode.graphOrNetwork, 'Graph, the proxy or the network failed (or the answer was lost)'],
  [ExitCode.notAllowed, 'the proxy refused: a role you do not hold'],
  [ExitCode.ownRequest, 'an approver cannot review their own request'],
  [ExitCode.alreadyDecided, 'no longer pending: already decided, reviewed by you, or withdrawn'],
  [ExitCode.expired, 'the request expired before it was approved'],
  [ExitCode.denied, 'the request was denied by an approver'],
  [ExitCode.withdrawn, 'the request was withdrawn'],
  [ExitCode.hungUp, 'the terminal closed (a bulk rerun resumes from the results file)'],
  [ExitCode.interrupted, 'stopped by Ctrl-C (a held request stays pending)'],
];

/** The table as help text. */
export function exitCodeHelp(): string {
  return exitCodeLines(EXIT_CODE_TABLE);
}

/**
 * The end of a command's help: the exit codes it uses, each with the table's meaning unless the
 * command says what it means there (`[ExitCode.notProvisioned, 'verify found problems']`).
 */
export function exitCodesOf(...codes: Array<ExitCode | readonly [ExitCode, string]>): string {
  return exitCodeLines(
    codes.map((each) => {
      if (Array.isArray(each)) return each as readonly [ExitCode, string];
      const code = each as ExitCode;
      return [code, EXIT_CODE_TABLE.find(([listed]) => listed === code)![1]] as const;
    }),
  );
}

function exitCodeLines(rows: ReadonlyArray<readonly [ExitCode, string]>): string {
  return `Exit codes:\n${rows.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join('\n')}`;
}

/** A failure the user can act on: its message is printed as is (no stack) and it maps to an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Shorthand for the most common user mistake: bad input, exit 2. */
export function badInput(message: string, options?: ErrorOptions): CliError {
  return new CliError(message, ExitCode.badInput, options);
}

/** How a held request ended, as the exit code `wait` and `provision` give. */
export function exitCodeForEnd(view: ApprovalView): number {
  switch (view.state) {
    case 'completed': {
      const decoded = tryDecodeProvisionResponse(view.result?.body);
      return decoded.ok && !targetMatchesSource(decoded.value) ? ExitCode.notProvisioned : ExitCode.success;
    }
    case 'failed':
      return ExitCode.notProvisioned;
    case 'denied':
      return ExitCode.denied;
    case 'expired':
      return ExitCode.expired;
    case 'withdrawn':
      return ExitCode.withdrawn;
    default:
      return ExitCode.graphOrNetwork;
  }
}
