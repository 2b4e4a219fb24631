import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unsafeCharacter } from './unsafe-character.js';

describe('unsafeCharacter', () => {
  it.each([
    ['a\ud800', 'a lone UTF-16 surrogate (\\ud800) at position 1'],
    ['\udc00x', 'a lone UTF-16 surrogate (\\udc00) at position 0'],
    ['ab\0', 'a control character (U+0000) at position 2'],
    ['tab\there', 'a control character (U+0009) at position 3'],
    ['del\x7f', 'a control character (U+007F) at position 3'],
    ['csi\u009b2J', 'a control character (U+009B) at position 3'],
    ['osc\u009d', 'a control character (U+009D) at position 3'],
  ])('names what is wrong with %j', (text, why) => {
    expect(unsafeCharacter(text)).toBe(why);
  });

  it('passes every well-formed text without control characters, astral characters included', () => {
    expect(unsafeCharacter('CN=Vest\\, Adele 😀,OU=Sales')).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
        expect(unsafeCharacter(clean)).toBeUndefined();
      }),
    );
  });

  it('finds exactly the texts that do not survive a trip through UTF-8, or hold a control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const survives = Buffer.from(text, 'utf8').toString('utf8') === text;
        const control = /[\u0000-\u001f\u007f-\u009f]/.test(text);
        expect(unsafeCharacter(text) === undefined).toBe(survives && !control);
      }),
    );
  });
});
