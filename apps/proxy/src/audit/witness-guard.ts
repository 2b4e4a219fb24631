import { existsSync } from 'node:fs';
import { type CheckpointSigner, readWitness, signedBy } from '@ondemand/audit-log';
import type { AuditStore } from './audit-store.js';

/** The database holds less of the log than the witness file says it had: someone put back or cut it. */
export class AuditLogBehindWitness extends Error {}

/** One line of the proxy's JSON log at a level. */
type Say = (level: 'warn' | 'error', message: string) => void;

/**
 * Refuses to start on a database that is behind its own witness file (an older copy put back, an end
 * cut off): appending to it would build a second history over the first.
 */
export async function requireWitnessedLog(
  store: Pick<AuditStore, 'queryAudit'>,
  witnessFile: string,
  signer: CheckpointSigner | undefined,
  say: Say,
): Promise<void> {
  if (!existsSync(witnessFile)) return;
  const read = await readWitness(witnessFile);
  // Only what this proxy's key signed says how long the log was: a line anyone appended to the file
  // (the folder may be writable by more than the proxy) must neither block a start nor be believed.
  const checkpoints = signer
    ? read.checkpoints.filter((checkpoint, index) => {
        if (signedBy(checkpoint, signer.publicKey)) return true;
        say(
          'warn',
          `the witness file ${witnessFile}: line ${read.lines[index]} is not signed by this proxy's audit key: ignored (run "ondemand-proxy audit verify" with --witness to see it)`,
        );
        return false;
      })
    : read.checkpoints;
  const newest = checkpoints.reduce<(typeof checkpoints)[number] | undefined>(
    (best, each) => (!best || each.seq > best.seq ? each : best),
    undefined,
  );
  if (!newest) return;
  const [entry] = await store.queryAudit({ after: newest.seq - 1, limit: 1 });
  if (entry?.seq === newest.seq && entry.hash === newest.hash) return;
  throw new AuditLogBehindWitness(
    `the audit log does not hold entry ${newest.seq} as the witness file ${witnessFile} signed it at ${newest.at}: the database was rolled back or edited. Run "ondemand-proxy audit verify" with --witness; if an older copy was put back on purpose, move the witness file aside (keep it: it proves what the log held) and start again`,
  );
}
