import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Seed } from '@ondemand/simulator';
import type { CliIo } from './io.js';
import { mergeThreeWay } from './three-way-merge.js';

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

/**
 * Keeps what this run changed for the next run. Other `--simulate` processes (a UI left open, CLI
 * runs beside it) may have saved since this one loaded `base`: under a lock, the file as it is now
 * is merged with this run's changes (`mergeThreeWay`: each object anyone changed keeps its change),
 * written whole and renamed, so neither a concurrent save nor a kill loses or halves anything.
 */
export async function saveSimulatedTenant(file: string, base: Seed, seed: Seed): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  // CommonJS: its functions are on the default export once bundled, named ones as well from source.
  const lockfile = await import('proper-lockfile');
  const { lock } = lockfile.default ?? lockfile;
  // The lock is a folder beside the file; one left by a killed process is taken over after 10 s.
  const release = await lock(file, {
    realpath: false,
    stale: 10_000,
    retries: { retries: 50, minTimeout: 20, maxTimeout: 200 },
  });
  try {
    const now = await readKept(file);
    const merged = now === undefined ? seed : mergeThreeWay(base as never, seed as never, now as never);
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, `${JSON.stringify(merged)}\n`, { mode: 0o600 });
    await rename(partial, file);
  } finally {
    await release();
  }
}

/** The kept tenant as JSON, whatever it holds; none when there is no file or it is not JSON. */
async function readKept(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** `--simulate-reset`: the next simulated run starts from the demo tenant. */
export async function forgetSimulatedTenant(file: string): Promise<void> {
  await rm(file, { force: true });
}
