/** Characters that show as nothing, and what they are called. */
const ZERO_WIDTH: Record<number, string> = {
  8203: 'ZERO WIDTH SPACE',
  8204: 'ZERO WIDTH NON-JOINER',
  8205: 'ZERO WIDTH JOINER',
  8288: 'WORD JOINER',
  65279: 'ZERO WIDTH NO-BREAK SPACE (a byte-order mark)',
};

/** The controls that reorder the text around them (Unicode's bidi embeddings, overrides, isolates). */
const REORDERING: Record<number, string> = {
  8234: 'LEFT-TO-RIGHT EMBEDDING',
  8235: 'RIGHT-TO-LEFT EMBEDDING',
  8236: 'POP DIRECTIONAL FORMATTING',
  8237: 'LEFT-TO-RIGHT OVERRIDE',
  8238: 'RIGHT-TO-LEFT OVERRIDE',
  8294: 'LEFT-TO-RIGHT ISOLATE',
  8295: 'RIGHT-TO-LEFT ISOLATE',
  8296: 'FIRST STRONG ISOLATE',
  8297: 'POP DIRECTIONAL ISOLATE',
};

/**
 * Why an id as typed or pasted is not the id it looks like, or `undefined`: a zero-width character at
 * either end (what copying an id out of a chat or a web page leaves; Graph then finds no such object)
 * or, anywhere, a control that reorders the text, which makes an id read differently than it is (an
 * approver would approve what they did not see). Inside a name, zero-width joiners are left alone:
 * emoji and some scripts need them.
 *
 * @example invisibleCharacter('9bb0f679-…\u200b') // 'an invisible U+200B (ZERO WIDTH SPACE) at its end'
 */
export function invisibleCharacter(text: string): string | undefined {
  for (let index = 0; index < text.length; index++) {
    const name = REORDERING[text.charCodeAt(index)];
    if (name)
      return `a U+${hex(text.charCodeAt(index))} (${name}) at position ${index}, which reorders what is shown`;
  }
  const first = text.charCodeAt(0);
  if (ZERO_WIDTH[first]) return `an invisible U+${hex(first)} (${ZERO_WIDTH[first]}) at its start`;
  const last = text.charCodeAt(text.length - 1);
  if (ZERO_WIDTH[last]) return `an invisible U+${hex(last)} (${ZERO_WIDTH[last]}) at its end`;
  return undefined;
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}
