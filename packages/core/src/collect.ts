/** Gathers an async iterable's items into an array, stopping after `max` (a list page for a UI). */
export async function collect<T>(items: AsyncIterable<T>, max = Number.POSITIVE_INFINITY): Promise<T[]> {
  const gathered: T[] = [];
  if (max <= 0) return gathered;
  for await (const item of items) {
    gathered.push(item);
    if (gathered.length >= max) break;
  }
  return gathered;
}
