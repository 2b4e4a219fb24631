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
        // An unknown key (a typo, a key of another version): say which keys that object takes.
        const valid = issue.code === 'unrecognized_keys' ? keysAt(proxyConfigSchema, issue.path) : undefined;
        const takes = valid ? `; ${each.path || 'the config'} takes ${valid.join(', ')}` : '';
        return `  ${each.path}: ${each.message}${takes}`;
      })
      .join('\n')}`,
  );
}

/** The keys the config's object at `path` takes, read from its schema (zod 4's `def` and `shape`). */
function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] | undefined {
  type Node = {
    def?: { type?: string; innerType?: Node; element?: Node; in?: Node };
    shape?: Record<string, Node>;
  };
  const unwrap = (node: Node | undefined): Node | undefined => {
    let at = node;
    while (at?.def && !at.shape && (at.def.innerType || at.def.in)) at = at.def.innerType ?? at.def.in;
    return at;
  };
  let at = unwrap(schema as Node);
  for (const step of path) {
    at = unwrap(typeof step === 'number' ? at?.def?.element : at?.shape?.[String(step)]);
    if (!at) return undefined;
  }
  return at?.shape ? Object.keys(at.shape) : undefined;
}

/** Environment variables that stand in for config keys (they win over the file). */
export function withEnvironment(input: unknown, env: Record<string, string | undefined>): unknown {
  if (!input || typeof input !== 'object') return input;
  const config = { ...(input as Record<string, unknown>) };
  if (env.ONDEMAND_STORE) config.store = env.ONDEMAND_STORE;
  if (env.ONDEMAND_STORE_SCHEMA) config.storeSchema = env.ONDEMAND_STORE_SCHEMA;
  if (env.ONDEMAND_REPLICA_ID) config.replicaId = env.ONDEMAND_REPLICA_ID;
  if (env.ONDEMAND_LIMITER || env.ONDEMAND_LIMITER_FALLBACK) {
    const limiter = { ...(config.limiter as Record<string, unknown> | undefined) };
    if (env.ONDEMAND_LIMITER) limiter.url = env.ONDEMAND_LIMITER;
    if (env.ONDEMAND_LIMITER_FALLBACK) limiter.whenUnavailable = env.ONDEMAND_LIMITER_FALLBACK;
    config.limiter = limiter;
  }
  return config;
}

/** Reads a JSON or YAML config file; `env` may override keys (see {@link withEnvironment}). */
export async function loadConfigFile(
  path: string,
  env: Record<string, string | undefined> = {},
): Promise<ProxyConfig> {
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
  return parseConfig(withEnvironment(value, env), path);
}

export type { ProxyConfigInput };
