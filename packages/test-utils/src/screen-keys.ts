import { setTimeout as sleep } from 'node:timers/promises';

/** Waits until `frame()` matches, or fails showing what it shows. */
export async function waitForFrame(
  frame: () => string | undefined,
  pattern: RegExp,
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const shown = frame() ?? '';
    if (pattern.test(shown)) return shown;
    await sleep(25);
  }
  throw new Error(`never showed ${pattern}; shows:\n${frame()}`);
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
