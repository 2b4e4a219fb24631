import { appendFile, readFile } from 'node:fs/promises';
import type { BulkRow } from './bulk-rows.js';

/** One line of the results file: the row, its outcome, and the decoded answer. */
export interface ResultLine {
  line: number;
  objectId: string;
  objectTypeName: string;
  result?: string;
  errorCode?: string | null;
  action?: string | null;
  requestId?: string;
  /** When the row could not be provisioned (network, Graph refused): it is tried again on resume. */
  error?: string;
  details?: unknown;
  report?: unknown;
  at: string;
}

/**
 * The results file doubles as the journal: a row with a result in it is finished and never sent
 * again on resume. Lines are appended one at a time, each complete, so a kill loses at most the rows
 * in flight (which are sent again: Graph's answer to a repeat is a redundant-export skip).
 */
export class ResultsJournal {
  private constructor(
    readonly path: string,
    readonly finished: Map<number, ResultLine>,
  ) {}

  static async open(path: string, rows: readonly BulkRow[]): Promise<ResultsJournal> {
    const finished = new Map<number, ResultLine>();
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // A kill mid-write leaves a last line without its newline: end it, so the next entry starts clean.
    if (text !== '' && !text.endsWith('\n')) await appendFile(path, '\n');
    const byLine = new Map(rows.map((row) => [row.line, row]));
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      let entry: ResultLine;
      try {
        entry = JSON.parse(raw);
      } catch {
        continue; // A line cut short by a kill: that row runs again.
      }
      const row = byLine.get(entry.line);
      if (!row || row.objectId !== entry.objectId) {
        throw new JournalMismatchError(
          `${path} holds results of another file (line ${entry.line} is ${entry.objectId} there): give another --out, or delete it to start over`,
        );
      }
      if (entry.result !== undefined) finished.set(entry.line, entry);
    }
    return new ResultsJournal(path, finished);
  }

  async record(entry: ResultLine): Promise<void> {
    await appendFile(this.path, `${JSON.stringify(entry)}\n`);
    if (entry.result !== undefined) this.finished.set(entry.line, entry);
  }
}

export class JournalMismatchError extends Error {}
