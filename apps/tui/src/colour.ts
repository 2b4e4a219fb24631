import type { StatusMark } from '@ondemand/core';
import pc from 'picocolors';
import type { CliIo } from './io.js';

/** The one rule for colour: none when NO_COLOR is set to anything (https://no-color.org). */
export function colourWanted(env: Record<string, string | undefined>): boolean {
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}

/** ANSI colours for text: picocolors' functions, or ones that return the text as it is. */
export type Style = ReturnType<typeof pc.createColors>;

/** Colours for what a command prints: none under NO_COLOR, or when the stream is not a terminal (unless FORCE_COLOR). */
export function styleFor(io: Pick<CliIo, 'env' | 'stdout'>): Style {
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0';
  return pc.createColors(colourWanted(io.env) && (forced || io.stdout.isTTY === true));
}

export type ColourName = 'green' | 'red' | 'yellow' | 'cyan' | 'gray' | 'blue' | 'magenta';

/** Colours for the UI: Ink's colour names for `<Text color>`, and a Style for lines built as strings. */
export interface Theme {
  color(name: ColourName): ColourName | undefined;
  /** `theme.paint(mark, text)`: text in its status mark's colour. */
  paint(mark: StatusMark, text: string): string;
  style: Style;
}

const MARK_COLOURS: Record<StatusMark, ColourName> = {
  success: 'green',
  failure: 'red',
  warning: 'yellow',
  skipped: 'cyan',
  unknown: 'gray',
};

export function themeFor(env: Record<string, string | undefined>): Theme {
  const enabled = colourWanted(env);
  const style = pc.createColors(enabled);
  return {
    color: (name) => (enabled ? name : undefined),
    paint: (mark, text) => style[MARK_COLOURS[mark]](text),
    style,
  };
}
