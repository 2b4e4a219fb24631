import { z } from 'zod';

/** One command-line flag: how it is parsed, how it is checked, and how `--help` shows it. */
export interface Flag<Schema extends z.ZodType = z.ZodType> {
  type: 'string' | 'boolean';
  /** Given more than once (`--member A --member B`): the values come as a list. */
  multiple?: boolean;
  /** The value's check (and its conversion), with a message that names the flag and the fix. */
  schema: Schema;
  /** `['--graph-url URL', 'where Graph is']`: the usage line; none for a flag listed elsewhere. */
  usage?: readonly [shape: string, meaning: string];
}

/**
 * Flags written once: the parser's options, the values' schema and the usage lines all come from the
 * same table, so none of them can list a flag the others do not know.
 */
export function flagSet<Flags extends Record<string, Flag>>(flags: Flags) {
  const entries = Object.entries(flags) as Array<[keyof Flags & string, Flag]>;
  return {
    /** For `parseArgs`. */
    options: Object.fromEntries(
      entries.map(([name, flag]) => [
        name,
        { type: flag.type, ...(flag.multiple ? { multiple: true } : {}) },
      ]),
    ) as {
      [Name in keyof Flags]: { type: Flags[Name]['type']; multiple?: boolean };
    },
    /** Checks the parsed values: every flag optional. */
    schema: z.object(
      Object.fromEntries(entries.map(([name, flag]) => [name, flag.schema.optional()])) as {
        [Name in keyof Flags]: z.ZodOptional<Flags[Name]['schema']>;
      },
    ),
    /** The flags' usage lines, their meanings aligned (continuation lines of a meaning keep the column). */
    usageLines(indent = 2, column = 32): string {
      return entries
        .flatMap(([, flag]) => (flag.usage ? [flag.usage] : []))
        .map(([shape, meaning]) => {
          const head = `${' '.repeat(indent)}${shape}`;
          const [first, ...rest] = meaning.split('\n');
          return [
            head.length < column
              ? `${head.padEnd(column)}${first}`
              : `${head}\n${' '.repeat(column)}${first}`,
            ...rest.map((line) => `${' '.repeat(column)}${line}`),
          ].join('\n');
        })
        .join('\n');
    },
  };
}
