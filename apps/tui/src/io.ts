/**
 * Registers what to do on Ctrl-C (SIGINT) or SIGTERM while a command winds down by itself; gives
 * back the call that removes it (the process's own is in `interrupt.ts`).
 */
export type OnInterrupt = (handler: () => void) => () => void;

/** What a command may touch: passed in, so tests run commands in-process with their own streams. */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Ctrl-C and SIGTERM, for a command that stops by itself (see `interrupt.ts`); absent in tests that do not interrupt. */
  onInterrupt?: OnInterrupt;
}
