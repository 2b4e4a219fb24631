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
  /**
   * Written as an attempt leaves, before its answer: a row whose latest line this is was in flight
   * when the run stopped (it may have run), and its `at` says until when the window must be waited out.
   */
  sending?: true;
  details?: unknown;
  report?: unknown;
  at: string;
}

/**
 * The results file doubles as the journal: a row whose latest line has a result other than Failure
 * is finished and never sent again; a run of the same command sends the others (not yet sent, failed,
 * or not sent for an error) and appends their new lines, the latest line of a row being its result.
 * Lines are appended one at a time, each complete, so a kill loses at most the rows in flight (which
 * are sent again: Graph's answer to a repeat is a redundant-export skip).
 */
export class ResultsJournal {
  /** Rows finished: their latest line has a result other than Failure. */
  readonly finished = new Map<number, ResultLine>();

  private constructor(
    readonly path: string,
    /** Each row's latest line. */
    readonly latest: Map<number, ResultLine>,
    every: ResultLine[],
  ) {
    for (const [line, entry] of latest) if (isFinished(entry)) this.finished.set(line, entry);
    for (const entry of every) this.#saw(entry);
  }

  /** When the last attempt left (its mark, or a row's start): until when this file's calls count in Graph's window. */
  lastCallAt(): number | undefined {
    return this.#lastAt;
  }

  #lastAt: number | undefined;

  #saw(entry: ResultLine): void {
    const at = Date.parse(entry.at);
    if (Number.isFinite(at) && (this.#lastAt === undefined || at > this.#lastAt)) this.#lastAt = at;
  }

  static async open(path: string, rows: readonly BulkRow[]): Promise<ResultsJournal> {
    const latest = new Map<number, ResultLine>();
    const every: ResultLine[] = [];
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
      latest.set(entry.line, entry);
      every.push(entry);
    }
    return new ResultsJournal(path, latest, every);
  }

  async record(entry: ResultLine): Promise<void> {
    await appendFile(this.path, `${JSON.stringify(entry)}\n`);
    this.latest.set(entry.line, entry);
    this.#saw(entry);
    if (isFinished(entry)) this.finished.set(entry.line, entry);
  }
}

function isFinished(entry: ResultLine): boolean {
  return entry.result !== undefined && entry.result !== 'Failure';
}

export class JournalMismatchError extends Error {}
