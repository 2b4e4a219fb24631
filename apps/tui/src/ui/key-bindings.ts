import type { Key } from './use-keys.js';

/**
 * One key of a screen: what its help bar shows and what it does. A screen's help bar is its list of
 * bindings, so what is listed is what works, and nothing that works is left out.
 */
export interface KeyBinding {
  /** As the help bar shows it: `q`, `Esc`, `Tab`, `Ctrl-C`, `↑↓`. */
  keys: string;
  action: string;
  /** What the key does; none when a part of the screen (a list, a text field) takes the key itself. */
  run?: () => void;
  /**
   * Works without being listed: Ctrl-C where `q quit` is listed, and a key the proxy would refuse here
   * (approving your own request), which says why instead of doing it.
   */
  hidden?: boolean;
}

/** Where a screen's keys lead: App's transitions, given to each screen. */
export interface Navigation {
  /** Esc: one step back, to where this screen was reached from. */
  back: () => void;
  /** What Esc does here, for the help bar: `back`, or `other connection` from the first place. */
  backLabel: string;
  /** Leaves the UI, closing what is open; `interrupt` for Ctrl-C (the command then exits 130). */
  quit: (how?: 'interrupt') => void;
  /** The proxy's approvals and audit screens, when connected through the proxy. */
  proxy?: { approvals: () => void; audit: () => void };
  /** Rows a screen's list may take: what the terminal leaves after the frame (status, title, help). */
  listRows?: number;
}

/** Whether a key pressed is the binding's key, read from the label the help bar shows. */
export function matches(binding: KeyBinding, input: string, key: Key): boolean {
  switch (binding.keys) {
    case 'Esc':
      return key.escape;
    case 'Tab':
      return key.tab;
    case 'Enter':
      return key.return;
    case 'Ctrl-C':
      return key.ctrl && input === 'c';
    default:
      return [...binding.keys].length === 1 && input === binding.keys && !key.ctrl && !key.meta;
  }
}

/** What the help bar lists: every binding but the hidden ones, as `[keys, action]`. */
export function helpKeys(bindings: readonly KeyBinding[]): Array<[string, string]> {
  return bindings.filter((binding) => !binding.hidden).map((binding) => [binding.keys, binding.action]);
}

/** A key that a part of the screen takes itself (a list's ↑↓ and Enter), listed for the help bar. */
export function shown(keys: string, action: string): KeyBinding {
  return { keys, action };
}

export function bind(keys: string, action: string, run: () => void): KeyBinding {
  return { keys, action, run };
}

/** ↑↓ and Enter, which the screen's list takes. */
export const MOVE_AND_PICK: readonly KeyBinding[] = [shown('↑↓', 'move'), shown('Enter', 'pick')];

/** The proxy's screens (i, u), where letters are commands and the connection is a proxy. */
export function proxyBindings(nav: Navigation): KeyBinding[] {
  return nav.proxy ? [bind('i', 'approvals', nav.proxy.approvals), bind('u', 'audit', nav.proxy.audit)] : [];
}

/**
 * Quitting: `q`, or Ctrl-C on screens where letters are typed into a field (it works everywhere).
 * Ctrl-C tells `quit` it was an interrupt, so the command exits 130 as the exit-code table says.
 */
export function quitBindings(
  quit: (how?: 'interrupt') => void,
  options: { typing: boolean; action?: string },
): KeyBinding[] {
  const action = options.action ?? 'quit';
  const interrupt = bind('Ctrl-C', action, () => quit('interrupt'));
  return options.typing ? [interrupt] : [bind('q', action, () => quit()), { ...interrupt, hidden: true }];
}
