import { useEffect, useRef, useState } from 'react';
import type { ListItem } from './SelectList.js';
import { useDebounced } from './use-debounced.js';

/** What a search answered, and for which text: rows are only ever picked for the text they answer. */
export interface SearchAnswer<T> {
  query: string;
  items: ListItem<T>[];
  /** Which search it answers: a search runs again for the same text when `deps` change. */
  search: number;
}

/** How long typing must pause before the search runs. */
const SEARCH_PAUSE_MS = 250;

/**
 * A list searched as you type, and the one place where what was typed and what Enter picks meet.
 *
 * The rows on screen answer an earlier text until the search for the new one comes back (it runs
 * when typing pauses, then takes a round trip). Enter pressed in that gap, as when a name and Enter
 * arrive in one read, picked a row of the old answer: `zoe` + Enter provisioned the unfiltered
 * list's top row. Here Enter acts only on an answer to the text typed as of the last key; before that
 * answer it waits for it and then picks its top row, and typing on cancels it. No match picks nothing.
 *
 * `find` runs for each settled text; `deps` are what else it reads (a user or group search, say).
 */
export function useSearch<T>(options: {
  find: (query: string) => Promise<ListItem<T>[]>;
  deps: readonly unknown[];
  onPick: (value: T) => void;
  onError: (error: unknown) => void;
}) {
  const [query, setQuery] = useState('');
  // The text as of the last key: the state lags a render behind keys that come together.
  const typed = useRef('');
  const settled = useDebounced(query, SEARCH_PAUSE_MS);
  const [answer, setAnswer] = useState<SearchAnswer<T> | undefined>();
  const [searching, setSearching] = useState(true);
  // The text an Enter was pressed for, while its answer has not come.
  const [waiting, setWaiting] = useState<string | undefined>();
  const waitingRef = useRef<string | undefined>(undefined);
  const latest = useRef(options);
  latest.current = options;
  const searches = useRef(0);

  const wait = (text: string | undefined) => {
    waitingRef.current = text;
    setWaiting(text);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: `deps` are the caller's inputs to `find`.
  useEffect(() => {
    let current = true;
    const search = ++searches.current;
    setSearching(true);
    latest.current
      .find(settled)
      .then((items) => {
        if (!current) return;
        setAnswer({ query: settled, items, search });
        setSearching(false);
        if (waitingRef.current === settled) {
          wait(undefined);
          if (items[0]) latest.current.onPick(items[0].value);
        }
      })
      .catch((error) => current && latest.current.onError(error));
    return () => {
      current = false;
    };
  }, [settled, ...options.deps]);

  // The rows shown always answer the text shown: none while the search for it has not answered.
  const answered = answer !== undefined && !searching && answer.query === query;
  return {
    /** The text in the search field. */
    query,
    /** The field's `onChange`: a new text cancels an Enter still waiting for its answer. */
    type(text: string) {
      typed.current = text;
      if (waitingRef.current !== undefined && waitingRef.current !== text) wait(undefined);
      setQuery(text);
    },
    /** Start again from an empty search (another kind of object, say). */
    clear() {
      typed.current = '';
      wait(undefined);
      setQuery('');
    },
    /** The latest answer, or undefined before the first. */
    answer,
    /** The rows to show: the answer to the text shown, none until it has come. */
    items: answered ? answer.items : [],
    /** The answer to the text shown has not come yet. */
    searching: !answered,
    /** The text an Enter waits for an answer to, if any. */
    waiting,
    /**
     * Enter on the list, with the row under the cursor (none in an empty list): picks it only from an
     * answer to what is typed now, otherwise waits for that answer.
     */
    pick(value: T | undefined) {
      if (answer && answer.search === searches.current && answer.query === typed.current) {
        if (value !== undefined) latest.current.onPick(value);
      } else wait(typed.current);
    },
  };
}
