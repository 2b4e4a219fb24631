import { Text } from 'ink';
import { useRef, useState } from 'react';
import type { Theme } from '../colour.js';
import { useKeys } from './use-keys.js';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Where the graphemes of `text` start and end (code-unit offsets): the places a cursor may be. */
function boundaries(text: string): number[] {
  return [0, ...Array.from(graphemes.segment(text), (part) => part.index + part.segment.length)];
}
const before = (text: string, at: number) => boundaries(text).findLast((edge) => edge < at) ?? 0;
const after = (text: string, at: number) => boundaries(text).find((edge) => edge > at) ?? text.length;

/**
 * A one-line text field: typing and pasting insert (never a control character), Backspace removes
 * the character before the cursor, ←/→ and Home/End move it, Enter submits what is in the field as of
 * the last key, even when Enter came in the same read as the text before it. A character is what one
 * sees as one (a grapheme: 👍🏽 or e + ◌́), never half of one, so no edit leaves a lone surrogate.
 */
export function TextField(props: {
  value: string;
  onChange: (value: string) => void;
  onSubmit?: (value: string) => void;
  placeholder?: string;
  /** Shown instead of each character (a key). */
  mask?: string;
  theme: Theme;
  active?: boolean;
}) {
  const { theme } = props;
  // The value as of the last key: the parent's may lag a render behind when keys come together.
  const latest = useRef(props.value);
  const emitted = useRef(props.value);
  if (props.value !== emitted.current) {
    // The parent set it itself (cleared it, say): take its value.
    latest.current = props.value;
    emitted.current = props.value;
  }
  // The cursor, also as of the last key; the state only redraws.
  const cursor = useRef(props.value.length);
  const [, redraw] = useState(0);
  const setCursor = (position: number) => {
    cursor.current = position;
    redraw((count) => count + 1);
  };
  const at = Math.min(cursor.current, latest.current.length);

  const change = (value: string, nextCursor: number) => {
    latest.current = value;
    emitted.current = value;
    setCursor(nextCursor);
    props.onChange(value);
  };

  useKeys(
    (input, key) => {
      const value = latest.current;
      const position = Math.min(cursor.current, value.length);
      if (key.return) return props.onSubmit?.(value);
      if (key.leftArrow) return setCursor(before(value, position));
      if (key.rightArrow) return setCursor(after(value, position));
      if (key.home) return setCursor(0);
      if (key.end) return setCursor(value.length);
      // Terminals send Backspace as DEL, which Ink names `delete` (^H is its `backspace`): both erase
      // backwards, as in ink-text-input. A Delete key comes through the same way, so there is no
      // forward delete.
      if (key.backspace || key.delete) {
        const start = before(value, position);
        if (position > 0) change(value.slice(0, start) + value.slice(position), start);
        return;
      }
      if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow) return;
      const text = input.replace(/\p{Cc}/gu, '');
      if (text) change(value.slice(0, position) + text + value.slice(position), position + text.length);
    },
    { isActive: props.active ?? true },
  );

  // What is shown, and where the cursor is in it: a mask shows one mask per character typed.
  const edges = boundaries(latest.current);
  const value = props.mask ? props.mask.repeat(edges.length - 1) : latest.current;
  const shownAt = props.mask ? edges.indexOf(at) * props.mask.length : at;
  if (!value)
    return (
      <Text>
        <Text inverse> </Text>
        {props.placeholder ? <Placeholder text={props.placeholder} theme={theme} /> : null}
      </Text>
    );
  return (
    <Text>
      {value.slice(0, shownAt)}
      <Text inverse>{value.slice(shownAt, after(value, shownAt)) || ' '}</Text>
      {value.slice(after(value, shownAt))}
    </Text>
  );
}

/** Grey where there is colour; in brackets without it (NO_COLOR), so it never reads as a value. */
function Placeholder(props: { text: string; theme: Theme }) {
  const grey = props.theme.color('gray');
  return grey ? <Text color={grey}>{props.text}</Text> : <Text>{`(${props.text})`}</Text>;
}
