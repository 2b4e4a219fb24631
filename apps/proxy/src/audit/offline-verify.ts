import { readFile } from 'node:fs/promises';
import type { ChainVerdict } from '@ondemand/core';
import { PostgresStore } from '../store/postgres-store.js';
import { openSqliteChain } from '../store/sqlite-store.js';
import { readPublicKey } from './checkpoint.js';
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
  let chain: Awaited<ReturnType<typeof openSqliteChain>>;
  let close = async () => {};
  try {
    if (options.database) chain = await openSqliteChain(options.database);
    else if (options.storeUrl) {
      const store = await PostgresStore.open({
        url: options.storeUrl,
        schema: options.schema,
        existing: true,
      });
      chain = await store.openChain();
      close = () => store.close();
    } else
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
    await close();
  }
}

/** Several replicas each keep a witness file: their checkpoints together. */
async function readWitnesses(files: string[]): Promise<NonNullable<ChainTrust['witness']>> {
  const read = await Promise.all(files.map((file) => readWitness(file).catch(cannotRead(file, '--witness'))));
  return {
    checkpoints: read.flatMap((each) => each.checkpoints),
    unreadable: read.flatMap((each) => each.unreadable),
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
