import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { Theme } from '../colour.js';
import { useCursor } from './use-cursor.js';
import { useKeys } from './use-keys.js';

export interface ListItem<T> {
  key: string;
  label: string;
  hint?: string;
  value: T;
}

/**
 * A keyboard list: ↑/↓ (or k/j where nothing is typed) move, Enter picks. Shows a window of `height` rows around the cursor
 * so long lists fit in 24 lines.
 */
export function SelectList<T>(props: {
  items: ListItem<T>[];
  onSelect: (value: T) => void;
  /** Enter on a list with no rows (a search can still be on its way). */
  onEnterWithoutRow?: () => void;
  theme: Theme;
  height?: number;
  active?: boolean;
  empty?: ReactNode;
  /**
   * The screen has a search field: the list then says that typing searches all rows, and letters are
   * the search's (j and k do not move).
   */
  searchable?: boolean;
}) {
  const { items, onSelect, theme, height = 10, active = true } = props;
  const cursor = useCursor(items.length);
  useKeys(
    (input, key) => {
      const letters = !props.searchable && !key.ctrl;
      if (key.upArrow || (letters && input === 'k')) cursor.move(-1);
      else if (key.downArrow || (letters && input === 'j')) cursor.move(1);
      else if (key.pageUp) cursor.move(-height);
      else if (key.pageDown) cursor.move(height);
      else if (key.return) {
        const row = items[cursor.at];
        if (row) onSelect(row.value);
        else props.onEnterWithoutRow?.();
      }
    },
    { isActive: active },
  );
  const position = cursor.at;
  if (items.length === 0) return <Text color={theme.color('gray')}>{props.empty ?? 'nothing to show'}</Text>;
  const start = Math.max(0, Math.min(position - Math.floor(height / 2), items.length - height));
  const visible = items.slice(start, start + height);
  return (
    <Box flexDirection="column">
      {visible.map((item, index) => {
        const selected = start + index === position;
        return (
          <Text key={item.key} color={selected ? theme.color('cyan') : undefined} wrap="truncate-end">
            {selected ? '❯ ' : '  '}
            {item.label}
            {item.hint ? <Text color={theme.color('gray')}>{`  ${item.hint}`}</Text> : null}
          </Text>
        );
      })}
      {items.length > height ? (
        <Text color={theme.color('gray')}>
          {`  ${position + 1}/${items.length}: more than fit${props.searchable ? '; typing searches them all' : ''}`}
        </Text>
      ) : null}
    </Box>
  );
}
