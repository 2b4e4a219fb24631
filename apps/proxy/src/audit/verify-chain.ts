import type { KeyObject } from 'node:crypto';
import type { ChainProblem, ChainProblemKind, ChainVerdict } from '@ondemand/core';
import { type Checkpoint, signedBy } from './checkpoint.js';
import { type ChainHead, type ChainRow, GENESIS_HASH, sha256 } from './stored-entry.js';

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
  witness?: { checkpoints: Checkpoint[]; unreadable: number[] } | undefined;
}

export type { ChainProblem, ChainProblemKind, ChainVerdict };

export const MAX_LISTED_PROBLEMS = 100;

/**
 * Checks the whole log and lists every problem, not only the first: each entry's hash over its stored
 * text, the links between entries, the stored head (a cut-off end), and the signed checkpoints from
 * the database and the witness file (a rewrite with recomputed hashes, an end cut off together with
 * the head, a rollback to an older copy). Reads only.
 */
export async function verifyChain(source: ChainSource, trust: ChainTrust = {}): Promise<ChainVerdict> {
  const problems: ChainProblem[] = [];
  let problemCount = 0;
  const report = (kind: ChainProblemKind, seq: number, message: string) => {
    problemCount += 1;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push({ kind, seq, message });
  };

  const { checkpoints, witnessOnly } = trustedCheckpoints(source.checkpoints, trust, report);
  const wanted = new Map<number, Array<Checkpoint & { from: string }>>();
  for (const checkpoint of checkpoints) {
    wanted.set(checkpoint.seq, [...(wanted.get(checkpoint.seq) ?? []), checkpoint]);
  }

  let entries = 0;
  let expectedSeq = 1;
  let previous = GENESIS_HASH;
  for await (const batch of source.rows()) {
    for (const row of batch) {
      const { seq } = row;
      entries += 1;
      let gap = false;
      if (seq > expectedSeq) {
        gap = true;
        report(
          'removed',
          expectedSeq,
          seq === expectedSeq + 1
            ? `entry ${expectedSeq} is missing`
            : `entries ${expectedSeq}–${seq - 1} are missing`,
        );
      } else if (seq < expectedSeq) {
        report(
          'reordered',
          seq,
          `entry ${seq} appears again, or out of order, after entry ${expectedSeq - 1}`,
        );
      }
      if (seq >= expectedSeq && !gap && row.prevHash !== previous) {
        report('reordered', seq, `entry ${seq} does not follow entry ${seq - 1}: the chain is broken there`);
      } else if (seq >= expectedSeq && sha256(row.hashed) !== row.hash) {
        report('altered', seq, `entry ${seq} was changed after it was written`);
      }
      for (const checkpoint of wanted.size > 0 ? (wanted.get(seq) ?? []) : []) {
        if (checkpoint.hash !== row.hash)
          report(
            'rewritten',
            seq,
            `entry ${seq} is not the entry signed at ${checkpoint.at} (${checkpoint.from}): the log up to entry ${seq} was rewritten, its hashes recomputed`,
          );
      }
      previous = row.hash;
      expectedSeq = Math.max(expectedSeq, seq + 1);
    }
  }
  const last: ChainHead = { seq: expectedSeq - 1, hash: previous };

  if (!source.head) {
    report(
      'head_missing',
      last.seq,
      "the chain's head row is missing (every append rewrites it, nothing deletes it): someone removed it, so a cut-off end can only be found by a checkpoint",
    );
  } else if (source.head.seq > last.seq) {
    report(
      'cut_off',
      last.seq + 1,
      `the log ends at entry ${last.seq} but its head says ${source.head.seq} entries were written: the end was cut off`,
    );
  } else if (source.head.seq < last.seq) {
    report(
      'added',
      source.head.seq + 1,
      `entries ${source.head.seq + 1}–${last.seq} come after the chain's head: they were added outside the proxy, or the head was set back`,
    );
  } else if (source.head.hash !== last.hash) {
    report(
      'altered',
      last.seq,
      `the chain's head does not hold the hash of entry ${last.seq}: one of them was changed`,
    );
  }

  let newest: Checkpoint | undefined;
  for (const checkpoint of checkpoints) {
    if (checkpoint.seq > last.seq) {
      report(
        'cut_off',
        last.seq + 1,
        `a checkpoint signed at ${checkpoint.at} (${checkpoint.from}) covers entry ${checkpoint.seq}, but the log ends at entry ${last.seq}: entries were removed, or an older copy of the database was put back`,
      );
    } else if (!newest || checkpoint.seq > newest.seq) {
      newest = checkpoint;
    }
  }
  for (const checkpoint of witnessOnly)
    report(
      'checkpoint_removed',
      checkpoint.seq,
      `the checkpoint for entry ${checkpoint.seq} signed at ${checkpoint.at} is in the witness file but not in the database: it was removed`,
    );

  return {
    valid: problemCount === 0,
    entries,
    head: last,
    problems,
    problemCount,
    checkpoints: { checked: checkpoints.length, newest: newest ? { seq: newest.seq, at: newest.at } : null },
    unchecked: uncheckedParts(trust, newest, last),
  };
}

/**
 * The checkpoints worth comparing: from the database and the witness, once each, without those whose
 * signature fails (reported as such); and the witness's ones the database no longer has.
 */
function trustedCheckpoints(
  stored: Checkpoint[],
  trust: ChainTrust,
  report: (kind: ChainProblemKind, seq: number, message: string) => void,
): { checkpoints: Array<Checkpoint & { from: string }>; witnessOnly: Checkpoint[] } {
  for (const line of trust.witness?.unreadable ?? [])
    report('unreadable_witness', 0, `line ${line} of the witness file is not a checkpoint`);
  const identity = (checkpoint: Checkpoint) =>
    `${checkpoint.seq} ${checkpoint.hash} ${checkpoint.at} ${checkpoint.signature}`;
  const seen = new Map<string, Checkpoint & { from: string }>();
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
  if (last.seq > (newest?.seq ?? 0))
    unchecked.push(
      newest
        ? `entries ${newest.seq + 1}–${last.seq} are newer than the newest checkpoint (entry ${newest.seq}, ${newest.at}): only the hash chain protects them`
        : `no checkpoint covers any of the ${last.seq} entries: only the hash chain protects them`,
    );
  return unchecked;
}
