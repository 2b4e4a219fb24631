import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFile, open, readFile, truncate } from 'node:fs/promises';
import { canonicalJson } from '@ondemand/audit-log';

/** A line of the file that is not kept: where, why, and its text (copied to `PATH.refused`). */
export type RefusedLine = { line: number; why: string; text: string };

/** What the file holds: the values it can vouch for, and the lines it cannot. */
export interface SealedLines<T> {
  values: Array<{ line: number; value: T }>;
  refused: RefusedLine[];
}

/**
 * A local file of JSON lines, each synced to disk before `append` resolves, for what the proxy must
 * not lose while its store is away. What the file holds is not believed as it stands, since whoever
 * can write its folder could add to it: each line carries a MAC under a key that is not kept beside
 * it (derived from the audit signing key; without one, lines carry none and only the reader's own
 * checks guard them). Each line starts on a new line, so one torn by a crash is refused, never
 * joined to the next. Work on the file is serial. (Hand-written: no library keeps a MAC'd, synced
 * append-only line file, and this is sixty lines.)
 */
export class SealedLineFile<T extends object> {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly macKey?: Buffer,
  ) {}

  /** Appends a value and syncs it to disk. */
  append(value: T): Promise<void> {
    return this.serial(async () => {
      const file = await open(this.path, 'a', 0o600);
      try {
        // The leading newline ends a line a crash may have cut off, so this one stands alone.
        await file.appendFile(`\n${JSON.stringify({ value, mac: this.#mac(value) })}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
    });
  }

  /** Reads every line: the values whose MAC holds, and the lines refused with why. */
  async read(): Promise<SealedLines<T>> {
    const read: SealedLines<T> = { values: [], refused: [] };
    for (const { line, text } of await this.#lines()) {
      const value = this.#value(text);
      if (typeof value === 'string') read.refused.push({ line, why: value, text });
      else read.values.push({ line, value });
    }
    return read;
  }

  /** Empties the file, copying `refused` lines to `PATH.refused` for whoever looks into it. */
  async clear(refused: RefusedLine[] = []): Promise<void> {
    if (refused.length > 0)
      await appendFile(`${this.path}.refused`, refused.map((each) => `${each.text}\n`).join(''), {
        mode: 0o600,
      });
    await truncate(this.path, 0).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  /** Runs `work` after every earlier piece of work on the file. */
  serial<R>(work: () => Promise<R>): Promise<R> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => {});
    return run;
  }

  #mac(value: T): string | undefined {
    return this.macKey && createHmac('sha256', this.macKey).update(canonicalJson(value)).digest('base64');
  }

  /** A line's value as the proxy wrote it, or why it is not one. */
  #value(text: string): T | string {
    let parsed: { value?: T; entry?: T; mac?: unknown };
    try {
      parsed = JSON.parse(text);
    } catch {
      // A line cut off by a crash mid-write: it never synced, so nobody was told it was kept.
      return 'it is not a whole line (cut off by a crash?)';
    }
    // Files written before this module held the value under `entry`.
    const value = parsed?.value ?? parsed?.entry;
    if (!value || typeof value !== 'object') return 'it holds no value';
    if (this.macKey) {
      const expected = Buffer.from(this.#mac(value)!, 'base64');
      const given = Buffer.from(typeof parsed.mac === 'string' ? parsed.mac : '', 'base64');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return 'its MAC is not one this proxy made';
    }
    return value;
  }

  async #lines(): Promise<Array<{ line: number; text: string }>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return text
      .split('\n')
      .map((line, index) => ({ line: index + 1, text: line }))
      .filter((line) => line.text.trim() !== '');
  }
}
