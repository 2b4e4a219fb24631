import { Text } from 'ink';
import Spinner from 'ink-spinner';
import type { Theme } from '../colour.js';
import { SelectList } from './SelectList.js';
import type { useSearch } from './use-search.js';

/**
 * The rows a search answered for the text typed, and Enter through `useSearch.pick`: while the answer
 * has not come, a spinner (and, after an Enter, what it waits for) instead of rows of an older text.
 */
export function SearchedList<T>(props: {
  search: ReturnType<typeof useSearch<T>>;
  theme: Theme;
  /** What the spinner says is being looked up. */
  lookingUp: string;
  /** What an answer without rows says. */
  empty: string;
  /** How many rows it may take (the terminal's rows left). */
  height?: number | undefined;
}) {
  const { search, theme } = props;
  const waiting =
    search.waiting === undefined
      ? ''
      : search.waiting.trim()
        ? `; Enter picks the top match for "${search.waiting.trim()}"`
        : '; Enter picks the top row';
  return (
    <SelectList
      // A new answer starts at its top row.
      key={search.answer?.search}
      searchable
      items={search.items}
      onSelect={search.pick}
      onEnterWithoutRow={() => search.pick(undefined)}
      theme={theme}
      {...(props.height ? { height: props.height } : {})}
      empty={
        search.searching ? (
          <Text color={theme.color('gray')}>
            <Spinner type="dots" /> {`${props.lookingUp}…${waiting}`}
          </Text>
        ) : (
          props.empty
        )
      }
    />
  );
}
