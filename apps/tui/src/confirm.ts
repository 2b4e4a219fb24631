import { createInterface } from 'node:readline';
import { badInput } from './exit-codes.js';
import type { CliIo } from './io.js';

/**
 * Asks on a terminal whether to go on (`y` or `yes`, any case); anything else is no. Off a terminal
 * nobody can answer, so a script must say `--yes`: it is refused rather than assumed.
 */
export async function confirmOnTerminal(io: CliIo, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!io.stdin.isTTY) throw badInput(`${question} Nobody can answer off a terminal: add --yes to go ahead.`);
  const lines = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    io.stderr.write(`${question} [y/N] `);
    const answer: string = await new Promise((resolve) => {
      lines.once('line', resolve);
      lines.once('close', () => resolve(''));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    lines.close();
  }
}
