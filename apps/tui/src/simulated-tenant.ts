import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Seed } from '@ondemand/simulator';
import type { CliIo } from './io.js';

/**
 * Where `--simulate` keeps its tenant between runs, so a second command sees what the first
 * provisioned (Create, then RedundantExport), as a tenant would: the user's cache directory
 * (`$XDG_CACHE_HOME`, else `~/.cache`). Without either in the environment (a test's), nothing is kept.
 */
export function simulatedTenantFile(env: CliIo['env']): string | undefined {
  const cache = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  return cache ? join(cache, 'ondemand', 'simulated-tenant.json') : undefined;
}

/** The kept tenant, if there is one that still reads as a seed; a note on stderr when it does not. */
export async function loadSimulatedTenant(file: string, io: CliIo): Promise<Seed | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const { parseSeed } = await import('@ondemand/simulator');
  try {
    return parseSeed(JSON.parse(text), file);
  } catch {
    io.stderr.write(
      `the simulated tenant in ${file} cannot be read (another version wrote it?): starting from the demo tenant\n`,
    );
    return undefined;
  }
}

/** Keeps the tenant for the next run; written whole and then renamed, so a kill never leaves half a file. */
export async function saveSimulatedTenant(file: string, seed: Seed): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, `${JSON.stringify(seed)}\n`, { mode: 0o600 });
  await rename(partial, file);
}

/** `--simulate-reset`: the next simulated run starts from the demo tenant. */
export async function forgetSimulatedTenant(file: string): Promise<void> {
  await rm(file, { force: true });
}
