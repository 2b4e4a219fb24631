import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invisibleCharacter } from './invisible-character.js';
import { validateProvisionRequest } from './request-schema.js';

const id = '9bb0f679-a883-4a6f-8260-35b491b8b8c8';

describe('invisibleCharacter', () => {
  it.each([
    [`${id}\u200b`, 'an invisible U+200B (ZERO WIDTH SPACE) at its end'],
    [`\u2060${id}`, 'an invisible U+2060 (WORD JOINER) at its start'],
    [
      `CN=Adele\u202eV,DC=corp`,
      'a U+202E (RIGHT-TO-LEFT OVERRIDE) at position 8, which reorders what is shown',
    ],
  ])('names what is wrong with %j', (text, why) => {
    expect(invisibleCharacter(text)).toBe(why);
  });

  it('leaves alone what a name may hold: a zero-width joiner inside it (emoji, some scripts)', () => {
    expect(invisibleCharacter('CN=Family 👨\u200d👩\u200d👧,OU=Sales')).toBeUndefined();
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const visible = text.replace(/[\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]/g, '');
        expect(invisibleCharacter(visible)).toBeUndefined();
      }),
    );
  });

  it('refuses such an id in a request body, naming the field and the fix', () => {
    const checked = validateProvisionRequest({
      parameters: [{ ruleId: 'r', subjects: [{ objectId: `${id}\u200b`, objectTypeName: 'User' }] }],
    });
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.issues[0]).toMatchObject({
      path: 'parameters[0].subjects[0].objectId',
      message:
        'objectId holds an invisible U+200B (ZERO WIDTH SPACE) at its end: it is not the id it looks like; copy the id again, or type it',
    });
  });
});
