/**
 * Why `text` cannot travel unchanged through JSON, UTF-8 and a database, or `undefined` when it can.
 * A lone UTF-16 surrogate has no UTF-8 bytes (it comes back as U+FFFD, so whatever hashed or compared
 * the text in memory disagrees with what was stored); a control character (U+0000–U+001F, U+007F) is in
 * no directory id, and PostgreSQL refuses U+0000 outright.
 *
 * @example unsafeCharacter('a\ud800') // 'a lone UTF-16 surrogate (\\ud800) at position 1'
 */
export function unsafeCharacter(text: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return `a control character (${codeName(code)}) at position ${index}`;
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
