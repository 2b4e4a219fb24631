import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root, for the built commands. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Starts a command that prints one JSON ready line on stdout (as `ondemand-sim` and `ondemand-proxy`
 * do) and resolves with that line and a way to stop it. Benchmarks run servers in their own process
 * so the load generator does not share their event loop.
 */
export async function startReadyProcess<T>(
  args: string[],
  env: Record<string, string> = {},
  /** `stderr`: inherited, dropped, or a file descriptor to write it to (a log file). */
  options: { stderr?: 'inherit' | 'ignore' | number } = {},
): Promise<{
  ready: T;
  child: ChildProcess;
  /** Whether the process still runs. */
  alive: () => boolean;
  /** SIGTERM (a graceful stop) by default; SIGKILL to stop it with no chance to clean up. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}> {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'],
    env: { ...process.env, ...env },
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`${args.join(' ')} exited with ${code} before it was ready`)),
    );
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  // Ended by a signal, a process has no exit code: both say it is gone.
  const alive = () => child.exitCode === null && child.signalCode === null;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (!alive()) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  return { ready: JSON.parse(line) as T, child, alive, stop };
}
