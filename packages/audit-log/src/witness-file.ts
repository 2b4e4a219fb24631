import { open, readFile } from 'node:fs/promises';
import { tryJson } from '@ondemand/core';
import { type Checkpoint, checkpointSchema } from './checkpoint.js';

/**
 * An append-only file of checkpoints outside the database: the copy that a database writer cannot
 * reach. Every line is one checkpoint, synced to disk before the append resolves.
 */
export async function appendToWitness(path: string, checkpoint: Checkpoint): Promise<void> {
  const file = await open(path, 'a', 0o640);
  try {
    await file.appendFile(`${JSON.stringify(checkpoint)}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * Every checkpoint in a witness file with the line it is on (`lines[i]` for `checkpoints[i]`), and the
 * lines that are not one (named by number).
 */
export async function readWitness(
  path: string,
): Promise<{ checkpoints: Checkpoint[]; lines: number[]; unreadable: number[] }> {
  const text = await readFile(path, 'utf8');
  const checkpoints: Checkpoint[] = [];
  const lines: number[] = [];
  const unreadable: number[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const parsed = checkpointSchema.safeParse(tryJson(line));
    if (parsed.success) {
      checkpoints.push(parsed.data);
      lines.push(index + 1);
    } else unreadable.push(index + 1);
  }
  return { checkpoints, lines, unreadable };
}
