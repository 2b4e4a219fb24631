import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError, ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { readAll } from './read-input.js';

/**
 * The flags whose value is a secret, taken as the next argument whatever it begins with: a secret
 * may begin with `-` (base64 and Entra's secrets can), which Node's parser would take for a flag.
 */
export const SECRET_VALUE_FLAGS = ['client-secret', 'api-key'] as const;

/** `--client-secret -x` as `--client-secret=-x`, so the parser reads `-x` as the value it is. */
export function joinSecretValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--') {
      joined.push(...argv.slice(index));
      break;
    }
    const name = argument.slice(2);
    if (
      argument.startsWith('--') &&
      (SECRET_VALUE_FLAGS as readonly string[]).includes(name) &&
      index + 1 < argv.length
    ) {
      joined.push(`${argument}=${argv[index + 1]}`);
      index++;
    } else joined.push(argument);
  }
  return joined;
}

/** One secret's three ways in, safest first in the help; the first given wins. */
export interface SecretSource {
  /** What it is, for messages: "client secret", "API key". */
  what: string;
  /** `--client-secret`: works, but shows the secret to `ps` and keeps it in shell history. */
  flag: string;
  value: string | undefined;
  /** `--client-secret-file`: a file, or `-` for standard input. */
  fileFlag: string;
  file: string | undefined;
  /** `AZURE_CLIENT_SECRET`. */
  envName: string;
}

/**
 * The secret from the flag, the file (or standard input) or the environment. A file holds the secret
 * alone; one line end after it is not part of it (`echo "$S" > file` writes one). A file that cannot
 * be read, or holds nothing, is a configuration error that names it (exit 3), never the secret.
 */
export async function readSecret(source: SecretSource, io: CliIo): Promise<string | undefined> {
  if (source.value !== undefined) return source.value;
  if (source.file !== undefined) {
    const text =
      source.file === '-'
        ? await readStdin(io, source)
        : await readSecretFile(resolve(io.cwd, source.file), source);
    const secret = text.replace(/\r?\n$/, '');
    if (!secret)
      throw new CliError(
        `the ${source.what} ${source.file === '-' ? 'on standard input' : `file ${source.file}`} is empty: put the ${source.what} alone in it (${source.fileFlag})`,
        ExitCode.authOrConfig,
      );
    return secret;
  }
  return io.env[source.envName] || undefined;
}

async function readSecretFile(path: string, source: SecretSource): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new CliError(
      `cannot read the ${source.what} file ${path} (${source.fileFlag}): ${reason}`,
      ExitCode.authOrConfig,
      { cause: error },
    );
  }
}

async function readStdin(io: CliIo, source: SecretSource): Promise<string> {
  if (io.stdin.isTTY)
    throw new CliError(
      `${source.fileFlag} - reads the ${source.what} from standard input, which is a terminal here: pipe it in (printf %s "$SECRET" | ondemand …) or name a file`,
      ExitCode.authOrConfig,
    );
  return (await readAll(io.stdin)).toString('utf8');
}
