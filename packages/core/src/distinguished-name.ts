/**
 * Active Directory distinguished names (RFC 4514), as cloud sync takes them for `objectId`.
 * Written by hand because the only job is splitting on unescaped separators and undoing escapes;
 * the LDAP libraries that do this pull in a whole client.
 */

/** One `type=value` pair of a distinguished name, with the value unescaped. */
export interface RelativeDistinguishedName {
  type: string;
  value: string;
}

export type ParseDistinguishedNameResult =
  | { ok: true; value: RelativeDistinguishedName[] }
  | { ok: false; error: string };

const attributeType = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;
const hexPair = /^[0-9A-Fa-f]{2}$/;

/**
 * Parses `CN=Smith\, John,OU=Sales,DC=corp,DC=com` into its parts, honouring `\,` and `\2C` escapes.
 *
 * @example parseDistinguishedName('CN=AdeleV,CN=Users,DC=corp,DC=com')
 */
export function parseDistinguishedName(text: string): ParseDistinguishedNameResult {
  if (text.trim() === '') return { ok: false, error: 'a distinguished name cannot be empty' };
  const parts: RelativeDistinguishedName[] = [];
  let index = 0;
  while (index <= text.length) {
    const equals = text.indexOf('=', index);
    if (equals === -1) {
      return { ok: false, error: `"${text.slice(index)}" has no "=": each part must look like CN=Name` };
    }
    const type = text.slice(index, equals).trim();
    if (!attributeType.test(type)) {
      return { ok: false, error: `"${type}" is not an attribute type (expected CN, OU, DC, …)` };
    }
    const bytes: number[] = [];
    // Unescaped spaces around a value are not part of it; escaped ones are (RFC 4514 §3).
    let significantLength = 0;
    let cursor = equals + 1;
    let ended = false;
    while (cursor < text.length && !ended) {
      const char = text[cursor]!;
      if (char === '\\') {
        const next2 = text.slice(cursor + 1, cursor + 3);
        if (hexPair.test(next2)) {
          bytes.push(Number.parseInt(next2, 16));
          cursor += 3;
        } else if (cursor + 1 < text.length) {
          const codePoint = text.codePointAt(cursor + 1)!;
          pushUtf8(bytes, codePoint);
          cursor += codePoint > 0xffff ? 3 : 2;
        } else {
          return { ok: false, error: 'the name ends with a lone "\\": escape it as "\\\\"' };
        }
        significantLength = bytes.length;
      } else if (char === ',' || char === ';' || char === '+') {
        ended = true;
        cursor += 1;
      } else if (char === ' ' && bytes.length === 0) {
        cursor += 1;
      } else {
        const codePoint = text.codePointAt(cursor)!;
        pushUtf8(bytes, codePoint);
        cursor += codePoint > 0xffff ? 2 : 1;
        if (char !== ' ') significantLength = bytes.length;
      }
    }
    const value = new TextDecoder().decode(new Uint8Array(bytes.slice(0, significantLength)));
    if (value === '') return { ok: false, error: `${type}= has no value` };
    parts.push({ type, value });
    if (!ended) break;
    index = cursor;
    if (index >= text.length) return { ok: false, error: 'the name ends with a separator' };
  }
  return { ok: true, value: parts };
}

/** Writes parts back as a distinguished name, escaping what RFC 4514 requires. */
export function formatDistinguishedName(parts: readonly RelativeDistinguishedName[]): string {
  return parts.map((part) => `${part.type}=${escapeValue(part.value)}`).join(',');
}

/**
 * Whether `text` is meant as a distinguished name rather than an object id (a GUID or worker id):
 * it starts like one (`CN=`). Whether it is a good one is {@link distinguishedNameProblem}'s to say.
 */
export function looksLikeDistinguishedName(text: string): boolean {
  return /^\s*[A-Za-z][A-Za-z0-9-]*\s*=/.test(text);
}

/**
 * What is wrong with a distinguished name, in a sentence, or undefined when it is one: it parses
 * (RFC 4514) and has several parts, as an Active Directory object's always does. The one rule for
 * `--dn`, the UI's DN field and request bodies.
 */
export function distinguishedNameProblem(text: string): string | undefined {
  const parsed = parseDistinguishedName(trimUnescaped(text));
  if (!parsed.ok) return `${parsed.error} (escape commas inside a name as "\\,")`;
  if (parsed.value.length < 2)
    return 'a distinguished name has several parts, such as CN=AdeleV,CN=Users,DC=corp,DC=com';
  return undefined;
}

/**
 * `trim()` for text that may hold a distinguished name: the whitespace typed around it goes, but not
 * a trailing space escaped as `\ ` (a value ending in a space is written so), which `trim()` would
 * cut to a lone backslash. Hand-written: no library knows the rule, and it is one line of RFC 4514.
 */
export function trimUnescaped(text: string): string {
  const trimmed = text.trim();
  const end = text.indexOf(trimmed) + trimmed.length;
  let backslashes = 0;
  while (trimmed[trimmed.length - 1 - backslashes] === '\\') backslashes++;
  return backslashes % 2 === 1 && text[end] === ' ' ? `${trimmed} ` : trimmed;
}

function escapeValue(value: string): string {
  let escaped = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    const atEdge = (i === 0 && (char === ' ' || char === '#')) || (i === value.length - 1 && char === ' ');
    if (atEdge || ',+"\\<>;='.includes(char)) escaped += `\\${char}`;
    else escaped += char;
  }
  return escaped;
}

function pushUtf8(bytes: number[], codePoint: number): void {
  for (const byte of new TextEncoder().encode(String.fromCodePoint(codePoint))) bytes.push(byte);
}
