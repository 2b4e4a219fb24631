/**
 * The simulator's clock: the wall clock moved on by whatever `/_sim/clock` advanced it, so a test can
 * jump over a 40-minute cycle or a 6-hour quarantine back-off. Times the service counts in Graph's
 * durations (intervals, back-offs, log delays) pass `timeScale` times faster: `graphDuration`.
 */
export class SimClock {
  #offsetMs = 0;

  constructor(readonly timeScale = 1) {}

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  /** A duration as Graph counts it (40 minutes), as this clock passes it. */
  graphDuration(ms: number): number {
    return ms / this.timeScale;
  }

  reset(): void {
    this.#offsetMs = 0;
  }
}
