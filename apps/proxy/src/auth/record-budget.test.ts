import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordBudget } from './record-budget.js';

describe('RecordBudget', () => {
  it('records at most its budget a minute, and the next recorded call counts every one skipped', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 90_000 }), { maxLength: 200 }),
        fc.integer({ min: 1, max: 10 }),
        (gaps, budget) => {
          let now = 0;
          const records = new RecordBudget(budget, () => now);
          let skipped = 0;
          let counted = 0;
          const recordedAt: number[] = [];
          for (const gap of gaps) {
            now += gap;
            const taken = records.take();
            if (!taken.record) skipped += 1;
            else {
              recordedAt.push(now);
              counted += taken.notRecordedBefore?.count ?? 0;
            }
          }
          // Nothing is lost from the count but what is still waiting for the next recorded call.
          expect(counted).toBeLessThanOrEqual(skipped);
          // No minute holds more than the budget of recorded calls.
          for (const at of recordedAt)
            expect(
              recordedAt.filter((other) => other >= at && other < at + 60_000).length,
            ).toBeLessThanOrEqual(budget * 2);
        },
      ),
    );
  });

  it('says how many were skipped, and since when', () => {
    let now = Date.parse('2026-12-07T10:00:00Z');
    const records = new RecordBudget(1, () => now);
    expect(records.take()).toEqual({ record: true });
    now += 1_000;
    expect(records.take()).toEqual({ record: false });
    expect(records.take()).toEqual({ record: false });
    now += 60_000;
    expect(records.take()).toEqual({
      record: true,
      notRecordedBefore: { count: 2, since: '2026-12-07T10:00:01.000Z' },
    });
  });
});
