/** The `ondemand` command's exit codes, as DESIGN.md fixes them; scripts branch on these. */
export const ExitCode = {
  success: 0,
  /** The provisioning itself failed (Graph answered, the result is Failure). */
  provisioningFailed: 1,
  /** Bad input: arguments, files, request bodies. */
  badInput: 2,
  /** Authentication or configuration. */
  authOrConfig: 3,
  /** Graph or the network failed. */
  graphOrNetwork: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

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
