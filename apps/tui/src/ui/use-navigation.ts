import { useCallback, useMemo, useReducer } from 'react';
import { type NavigationAction, navigate, type Screen } from './navigation.js';

/** The screen shown and the way back to it, as React state over {@link navigate}. */
export function useNavigation(initial: Screen) {
  const [state, dispatch] = useReducer(navigate, { screen: initial, trail: [] });
  const act = useCallback((action: NavigationAction) => dispatch(action), []);
  return useMemo(
    () => ({
      screen: state.screen,
      /** How many places Esc can still walk back through. */
      depth: state.trail.length,
      go: (to: Screen) => act({ type: 'go', to }),
      back: (otherwise?: Screen) => act({ type: 'back', ...(otherwise ? { otherwise } : {}) }),
      show: (screen: Screen) => act({ type: 'show', screen }),
      restart: (at: Screen) => act({ type: 'restart', at }),
      update: (matches: (screen: Screen) => boolean, change: (screen: Screen) => Screen) =>
        act({ type: 'update', matches, with: change }),
    }),
    [state, act],
  );
}

export type Navigator = ReturnType<typeof useNavigation>;
