import { describe, expect, it } from 'vitest';
import { runPool } from './worker-pool.js';

describe('runPool', () => {
  it('does every item with at most `workers` under way, and each once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await runPool([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      done.push(item);
      running -= 1;
    });
    expect(most).toBe(3);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('takes no new item once stopped; those under way finish', async () => {
    const done: number[] = [];
    let stop = false;
    await runPool(
      [1, 2, 3, 4],
      1,
      async (item) => {
        done.push(item);
        if (item === 2) stop = true;
      },
      () => stop,
    );
    expect(done).toEqual([1, 2]);
  });
});
