import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalText } from './terminal-text.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

/** Strings a requester could send: full Unicode, with escape sequences and controls mixed in. */
const hostile = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.constantFrom(
        '\u001b[2J',
        '\u001b]52;c;SGVsbG8=\u0007',
        '\u009b31m',
        '\u009d0;title\u009c',
        '\r\u001b[K',
        '\b\b\b',
        '\u202eevil\u202c',
        '\u2066',
        '\ud800',
        '\u001bP+q\u001b\\',
      ),
    ),
  )
  .map((parts) => parts.join(''));

/** Every string in a value, keys included (JSON.stringify would escape controls itself). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, each]) => [key, ...strings(each)]);
  return [];
}

describe('terminalText', () => {
  it('leaves no character that can drive a terminal or reorder text, whatever it is given', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        expect(terminalText(text)).not.toMatch(CONTROL);
      }),
    );
  });

  it('changes nothing in text without such characters: names in any script, emoji', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        fc.pre(!CONTROL.test(text));
        expect(terminalText(text)).toBe(text);
      }),
    );
    expect(terminalText('Zoë Ångström 山田 👍🏽')).toBe('Zoë Ångström 山田 👍🏽');
  });

  it('shows what was there as a visible escape, in order', () => {
    expect(terminalText('a\u001b]52;c;SGVsbG8=\u0007b')).toBe('a\\u001b]52;c;SGVsbG8=\\u0007b');
    expect(terminalText('x\u009b2Jy\u202e')).toBe('x\\u009b2Jy\\u202e');
  });

  it('makes every string of a view safe, keys included, and leaves other values alone', () => {
    fc.assert(
      fc.property(fc.jsonValue(), hostile, (value, text) => {
        const safe = terminalSafe({ value, [text]: [text, 1, null, true] });
        for (const each of strings(safe)) expect(each).not.toMatch(CONTROL);
      }),
    );
    expect(terminalSafe({ n: 1, b: false, s: '\u001b' })).toEqual({ n: 1, b: false, s: '\\u001b' });
  });
});
