/**
 * How many calls of one kind (unauthenticated ones) are recorded one by one in a minute: past the
 * budget they are only counted, and the next entry recorded says how many were not. Anyone can make
 * such calls without a key, and the chain keeps every entry for good: without a budget one client
 * could grow the database by megabytes a second.
 */
export class RecordBudget {
  #windowStart = Number.NEGATIVE_INFINITY;
  #recorded = 0;
  #skipped = 0;
  #skippedSince: number | undefined;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Whether to record this call; when recording, how many went unrecorded before it (and since when). */
  take(): { record: false } | { record: true; notRecordedBefore?: { count: number; since: string } } {
    const now = this.now();
    if (now - this.#windowStart >= 60_000) {
      this.#windowStart = now;
      this.#recorded = 0;
    }
    if (this.#recorded >= this.perMinute) {
      this.#skipped += 1;
      this.#skippedSince ??= now;
      return { record: false };
    }
    this.#recorded += 1;
    if (this.#skipped === 0) return { record: true };
    const notRecordedBefore = { count: this.#skipped, since: new Date(this.#skippedSince!).toISOString() };
    this.#skipped = 0;
    this.#skippedSince = undefined;
    return { record: true, notRecordedBefore };
  }
}
