/**
 * Why `text` cannot travel unchanged through JSON, UTF-8 and a database, or `undefined` when it can.
 * A lone UTF-16 surrogate has no UTF-8 bytes (it comes back as U+FFFD, so whatever hashed or compared
 * the text in memory disagrees with what was stored); a control character (C0 U+0000–U+001F, DEL and
 * C1 U+007F–U+009F) is in no directory id, PostgreSQL refuses U+0000 outright, and terminals act on C1.
 *
 * @example unsafeCharacter('a\ud800') // 'a lone UTF-16 surrogate (\\ud800) at position 1'
 */
export function unsafeCharacter(text: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // C1 (U+0080–U+009F) as well as C0: xterm- and VTE-based terminals act on 0x9B (CSI) and 0x9D (OSC).
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f))
      return `a control character (${codeName(code)}) at position ${index}`;
    if (code < 0xd800 || code > 0xdfff) continue;
    const next = text.charCodeAt(index + 1);
    if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      index += 1;
      continue;
    }
    return `a lone UTF-16 surrogate (\\u${code.toString(16)}) at position ${index}`;
  }
  return undefined;
}

function codeName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
