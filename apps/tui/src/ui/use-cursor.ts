import { useRef, useState } from 'react';

/**
 * A position in a list of `length` rows that keys move. Kept in a ref as well as drawn, so keys that
 * arrive together (three ↓ in one read) each move it from where the last one left it, and an Enter
 * in the same read picks the row they reached.
 */
export function useCursor(length: number, initial = 0) {
  const position = useRef(initial);
  const [, redraw] = useState(0);
  const clamp = (value: number) => Math.max(0, Math.min(value, length - 1));
  const to = (value: number) => {
    position.current = clamp(value);
    redraw((count) => count + 1);
  };
  return {
    /** Where it is now, as of the last key. */
    get at(): number {
      return clamp(position.current);
    },
    move: (delta: number) => to(clamp(position.current) + delta),
    to,
    toEnd: () => to(length - 1),
  };
}
