import { type Key, useInput } from 'ink';
import {
  createContext,
  createElement,
  type ReactNode,
  useCallback,
  useContext,
  useLayoutEffect,
  useRef,
} from 'react';

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

type KeyHandler = (input: string, key: Key) => void;

/** Each character of a batch as its own key, to `handler`. */
function eachKey(input: string, key: Key, handler: KeyHandler): void {
  if (input.length <= 1 || [...input].length === 1) handler(input, key);
  else for (const character of input) handler(...keyOf(character));
}

const KeyRouterContext = createContext<Set<{ current: KeyHandler }> | undefined>(undefined);

/**
 * One listener for the whole UI, subscribed once, that hands each key to the parts of the screen
 * shown now. Ink's `useInput` subscribes a part's keys in a passive effect, which React runs some
 * time after it has drawn the part: a key typed in between went to the screen that was replaced (a
 * Tab meant for the subject screen opened the inbox from the app list) or to nobody. Under the router,
 * parts register in a layout effect, which runs as the frame is committed, so what is drawn is what
 * takes the keys.
 */
export function KeyRouter(props: { children: ReactNode }) {
  const handlers = useRef(new Set<{ current: KeyHandler }>()).current;
  const route = useCallback(
    (input: string, key: Key) =>
      eachKey(input, key, (one, oneKey) => {
        for (const handler of [...handlers]) handler.current(one, oneKey);
      }),
    [handlers],
  );
  useInput(route);
  return createElement(KeyRouterContext.Provider, { value: handlers }, props.children);
}

/**
 * Ink's `useInput`, one key at a time. Ink hands over keys that arrive in one read (key repeat, a
 * paste, a slow ssh link) as one string: three Backspaces as "\x7f\x7f\x7f", which a text field would
 * insert, and "jjj", which a list would not take for three moves. Here each character is its own key.
 * Inside a `KeyRouter` (the UI's screens) the keys come from the router; alone (a part rendered by
 * itself in a test), from Ink.
 */
export function useKeys(handler: KeyHandler, options: { isActive?: boolean } = {}): void {
  const router = useContext(KeyRouterContext);
  const active = options.isActive ?? true;
  const latest = useRef(handler);
  useLayoutEffect(() => {
    latest.current = handler;
  });
  useLayoutEffect(() => {
    if (!router || !active) return;
    const entry = { current: (input: string, key: Key) => latest.current(input, key) };
    router.add(entry);
    return () => {
      router.delete(entry);
    };
  }, [router, active]);
  useInput((input, key) => eachKey(input, key, handler), { isActive: !router && active });
}
