import { PassThrough } from 'node:stream';

/** Streams for running a command in-process: give it standard input, read what it wrote. */
export function memoryIo(
  options: {
    stdin?: string;
    env?: Record<string, string | undefined>;
    cwd?: string;
    isTTY?: boolean;
    /** Standard error as a terminal's (progress lines drawn in place). */
    stderrIsTTY?: boolean;
  } = {},
) {
  const stdin = Object.assign(new PassThrough(), { isTTY: options.isTTY ?? false });
  const stdout = Object.assign(new PassThrough(), { isTTY: false, columns: 100 });
  const stderr = Object.assign(new PassThrough(), { isTTY: options.stderrIsTTY ?? false });
  const written = { stdout: '', stderr: '' };
  stdout.on('data', (chunk) => {
    written.stdout += String(chunk);
  });
  stderr.on('data', (chunk) => {
    written.stderr += String(chunk);
  });
  stdin.end(options.stdin ?? '');
  const interruptHandlers = new Set<() => void>();
  const onInterrupt = (handler: () => void) => {
    interruptHandlers.add(handler);
    return () => interruptHandlers.delete(handler);
  };
  return {
    io: { stdin, stdout, stderr, env: options.env ?? {}, cwd: options.cwd ?? process.cwd(), onInterrupt },
    output: () => written.stdout,
    errors: () => written.stderr,
    /** As a Ctrl-C would: calls what the command registered; says whether anything was. */
    interrupt: () => {
      for (const handler of [...interruptHandlers]) handler();
      return interruptHandlers.size > 0;
    },
  };
}
