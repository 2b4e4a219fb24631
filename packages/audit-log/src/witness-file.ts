import { open, readFile } from 'node:fs/promises';
import { tryJson } from '@ondemand/core';
import { type Checkpoint, checkpointSchema } from './checkpoint.js';

/**
 * An append-only file of checkpoints outside the database: the copy that a database writer cannot
 * reach. Every line is one checkpoint, synced to disk before the append resolves.
 */
export async function appendToWitness(path: string, checkpoint: Checkpoint): Promise<void> {
  const file = await open(path, 'a+', 0o640);
  try {
    // A line a stop cut short is ended first, so this checkpoint gets a line of its own.
    const { size } = await file.stat();
    const last = Buffer.alloc(1);
    if (size > 0) await file.read(last, 0, 1, size - 1);
    const lead = size > 0 && last[0] !== 0x0a ? '\n' : '';
    await file.appendFile(`${lead}${JSON.stringify(checkpoint)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * Every checkpoint in a witness file with the line it is on (`lines[i]` for `checkpoints[i]`), the
 * lines that are not one (named by number), and a last line still being written (`incomplete`).
 */
export async function readWitness(
  path: string,
): Promise<{ checkpoints: Checkpoint[]; lines: number[]; unreadable: number[]; incomplete?: number }> {
  const text = await readFile(path, 'utf8');
  const checkpoints: Checkpoint[] = [];
  const lines: number[] = [];
  const unreadable: number[] = [];
  const all = text.split('\n');
  // A last line without its newline is being appended right now (or was cut short by a stop): not a
  // checkpoint yet, and not a sign of tampering (a verify during a checkpoint read it as one).
  const partial = all.at(-1) !== '' ? all.length : undefined;
  for (const [index, line] of all.entries()) {
    if (line.trim() === '' || index + 1 === partial) continue;
    const parsed = checkpointSchema.safeParse(tryJson(line));
    if (parsed.success) {
      checkpoints.push(parsed.data);
      lines.push(index + 1);
    } else unreadable.push(index + 1);
  }
  return { checkpoints, lines, unreadable, ...(partial ? { incomplete: partial } : {}) };
}
