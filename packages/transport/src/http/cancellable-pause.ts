import { setTimeout as sleep } from 'node:timers/promises';
import { TransportError } from '../errors.js';

/** The error a cancelled call ends with: the cause's own if it is one of ours, else `aborted`. */
export function abortedOr(error: unknown, signal: AbortSignal | undefined): TransportError {
  if (error instanceof TransportError) return error;
  const reason = signal?.reason instanceof Error ? signal.reason.message : 'the call was cancelled';
  return new TransportError('aborted', `cancelled: ${reason}`, {}, { cause: error });
}

/** Waits `ms`, or rejects with an `aborted` {@link TransportError} as soon as `signal` aborts. */
export async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    throw abortedOr(error, signal);
  }
}
