import { readFile } from 'node:fs/promises';
import { toInputIssue } from '@ondemand/core';
import { parse as parseYaml } from 'yaml';
import { type ProxyConfig, type ProxyConfigInput, proxyConfigSchema } from './config.js';

export class ConfigFileError extends Error {}

/** Validates a config object; every problem is named by its path with the fix. */
export function parseConfig(input: unknown, source = 'the config'): ProxyConfig {
  const parsed = proxyConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ConfigFileError(
    `${source} is not valid:\n${parsed.error.issues
      .map((issue) => {
        const each = toInputIssue(issue);
        return `  ${each.path}: ${each.message}`;
      })
      .join('\n')}`,
  );
}

/** Reads a JSON or YAML config file. */
export async function loadConfigFile(path: string): Promise<ProxyConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(
      `cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(
      `${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    );
  }
  return parseConfig(value, path);
}

export type { ProxyConfigInput };
