import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wrapText } from './text.js';

describe('wrapText', () => {
  it('keeps an indented line’s indent on its first line (the answer view’s JSON)', () => {
    const line =
      '  "@odata.context": "https://127.0.0.1:41535/v1.0/$metadata#microsoft.graph.stringKeyStringValuePair",';
    const [first, ...rest] = wrapText(line, 80, 4);
    expect(first).toBe('  "@odata.context":');
    expect(rest.every((next) => next.startsWith('    '))).toBe(true);
  });

  it('never loses a word and never passes the width', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,12}$/), { maxLength: 30 }),
        fc.nat({ max: 8 }),
        fc.integer({ min: 20, max: 100 }),
        (words, indent, width) => {
          const text = `${' '.repeat(indent)}${words.join(' ')}`;
          const lines = wrapText(text, width, 2);
          for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
          expect(lines.join(' ').split(/\s+/).filter(Boolean).join('')).toBe(words.join(''));
          expect(lines[0]!.startsWith(' '.repeat(indent)) || text.length <= width).toBe(true);
        },
      ),
    );
  });
});
