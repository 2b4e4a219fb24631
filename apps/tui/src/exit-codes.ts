/** The `ondemand` command's exit codes, as DESIGN.md fixes them (0–4) and extends them; scripts branch on these. */
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
  return `Exit codes:\n${EXIT_CODE_TABLE.map(([code, meaning]) => `  ${String(code).padStart(3)}  ${meaning}`).join('\n')}`;
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
