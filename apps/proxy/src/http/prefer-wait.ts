/** The longest a call is held for `Prefer: wait=N` (RFC 7240). */
export const MAX_WAIT_SECONDS = 60;

/** The seconds `Prefer: wait=N` asks for (capped), or 0. */
export function preferredWait(prefer: string | undefined): number {
  const asked = Number(/(?:^|[,;\s])wait\s*=\s*(\d+)/i.exec(prefer ?? '')?.[1] ?? 0);
  return Math.min(MAX_WAIT_SECONDS, asked);
}
