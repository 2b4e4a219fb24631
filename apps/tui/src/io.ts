import type { OnInterrupt } from './interrupt.js';

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
