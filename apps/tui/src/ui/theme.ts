import type { StatusMark } from '@ondemand/core';

/** Colours for the UI, or none at all when NO_COLOR is set (https://no-color.org). */
export interface Theme {
  color(name: 'green' | 'red' | 'yellow' | 'cyan' | 'gray' | 'blue' | 'magenta'): string | undefined;
  mark(mark: StatusMark): string | undefined;
}

export function themeFor(env: Record<string, string | undefined>): Theme {
  const enabled = env.NO_COLOR === undefined || env.NO_COLOR === '';
  const marks: Record<StatusMark, string> = {
    success: 'green',
    failure: 'red',
    warning: 'yellow',
    skipped: 'cyan',
    unknown: 'gray',
  };
  return {
    color: (name) => (enabled ? name : undefined),
    mark: (mark) => (enabled ? marks[mark] : undefined),
  };
}
