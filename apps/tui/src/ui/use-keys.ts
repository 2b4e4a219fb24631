import { type Key, useInput } from 'ink';

export type { Key };

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

/** One character of a batch as the key it is: Backspace, Enter, Tab, Ctrl-letter, or a character. */
function keyOf(character: string): [string, Key] {
  const code = character.codePointAt(0)!;
  if (character === '\r' || character === '\n') return ['', { ...NO_KEY, return: true }];
  if (character === '\u007f' || character === '\b') return ['', { ...NO_KEY, backspace: true }];
  if (character === '\t') return ['', { ...NO_KEY, tab: true }];
  if (code < 0x20) return [String.fromCodePoint(code + 0x60), { ...NO_KEY, ctrl: true }];
  return [character, { ...NO_KEY, shift: /[A-Z]/.test(character) }];
}

/**
 * Ink's `useInput`, one key at a time. Ink hands over keys that arrive in one read (key repeat, a
 * paste, a slow ssh link) as one string: three Backspaces as "\x7f\x7f\x7f", which a text field would
 * insert, and "jjj", which a list would not take for three moves. Here each character is its own key.
 */
export function useKeys(
  handler: (input: string, key: Key) => void,
  options: { isActive?: boolean } = {},
): void {
  useInput((input, key) => {
    if (input.length <= 1 || [...input].length === 1) return handler(input, key);
    for (const character of input) handler(...keyOf(character));
  }, options);
}
