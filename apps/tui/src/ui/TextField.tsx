import { Text } from 'ink';
import { useRef, useState } from 'react';
import type { Theme } from '../colour.js';
import { useKeys } from './use-keys.js';

/**
 * A one-line text field: typing and pasting insert (never a control character), Backspace and
 * Delete remove, ←/→ and Home/End move the cursor, Enter submits what is in the field as of the last
 * key, even when Enter came in the same read as the text before it.
 */
export function TextField(props: {
  value: string;
  onChange: (value: string) => void;
  onSubmit?: (value: string) => void;
  placeholder?: string;
  /** Shown instead of each character (a key). */
  mask?: string;
  /** Characters the field leaves to the screen's own keys (Space, to choose). */
  ignore?: string;
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
      if (key.leftArrow) return setCursor(Math.max(0, position - 1));
      if (key.rightArrow) return setCursor(Math.min(value.length, position + 1));
      if (key.home) return setCursor(0);
      if (key.end) return setCursor(value.length);
      if (key.backspace) {
        if (position > 0) change(value.slice(0, position - 1) + value.slice(position), position - 1);
        return;
      }
      if (key.delete) {
        if (position < value.length) change(value.slice(0, position) + value.slice(position + 1), position);
        return;
      }
      if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow) return;
      const text = [...input.replace(/\p{Cc}/gu, '')]
        .filter((character) => !props.ignore?.includes(character))
        .join('');
      if (text) change(value.slice(0, position) + text + value.slice(position), position + text.length);
    },
    { isActive: props.active ?? true },
  );

  const value = props.mask ? props.mask.repeat(latest.current.length) : latest.current;
  if (!value)
    return (
      <Text>
        <Text inverse> </Text>
        {props.placeholder ? <Placeholder text={props.placeholder} theme={theme} /> : null}
      </Text>
    );
  return (
    <Text>
      {value.slice(0, at)}
      <Text inverse>{value[at] ?? ' '}</Text>
      {value.slice(at + 1)}
    </Text>
  );
}

/** Grey where there is colour; in brackets without it (NO_COLOR), so it never reads as a value. */
function Placeholder(props: { text: string; theme: Theme }) {
  const grey = props.theme.color('gray');
  return grey ? <Text color={grey}>{props.text}</Text> : <Text>{`(${props.text})`}</Text>;
}
