import { readFile } from 'node:fs/promises';
import { toInputIssue } from '@ondemand/core';
import { defaultSeed } from './default-seed.js';
import { type Seed, seedSchema } from './seed-schema.js';

/** A seed file that could not be used: every problem is listed with its path. */
export class SeedError extends Error {
  override readonly name = 'SeedError';
}

/** Validates a seed (the default demo tenant when none is given). */
export function parseSeed(input: unknown, source = 'the seed'): Seed {
  const parsed = seedSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(toInputIssue).map((issue) => `  ${issue.path}: ${issue.message}`);
  throw new SeedError(`${source} is not a valid seed:\n${problems.join('\n')}`);
}

/** Reads and validates a seed file. */
export async function loadSeedFile(path: string): Promise<Seed> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SeedError(
      `cannot read the seed file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedError(`the seed file ${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseSeed(json, path);
}

export function demoSeed(options: { clientSecret?: string } = {}): Seed {
  return parseSeed(defaultSeed(options), 'the default seed');
}
