import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeThreeWay } from './three-way-merge.js';

const json = fc.jsonValue() as fc.Arbitrary<Parameters<typeof mergeThreeWay>[1]>;
/** A target directory: objects with unique ids. */
const objects = fc.uniqueArray(fc.record({ id: fc.uuid(), value: fc.string() }), {
  selector: (object) => object.id,
  minLength: 2,
  maxLength: 8,
});

describe('mergeThreeWay', () => {
  it('keeps the one side that changed, and agrees with itself', () => {
    fc.assert(
      fc.property(json, json, (base, changed) => {
        expect(mergeThreeWay(base, changed, base)).toEqual(changed);
        expect(mergeThreeWay(base, base, changed)).toEqual(changed);
        expect(mergeThreeWay(base, changed, changed)).toEqual(changed);
      }),
    );
  });

  it('keeps both sides’ changes to different objects of a list, and both sides’ additions', () => {
    fc.assert(
      fc.property(objects, fc.nat(), fc.nat(), fc.uuid(), fc.uuid(), (base, i, j, ourNew, theirNew) => {
        fc.pre(ourNew !== theirNew && !base.some((object) => object.id === ourNew || object.id === theirNew));
        const mine = i % base.length;
        const yours = (mine + 1 + (j % (base.length - 1))) % base.length;
        const ours = base.map((object, index) => (index === mine ? { ...object, value: 'ours' } : object));
        const theirs = base.filter((_, index) => index !== yours).concat([{ id: theirNew, value: 'theirs' }]);
        const merged = mergeThreeWay(
          { target: base },
          { target: [...ours, { id: ourNew, value: 'added' }] },
          { target: theirs },
        ) as {
          target: Array<{ id: string; value: string }>;
        };
        const byId = new Map(merged.target.map((object) => [object.id, object.value]));
        expect(byId.get(base[mine]!.id)).toBe('ours');
        expect(byId.has(base[yours]!.id)).toBe(false);
        expect(byId.get(theirNew)).toBe('theirs');
        expect(byId.get(ourNew)).toBe('added');
        expect(merged.target).toHaveLength(base.length + 1);
      }),
    );
  });

  it('lets ours win where both changed the same value', () => {
    expect(mergeThreeWay({ a: 1, b: 1 }, { a: 2, b: 1 }, { a: 3, b: 4 })).toEqual({ a: 2, b: 4 });
  });
});
