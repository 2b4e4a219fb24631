import type { CliIo } from './io.js';

/** Whether a person is at a terminal (both ends): screens then, text for pipes and files. */
export function onTerminal(io: Pick<CliIo, 'stdin' | 'stdout'>): boolean {
  return io.stdin.isTTY === true && io.stdout.isTTY === true;
}
