import { open, readFile, truncate } from 'node:fs/promises';
import type { AuditFields } from '@ondemand/audit-log';

/**
 * Outcome entries the store could not take when Graph had answered, kept in a local file (synced
 * to disk) until it can. The caller already has Graph's answer, so this outcome must not be lost;
 * each request has one outcome, so a flush skips the ones the store already holds.
 */
export class OutcomeSpool {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Keeps an outcome on this machine's disk. */
  keep(fields: AuditFields): Promise<void> {
    return this.#serial(async () => {
      const file = await open(this.path, 'a', 0o640);
      try {
        await file.appendFile(`${JSON.stringify(fields)}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
    });
  }

  /**
   * Hands what is kept to `write` (those whose request has no outcome yet) and empties the file;
   * if `write` fails, everything stays for the next flush. Resolves to how many were written.
   */
  flush(
    write: (entries: AuditFields[]) => Promise<void>,
    alreadyRecorded: (requestIds: string[]) => Promise<Set<string>>,
  ): Promise<number> {
    return this.#serial(async () => {
      const kept = await this.#read();
      if (kept.length === 0) return 0;
      const recorded = await alreadyRecorded(kept.map((fields) => fields.requestId));
      const missing = kept.filter((fields) => !recorded.has(fields.requestId));
      if (missing.length > 0)
        await write(missing.map((fields) => ({ ...fields, detail: { ...fields.detail, spooled: true } })));
      await truncate(this.path, 0);
      return missing.length;
    });
  }

  async #read(): Promise<AuditFields[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    // A line cut off by a crash mid-write is the only kind that does not parse: it never synced.
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as AuditFields];
        } catch {
          return [];
        }
      });
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => {});
    return run;
  }
}
