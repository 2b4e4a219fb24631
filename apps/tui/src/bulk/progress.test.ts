import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BulkProgress } from './progress.js';

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-07T10:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('BulkProgress', () => {
  it('counts by outcome, earlier runs’ rows included in the total', () => {
    const progress = new BulkProgress(10, 4, 5 / 10_000);
    progress.count('Success');
    progress.count('Skipped');
    expect(progress.line(10)).toMatch(/^\[█{6}·{4}\] 6\/10 {2}60% {2}Success 1 · Skipped 1 {2}ETA /);
  });

  it('takes the limit’s pace until rows go slower, then the pace seen', () => {
    const progress = new BulkProgress(12, 0, 5 / 10_000);
    // 12 rows at 5 per 10 s: 24 s.
    expect(progress.etaMs()).toBe(24_000);
    vi.advanceTimersByTime(6_000);
    progress.count('Success');
    // One row in 6 s is slower than the limit: 11 rows more at that pace.
    expect(progress.etaMs()).toBe(66_000);
  });

  it('moves while a row waits for the rate window: the line redrawn a second later is not the same', () => {
    const progress = new BulkProgress(6, 0, 5 / 10_000);
    for (let row = 0; row < 5; row++) progress.count('Success');
    vi.advanceTimersByTime(1_000);
    const waiting = progress.line();
    vi.advanceTimersByTime(9_000);
    const later = progress.line();
    expect(later).not.toBe(waiting);
    expect(later).toMatch(/ETA 2s$/);
  });
});
