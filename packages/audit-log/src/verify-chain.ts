import type { KeyObject } from 'node:crypto';
import type { ChainProblem, ChainProblemKind, ChainVerdict } from '@ondemand/core';
import { type Checkpoint, signedBy } from './checkpoint.js';
import { type ChainHead, type ChainRow, GENESIS_HASH, sha256 } from './entry.js';

/** What a store hands the verifier: one consistent snapshot of the log. */
export interface ChainSource {
  /** The stored head row; `undefined` when it is missing. */
  head: ChainHead | undefined;
  /** The checkpoints kept in the database. */
  checkpoints: Checkpoint[];
  /** Every entry in `seq` order, in batches. */
  rows(): AsyncIterable<ChainRow[]>;
}

/** What the verifier trusts that the database cannot change. */
export interface ChainTrust {
  /** The key audit checkpoints are signed with (its public half). */
  publicKey?: KeyObject | undefined;
  /** Checkpoints from the witness file, and its lines that could not be read. */
  witness?: { checkpoints: Checkpoint[]; unreadable: number[]; incomplete?: number | undefined } | undefined;
}

export type { ChainProblem, ChainProblemKind, ChainVerdict };

export const MAX_LISTED_PROBLEMS = 100;

/** Problems found so far: the first {@link MAX_LISTED_PROBLEMS} kept, all of them counted. */
class Findings {
  readonly listed: ChainProblem[] = [];
  count = 0;

  report = (kind: ChainProblemKind, seq: number, message: string): void => {
    this.count += 1;
    if (this.listed.length < MAX_LISTED_PROBLEMS) this.listed.push({ kind, seq, message });
  };
}

type Report = Findings['report'];
type TrustedCheckpoint = Checkpoint & { from: string };

/**
 * Checks the whole log and lists every problem, not only the first. Reads only. The steps, in order
 * (sigstore-js's verifier reads the same way: one named check after another):
 * 1. the checkpoints worth trusting (signatures, the witness file's unreadable lines);
 * 2. every entry: its place, its link to the one before, its hash, and the checkpoints that sign it;
 * 3. the stored head against the last entry (a cut-off end, entries added after it);
 * 4. checkpoints that cover entries the log no longer has (an end cut off with the head, a rollback);
 * 5. checkpoints in the witness file that the database lost.
 */
export async function verifyChain(source: ChainSource, trust: ChainTrust = {}): Promise<ChainVerdict> {
  const findings = new Findings();
  const { checkpoints, witnessOnly } = trustedCheckpoints(source.checkpoints, trust, findings.report);
  const { entries, last } = await checkEntries(source.rows(), checkpoints, findings.report);
  checkHead(source.head, last, findings.report);
  const newest = checkCheckpointsCovered(checkpoints, last, findings.report);
  checkWitnessKeptInDatabase(witnessOnly, findings.report);
  return {
    valid: findings.count === 0,
    entries,
    head: last,
    problems: findings.listed,
    problemCount: findings.count,
    checkpoints: { checked: checkpoints.length, newest: newest ? { seq: newest.seq, at: newest.at } : null },
    unchecked: uncheckedParts(trust, newest, last),
  };
}

/** Step 2: each entry in order: gaps, repeats, broken links, altered text, rewrites under a checkpoint. */
async function checkEntries(
  rows: AsyncIterable<ChainRow[]>,
  checkpoints: TrustedCheckpoint[],
  report: Report,
): Promise<{ entries: number; last: ChainHead }> {
  const wanted = new Map<number, TrustedCheckpoint[]>();
  for (const checkpoint of checkpoints)
    wanted.set(checkpoint.seq, [...(wanted.get(checkpoint.seq) ?? []), checkpoint]);
  let entries = 0;
  let expectedSeq = 1;
  let previous = GENESIS_HASH;
  for await (const batch of rows) {
    for (const row of batch) {
      const { seq } = row;
      entries += 1;
      const gap = seq > expectedSeq;
      if (gap)
        report(
          'removed',
          expectedSeq,
          seq === expectedSeq + 1
            ? `entry ${expectedSeq} is missing`
            : `entries ${expectedSeq}–${seq - 1} are missing`,
        );
      else if (seq < expectedSeq)
        report(
          'reordered',
          seq,
          `entry ${seq} appears again, or out of order, after entry ${expectedSeq - 1}`,
        );
      if (seq >= expectedSeq && !gap && row.prevHash !== previous)
        report('reordered', seq, `entry ${seq} does not follow entry ${seq - 1}: the chain is broken there`);
      else if (seq >= expectedSeq && sha256(row.hashed) !== row.hash)
        report('altered', seq, `entry ${seq} was changed after it was written`);
      for (const checkpoint of wanted.size > 0 ? (wanted.get(seq) ?? []) : [])
        if (checkpoint.hash !== row.hash)
          report(
            'rewritten',
            seq,
            `entry ${seq} is not the entry signed at ${checkpoint.at} (${checkpoint.from}): the log up to entry ${seq} was rewritten, its hashes recomputed`,
          );
      previous = row.hash;
      expectedSeq = Math.max(expectedSeq, seq + 1);
    }
  }
  return { entries, last: { seq: expectedSeq - 1, hash: previous } };
}

/** Step 3: the head row every append rewrites, against the last entry read. */
function checkHead(head: ChainHead | undefined, last: ChainHead, report: Report): void {
  if (!head)
    report(
      'head_missing',
      last.seq,
      "the chain's head row is missing (every append rewrites it, nothing deletes it): someone removed it, so a cut-off end can only be found by a checkpoint",
    );
  else if (head.seq > last.seq)
    report(
      'cut_off',
      last.seq + 1,
      `the log ends at entry ${last.seq} but its head says ${head.seq} entries were written: the end was cut off`,
    );
  else if (head.seq < last.seq)
    report(
      'added',
      head.seq + 1,
      `entries ${head.seq + 1}–${last.seq} come after the chain's head: they were added outside the proxy, or the head was set back`,
    );
  else if (head.hash !== last.hash)
    report(
      'altered',
      last.seq,
      `the chain's head does not hold the hash of entry ${last.seq}: one of them was changed`,
    );
}

/** Step 4: a checkpoint past the log's end; returns the newest checkpoint the log does reach. */
function checkCheckpointsCovered(
  checkpoints: TrustedCheckpoint[],
  last: ChainHead,
  report: Report,
): Checkpoint | undefined {
  let newest: Checkpoint | undefined;
  for (const checkpoint of checkpoints) {
    if (checkpoint.seq > last.seq)
      report(
        'cut_off',
        last.seq + 1,
        `a checkpoint signed at ${checkpoint.at} (${checkpoint.from}) covers entry ${checkpoint.seq}, but the log ends at entry ${last.seq}: entries were removed, or an older copy of the database was put back`,
      );
    else if (!newest || checkpoint.seq > newest.seq) newest = checkpoint;
  }
  return newest;
}

/** Step 5: what the witness file holds and the database no longer does. */
function checkWitnessKeptInDatabase(witnessOnly: Checkpoint[], report: Report): void {
  for (const checkpoint of witnessOnly)
    report(
      'checkpoint_removed',
      checkpoint.seq,
      `the checkpoint for entry ${checkpoint.seq} signed at ${checkpoint.at} is in the witness file but not in the database: it was removed`,
    );
}

/**
 * Step 1: the checkpoints worth comparing: from the database and the witness, once each, without those whose
 * signature fails (reported as such); and the witness's ones the database no longer has.
 */
function trustedCheckpoints(
  stored: Checkpoint[],
  trust: ChainTrust,
  report: Report,
): { checkpoints: TrustedCheckpoint[]; witnessOnly: Checkpoint[] } {
  for (const line of trust.witness?.unreadable ?? [])
    report('unreadable_witness', 0, `line ${line} of the witness file is not a checkpoint`);
  const identity = (checkpoint: Checkpoint) =>
    `${checkpoint.seq} ${checkpoint.hash} ${checkpoint.at} ${checkpoint.signature}`;
  const seen = new Map<string, TrustedCheckpoint>();
  const add = (checkpoint: Checkpoint, from: string) => {
    const key = identity(checkpoint);
    if (seen.has(key)) return;
    if (trust.publicKey && !signedBy(checkpoint, trust.publicKey)) {
      report(
        'bad_signature',
        checkpoint.seq,
        `the checkpoint for entry ${checkpoint.seq} in the ${from} (signed at ${checkpoint.at}, key ${checkpoint.keyId}) is not signed by the given key: forged, or signed with another key`,
      );
      return;
    }
    seen.set(key, { ...checkpoint, from });
  };
  for (const checkpoint of stored) add(checkpoint, 'database');
  const inDatabase = new Set(stored.map(identity));
  const witnessOnly: Checkpoint[] = [];
  for (const checkpoint of trust.witness?.checkpoints ?? []) {
    add(checkpoint, 'witness file');
    if (!inDatabase.has(identity(checkpoint))) witnessOnly.push(checkpoint);
  }
  return { checkpoints: [...seen.values()], witnessOnly };
}

function uncheckedParts(trust: ChainTrust, newest: Checkpoint | undefined, last: ChainHead): string[] {
  const unchecked: string[] = [];
  if (!trust.publicKey)
    unchecked.push(
      'checkpoint signatures (no public key given): someone who can write the database could have rewritten entries and recomputed every hash, the head and the checkpoints, and this verdict would not show it',
    );
  if (!trust.witness)
    unchecked.push(
      'the witness file (none given): had someone removed the newest entries together with the head and the checkpoints, or put back an older copy of the database, this verdict would not show it',
    );
  if (trust.witness?.incomplete)
    unchecked.push(
      `line ${trust.witness.incomplete} of the witness file, not yet ended by a newline (being written, or cut short by a stop)`,
    );
  if (last.seq > (newest?.seq ?? 0))
    unchecked.push(
      newest
        ? `entries ${newest.seq + 1}–${last.seq} are newer than the newest checkpoint (entry ${newest.seq}, ${newest.at}): only the hash chain protects them`
        : `no checkpoint covers any of the ${last.seq} entries: only the hash chain protects them`,
    );
  return unchecked;
}
