import { Box } from 'ink';
import type { ReactNode } from 'react';
import type { Theme } from '../colour.js';
import { HelpBar } from './HelpBar.js';
import { helpKeys, type KeyBinding, matches } from './key-bindings.js';
import { useKeys } from './use-keys.js';

/**
 * A screen's body and, on the last line, its help bar, both from one list of key bindings: the
 * frame runs the bindings' keys and lists them (ink's router example gives each screen its own
 * `useInput` the same way).
 */
/** Runs the keys of a list of bindings (the first whose key it is), while `active`. */
export function useBindings(bindings: readonly KeyBinding[], active = true): void {
  useKeys(
    (input, key) => {
      const binding = bindings.find((each) => each.run && matches(each, input, key));
      binding?.run?.();
    },
    { isActive: active },
  );
}

export function ScreenFrame(props: {
  bindings: readonly KeyBinding[];
  theme: Theme;
  children: ReactNode;
  /** Off while a part of the screen owns every key (a reason being typed). */
  active?: boolean;
  /** The help bar's width; the terminal's by default. */
  width?: number;
}) {
  useBindings(props.bindings, props.active ?? true);
  return (
    <>
      <Box flexDirection="column" marginY={1} flexGrow={1}>
        {props.children}
      </Box>
      <HelpBar
        keys={helpKeys(props.bindings)}
        theme={props.theme}
        {...(props.width ? { width: props.width } : {})}
      />
    </>
  );
}
