import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { decodeText } from './decode-text.js';
import { badInput } from './exit-codes.js';
import type { CliIo } from './io.js';

/**
 * Reads a command's input: a file, or standard input for `-` or no argument. A terminal on standard
 * input with no file is a mistake (the command would wait forever), so it is refused with the usage.
 */
export async function readInput(
  file: string | undefined,
  io: CliIo,
  usage: string,
): Promise<{ text: string; source: string }> {
  if (file === undefined || file === '-') {
    if (file === undefined && io.stdin.isTTY)
      throw badInput(`no input: give a FILE, or pipe JSON into the command\n\n${usage}`);
    return { text: decodeText(await readAll(io.stdin)), source: 'standard input' };
  }
  try {
    return { text: decodeText(await readFile(resolve(io.cwd, file))), source: file };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : code === 'EACCES'
            ? 'permission denied'
            : String(code);
    throw badInput(`cannot read ${file}: ${reason}`, { cause: error });
  }
}

/** Everything a stream holds, to its end: standard input piped into a command. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}
