import { readFile } from 'node:fs/promises';
import type { ChainVerdict } from '@ondemand/core';
import { readPublicKey } from './checkpoint.js';
import type { ClosableChain } from './postgres-chain.js';
import { type ChainTrust, verifyChain } from './verify-chain.js';
import { readWitness } from './witness-file.js';

/** Where the log is and what to trust: what `audit verify` is given, by `ondemand-proxy` or `ondemand`. */
export interface OfflineVerifyOptions {
  /** The SQLite file. */
  database?: string | undefined;
  /** `postgres://…`, when the log is in PostgreSQL. */
  storeUrl?: string | undefined;
  /** Its schema (unset: the proxy's default). */
  schema?: string | undefined;
  /** The checkpoints' public key (PEM file). */
  publicKeyFile?: string | undefined;
  /** Each replica's witness file. */
  witnessFiles?: string[];
}

/** Offline verification could not start: `input` (a file, a key: exit 2) or `unreachable` (the store: exit 3). */
export class OfflineVerifyError extends Error {
  constructor(
    readonly kind: 'input' | 'unreachable',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Verifies the log where it is stored, reading only, with the key and witness files given. */
export async function verifyOffline(options: OfflineVerifyOptions): Promise<ChainVerdict> {
  let trust: ChainTrust;
  try {
    trust = {
      ...(options.publicKeyFile
        ? {
            publicKey: readPublicKey(
              await readInput(options.publicKeyFile, '--public-key'),
              `--public-key ${options.publicKeyFile}`,
            ),
          }
        : {}),
      ...(options.witnessFiles?.length ? { witness: await readWitnesses(options.witnessFiles) } : {}),
    };
  } catch (error) {
    if (error instanceof OfflineVerifyError) throw error;
    throw new OfflineVerifyError('input', (error as Error).message, { cause: error });
  }
  let chain: ClosableChain;
  try {
    if (options.database) chain = await (await reader('sqlite')).openSqliteChain(options.database);
    else if (options.storeUrl)
      chain = await (await reader('postgres')).openPostgresChain({
        url: options.storeUrl,
        schema: options.schema,
      });
    else
      throw new OfflineVerifyError('input', 'say where the log is: --database FILE or --store postgres://…');
  } catch (error) {
    if (error instanceof OfflineVerifyError) throw error;
    throw new OfflineVerifyError(options.database ? 'input' : 'unreachable', (error as Error).message, {
      cause: error,
    });
  }
  try {
    return await verifyChain(chain, trust);
  } finally {
    await chain.close();
  }
}

/** Several replicas each keep a witness file: their checkpoints together. */
async function readWitnesses(files: string[]): Promise<NonNullable<ChainTrust['witness']>> {
  const read = await Promise.all(files.map((file) => readWitness(file).catch(cannotRead(file, '--witness'))));
  return {
    checkpoints: read.flatMap((each) => each.checkpoints),
    unreadable: read.flatMap((each) => each.unreadable),
    incomplete: read.find((each) => each.incomplete)?.incomplete,
  };
}

async function readInput(path: string, flag: string): Promise<string> {
  return readFile(path, 'utf8').catch(cannotRead(path, flag));
}

function cannotRead(path: string, flag: string) {
  return (error: NodeJS.ErrnoException): never => {
    throw new OfflineVerifyError('input', `cannot read ${flag} ${path}: ${error.code ?? error.message}`);
  };
}

/** The drivers are optional peers: each reader is loaded only for the store it reads. */
const DRIVERS = { sqlite: 'better-sqlite3', postgres: 'pg' } as const;

async function reader<Kind extends keyof typeof DRIVERS>(
  kind: Kind,
): Promise<
  Kind extends 'sqlite' ? typeof import('./sqlite-chain.js') : typeof import('./postgres-chain.js')
> {
  try {
    return (await (kind === 'sqlite' ? import('./sqlite-chain.js') : import('./postgres-chain.js'))) as never;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new OfflineVerifyError(
      'input',
      `reading a log in ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} needs the ${DRIVERS[kind]} package: npm install ${DRIVERS[kind]}`,
      { cause: error },
    );
  }
}
