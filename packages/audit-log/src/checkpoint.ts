import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { z } from 'zod';
import type { ChainHead } from './entry.js';

/**
 * A signed statement that the audit chain had this head at this time: the log's anchor outside the
 * database (Certificate Transparency's signed tree head, CloudTrail's digest file). Whoever can write
 * the database but does not hold the key can neither rewrite the entries it covers nor cut them off.
 *
 * The format is its own, on purpose. It follows the shape of C2SP's tlog-checkpoint (a versioned
 * first line naming what it is, then the size and the hash, one per line, signed as text with
 * Ed25519, the key named by a prefix of its hash), but that format commits to the root of a Merkle
 * tree and its verifiers would check inclusion proofs this log cannot give: here the hash is the
 * head of a hash chain, so calling it a tlog checkpoint would promise what it is not. The signed
 * text is {@link checkpointMessage}; a line of the witness file is its JSON.
 */
export const checkpointSchema = z.strictObject({
  seq: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string().min(1),
  /** Which key signed it: the first 16 hex digits of the SHA-256 of its public key (SPKI DER). */
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  /** Ed25519 over {@link checkpointMessage}, base64. */
  signature: z.string().min(1),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** The exact bytes a checkpoint signs. */
export function checkpointMessage(checkpoint: Pick<Checkpoint, 'seq' | 'hash' | 'at'>): Buffer {
  return Buffer.from(
    `ondemand-audit-checkpoint/1\nseq ${checkpoint.seq}\nhash ${checkpoint.hash}\nat ${checkpoint.at}\n`,
  );
}

/** Signs checkpoints with an Ed25519 private key that lives outside the database and the log. */
export class CheckpointSigner {
  readonly keyId: string;
  /** What verifies this signer's checkpoints. */
  readonly publicKey: KeyObject;
  readonly #key: KeyObject;

  constructor(privateKey: KeyObject) {
    this.#key = privateKey;
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  sign(head: ChainHead, at: string): Checkpoint {
    const unsigned = { seq: head.seq, hash: head.hash, at };
    return {
      ...unsigned,
      keyId: this.keyId,
      signature: sign(null, checkpointMessage(unsigned), this.#key).toString('base64'),
    };
  }

  /**
   * A secret for another use of the same trust (the outcome spool's MACs), derived from the private
   * key and `purpose` (HMAC-SHA256): kept wherever the key is, never beside the database.
   */
  deriveKey(purpose: string): Buffer {
    return createHmac('sha256', this.#key.export({ type: 'pkcs8', format: 'der' }))
      .update(purpose)
      .digest();
  }

  /** Never shows the key. */
  toJSON(): { keyId: string } {
    return { keyId: this.keyId };
  }
}

/** Whether `publicKey` signed this checkpoint, as it stands. */
export function signedBy(checkpoint: Checkpoint, publicKey: KeyObject): boolean {
  try {
    return verify(
      null,
      checkpointMessage(checkpoint),
      publicKey,
      Buffer.from(checkpoint.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** The audit signing key from PEM text; `where` names its source in the error (never the key). */
export function readSigningKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(
      `${where} does not hold a PEM private key: make one with "openssl genpkey -algorithm ed25519"`,
    );
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(
      `${where} holds a ${key.asymmetricKeyType} key; audit checkpoints are signed with Ed25519`,
    );
  return key;
}

/** The public key that checks checkpoints, from PEM text (a private key works too: its public half). */
export function readPublicKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error(`${where} does not hold a PEM public key ("openssl pkey -in KEY -pubout" makes one)`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(
      `${where} holds a ${key.asymmetricKeyType} key; audit checkpoints are signed with Ed25519`,
    );
  return key;
}
