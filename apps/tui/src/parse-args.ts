import { type ParseArgsConfig, parseArgs as parseNodeArgs } from 'node:util';
import { badInput } from './exit-codes.js';
import { joinSecretValues } from './secret-input.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Node's own argument parser (strict), with `-h/--help` added and its errors turned into a message
 * that ends with the command's usage.
 */
export interface ParsedArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
  help: boolean;
}

export function parseArgs(
  argv: string[],
  options: Options,
  usage: string,
  limits: { maxPositionals: number },
): ParsedArgs {
  let parsed: { values: ParsedArgs['values']; positionals: string[] };
  try {
    parsed = parseNodeArgs({
      args: joinSecretValues(argv),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw badInput(`${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}\n\n${usage}`, {
      cause: error,
    });
  }
  if (parsed.positionals.length > limits.maxPositionals) {
    throw badInput(`unexpected argument "${parsed.positionals[limits.maxPositionals]}"\n\n${usage}`);
  }
  return { values: parsed.values, positionals: parsed.positionals, help: parsed.values.help === true };
}
