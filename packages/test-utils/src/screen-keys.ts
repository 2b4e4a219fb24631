import { until } from './until.js';

/** Waits until `frame()` matches, or fails showing what it shows. */
export function waitForFrame(
  frame: () => string | undefined,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  return until(
    `the screen shows ${pattern}`,
    () => {
      const shown = frame() ?? '';
      return pattern.test(shown) && shown;
    },
    timeoutMs,
    { everyMs: 25, shows: () => frame() ?? '' },
  );
}

/**
 * Presses a key until the screen shows `pattern`. ink-testing-library's stdin keeps one pending write
 * and loses it if Ink is between two readers when it arrives (a real terminal buffers: the built
 * command is tested end to end in tmux). Use only for keys that do nothing more once they took effect.
 */
export async function pressUntil(
  stdin: { write(data: string): void },
  frame: () => string | undefined,
  key: string,
  pattern: RegExp,
): Promise<string> {
  for (let attempt = 0; attempt < 4; attempt++) {
    stdin.write(key);
    try {
      return await waitForFrame(frame, pattern, 2_000);
    } catch {
      // pressed again
    }
  }
  return waitForFrame(frame, pattern, 1);
}
