import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ChainRow,
  type ChainSource,
  CheckpointSigner,
  canonicalJson,
  toChainRow,
  verifyChain,
} from '../src/index.js';
import { logOf } from './logs.js';

const signer = new CheckpointSigner(generateKeyPairSync('ed25519').privateKey);

/** A snapshot of a log of `count` entries, as a store hands it to the verifier; `edit` changes its rows. */
function source(count: number, edit: (rows: ChainRow[]) => ChainRow[] = (rows) => rows): ChainSource {
  const { rows, head } = logOf(count);
  const chain = edit(rows.map(toChainRow));
  return {
    head,
    checkpoints: [],
    async *rows() {
      yield chain;
    },
  };
}

describe('verifyChain', () => {
  it('finds an intact log intact, and says what it could not check', async () => {
    const verdict = await verifyChain(source(5));
    expect(verdict).toMatchObject({ valid: true, entries: 5, problemCount: 0, head: { seq: 5 } });
    expect(verdict.unchecked.join('\n')).toMatch(
      /no public key given[\s\S]*none given[\s\S]*no checkpoint covers/,
    );
  });

  it('names each problem by kind and place: altered, removed, a cut-off end', async () => {
    const altered = await verifyChain(
      source(5, (rows) => rows.map((row) => (row.seq === 3 ? { ...row, hashed: `${row.hashed} ` } : row))),
    );
    expect(altered.problems).toEqual([expect.objectContaining({ kind: 'altered', seq: 3 })]);
    const removed = await verifyChain(source(5, (rows) => rows.filter((row) => row.seq !== 2)));
    expect(removed.problems[0]).toMatchObject({ kind: 'removed', seq: 2, message: 'entry 2 is missing' });
    const cut = await verifyChain(source(5, (rows) => rows.slice(0, 3)));
    expect(cut.problems).toEqual([expect.objectContaining({ kind: 'cut_off', seq: 4 })]);
  });

  it('trusts only checkpoints the key signed, and finds an end cut off together with its head', async () => {
    const { rows, head } = logOf(4);
    const signed = signer.sign(head, '2026-12-07T10:00:00Z');
    const forged = { ...signer.sign({ seq: 2, hash: rows[1]!.hash }, '2026-12-07T10:00:01Z'), seq: 3 };
    const chain = rows.slice(0, 3).map(toChainRow);
    const verdict = await verifyChain(
      {
        head: { seq: 3, hash: chain[2]!.hash },
        checkpoints: [forged],
        async *rows() {
          yield chain;
        },
      },
      { publicKey: signer.publicKey, witness: { checkpoints: [signed], unreadable: [7] } },
    );
    expect(verdict.problems.map((problem) => problem.kind).sort()).toEqual([
      'bad_signature',
      'checkpoint_removed',
      'cut_off',
      'unreadable_witness',
    ]);
  });

  it('canonical JSON is one text for one value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
      }),
    );
  });
});
