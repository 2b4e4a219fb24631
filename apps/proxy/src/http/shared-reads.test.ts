import { describe, expect, it } from 'vitest';
import { SharedReads } from './shared-reads.js';

describe('SharedReads', () => {
  it('reads once per key and stamp, and again when the stamp moves', async () => {
    const reads = new SharedReads<number>();
    let count = 0;
    const read = async () => ++count;
    const same = await Promise.all(Array.from({ length: 50 }, () => reads.read('page', 's1', read)));
    expect(new Set(same)).toEqual(new Set([1]));
    expect(await reads.read('other', 's1', read)).toBe(2);
    expect(await reads.read('page', 's2', read)).toBe(3);
  });

  it('does not keep a failed read: the next ask reads again', async () => {
    const reads = new SharedReads<number>();
    await expect(reads.read('page', 's1', () => Promise.reject(new Error('away')))).rejects.toThrow('away');
    expect(await reads.read('page', 's1', async () => 7)).toBe(7);
  });

  it('keeps at most maxKeys keys', async () => {
    const reads = new SharedReads<number>(2);
    let count = 0;
    const read = async () => ++count;
    await reads.read('a', 's', read);
    await reads.read('b', 's', read);
    await reads.read('c', 's', read);
    expect(await reads.read('a', 's', read)).toBe(4);
  });
});
