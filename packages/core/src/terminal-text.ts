/**
 * Characters that make a terminal (or a reader) do something other than show text: C0 controls
 * (ESC starts CSI/OSC sequences such as `ESC[2J`, clear the screen, and OSC 52, write the clipboard;
 * CR, BS and TAB move the cursor and can hide what was written before them), DEL, C1 controls (U+0080–
 * U+009F: 0x9B is a one-byte CSI, 0x9D a one-byte OSC), bidirectional controls (U+061C, U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069: they make text read in an order other than it is stored), and lone
 * surrogates (no character at all).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu;

/**
 * Text from outside (Graph, a requester, a directory, a file) made safe to print on a terminal or show
 * in a page: every character that could drive the terminal or reorder the text is shown as a visible
 * escape (`\u001b`), so an auditor sees that it was there and nothing acts on it. Everything else,
 * other scripts and emoji included, is left as it is. The one sanitiser every output path uses.
 *
 * @example terminalText('a\u001b]52;c;SGVsbG8=\u0007b') // 'a\\u001b]52;c;SGVsbG8=\\u0007b'
 */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A value read from outside with every string in it passed through {@link terminalText}, keys
 * included: for views (an audit entry, an approval) whose fields are printed one by one.
 */
export function terminalSafe<T>(value: T): T {
  if (typeof value === 'string') return terminalText(value) as T;
  if (Array.isArray(value)) return value.map((element) => terminalSafe(element)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(
      Object.entries(value).map(([key, element]) => [terminalText(key), terminalSafe(element)]),
    ) as T;
  return value;
}
