import type { PendingApproval } from '@ondemand/transport';
import { ExitCode } from '../exit-codes.js';
import { interruptSignal } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { stillNeeded } from '../render/approval-text.js';

/** What Ctrl-C while waiting for approval says: nothing was cancelled. */
export function stoppedWaiting(id: string): string {
  return `stopped waiting: approval ${id} stays pending (ondemand approvals withdraw ${id} withdraws it)\n`;
}

/**
 * Runs a call that a proxy may hold for a second person's approval (a provisionOnDemand, a restart):
 * says so with a line for each change and waits; Ctrl-C stops waiting (the request stays pending,
 * and the exit code says interrupted) but cancels nothing. Resolves to the call's value, or to
 * `interrupted` when waiting was stopped.
 */
export async function runWaitingIfHeld<T>(
  io: CliIo,
  call: (options: { signal: AbortSignal; onPending: (approval: PendingApproval) => void }) => Promise<T>,
): Promise<{ value: T } | { interrupted: number }> {
  let held: { id: string; state: string; line: string } | undefined;
  const { signal, release } = interruptSignal(io);
  try {
    return {
      value: await call({
        signal,
        onPending: (approval) => {
          // A line for each change: its state, or what it still needs as approvals come in.
          const line =
            approval.state === 'pending'
              ? `waiting for approval: ${approval.url} (needs ${stillNeeded(approval)}; Ctrl-C stops waiting, the request stays pending)\n`
              : `${approval.state}: ${approval.url}\n`;
          if (line === held?.line) return;
          held = { id: approval.id, state: approval.state, line };
          io.stderr.write(line);
        },
      }),
    };
  } catch (error) {
    if (!signal.aborted) throw error;
    // Nothing was cancelled: a held request stays pending; a call already sent runs to its end.
    if (held?.state === 'pending') {
      io.stderr.write(stoppedWaiting(held.id));
      return { interrupted: ExitCode.interrupted };
    }
    throw error;
  } finally {
    release();
  }
}
