import { ExitCode } from './exit-codes.js';
import type { CliIo, OnInterrupt } from './io.js';

/**
 * The process's interrupts: with a handler registered, the first Ctrl-C or SIGTERM calls it (the
 * command stops waiting, finishes what is in flight and exits with its own code); a second one, or
 * one with no handler, exits 130 at once, as a command without its own handling would.
 */
export function processInterrupts(): OnInterrupt {
  const handlers = new Set<() => void>();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted || handlers.size === 0) process.exit(130);
    interrupted = true;
    for (const handler of [...handlers]) handler();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The terminal went away: nobody is left to wait for, so exit now, as 128 + SIGHUP. Exiting (rather
  // than dying of the signal) runs the exit handlers that remove what the command made (the
  // simulator's folder).
  process.on('SIGHUP', () => process.exit(ExitCode.hungUp));
  return (handler) => {
    handlers.add(handler);
    return () => handlers.delete(handler);
  };
}

/**
 * An AbortSignal that aborts at the first interrupt, for the calls a command makes, and `release`,
 * which stops listening. Without interrupts (in tests) the signal aborts only if `io.onInterrupt` is
 * given and fired.
 */
export function interruptSignal(io: CliIo): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const release =
    io.onInterrupt?.(() => controller.abort(new Error('stopped by Ctrl-C'))) ?? (() => undefined);
  return { signal: controller.signal, release };
}
