import { formatDuration } from '../render/text.js';
/** Counts by outcome, and the progress line that shows them. */
export class BulkProgress {
  readonly counts = new Map<string, number>();
  done = 0;
  readonly #started = Date.now();

  constructor(
    readonly total: number,
    readonly alreadyDone: number,
    /** Rows per millisecond the limit allows (5 per 10 000 ms by default). */
    readonly pacePerMs: number,
  ) {}

  count(outcome: string): void {
    this.done += 1;
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }

  /**
   * Milliseconds left: the later of when the limit lets this run's rows finish (counted from its
   * start, so it counts down while a row waits for the rate window) and the pace seen so far.
   */
  etaMs(): number {
    const thisRun = this.total - this.alreadyDone;
    const remaining = thisRun - this.done;
    if (remaining <= 0) return 0;
    const elapsed = Date.now() - this.#started;
    const byLimit = thisRun / this.pacePerMs - elapsed;
    const bySeen = this.done > 0 ? remaining * (elapsed / this.done) : 0;
    return Math.round(Math.max(byLimit, bySeen, 0));
  }

  /** `[██████······] 120/200  60%  Success 80 · Skipped 38 · Failure 2  ETA 2m40s` */
  line(width = 24): string {
    const finished = this.alreadyDone + this.done;
    const share = this.total === 0 ? 1 : finished / this.total;
    const filled = Math.round(share * width);
    const counts =
      [...this.counts].map(([outcome, count]) => `${outcome} ${count}`).join(' · ') || 'starting';
    return `[${'█'.repeat(filled)}${'·'.repeat(width - filled)}] ${finished}/${this.total}  ${Math.floor(share * 100)}%  ${counts}  ETA ${formatDuration(this.etaMs())}`;
  }
}
