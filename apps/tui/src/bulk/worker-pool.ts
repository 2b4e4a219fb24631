/**
 * Runs `work` over `items` with `workers` of them at a time, in order of the list, until every item
 * is done or `stopped()` says to stop taking new ones (those under way finish). The pace is set
 * elsewhere (the rate limiter): the workers only bound how many wait for it at once.
 */
export async function runPool<T>(
  items: readonly T[],
  workers: number,
  work: (item: T) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(workers, queue.length)) }, async () => {
      for (let item = queue.shift(); item !== undefined && !stopped(); item = queue.shift()) await work(item);
    }),
  );
}
