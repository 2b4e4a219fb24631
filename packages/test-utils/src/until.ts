import { setTimeout as sleep } from 'node:timers/promises';

/** What a check gives when it holds. */
type Truthy<T> = Exclude<T, false | 0 | '' | null | undefined>;

/**
 * The one way tests wait: polls `check` until it gives something truthy (state another task or
 * process changes) and resolves to it; after `timeoutMs` it fails naming `what` and, with `shows`,
 * what there was instead.
 *
 * @example const frame = await until('the result shows', () => /✓ Created/.test(screen()) && screen());
 */
export async function until<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  options: { everyMs?: number; shows?: () => string } = {},
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as Truthy<T>;
    if (Date.now() > deadline)
      throw new Error(
        `gave up waiting until ${what}${options.shows ? `; it shows:\n${options.shows()}` : ''}`,
      );
    await sleep(options.everyMs ?? 10);
  }
}
