import type { ChainHead, CheckpointSigner } from '@ondemand/audit-log';
import { appendToWitness } from '@ondemand/audit-log';
import type { Clock } from '@ondemand/core';
import type { AuditStore } from './audit-store.js';

export interface CheckpointerOptions {
  store: AuditStore;
  signer: CheckpointSigner;
  /** The witness file outside the database; every checkpoint is appended to it too. */
  witnessFile?: string | undefined;
  /** A checkpoint once this many entries were appended since the last one… */
  everyEntries: number;
  /** …or this long after the last one, when entries came since. */
  everyMs: number;
  clock: Clock;
  onError: (message: string) => void;
}

/**
 * Signs the head of the chain now and then (every N entries or T seconds, and at shutdown) and
 * keeps each checkpoint in the database and the witness file. What it signs is always an entry this
 * process appended and saw committed, so every checkpoint names a point of the real chain.
 */
export class Checkpointer {
  #latest: ChainHead | undefined;
  #signed: ChainHead | undefined;
  #writing: Promise<void> = Promise.resolve();
  #timer: unknown;

  constructor(private readonly options: CheckpointerOptions) {}

  /** Starts the timer that signs a quiet log's newest entries. */
  start(): void {
    const tick = () => {
      void this.checkpoint();
      this.#timer = this.options.clock.setTimeout(tick, this.options.everyMs);
      (this.#timer as { unref?: () => void }).unref?.();
    };
    this.#timer = this.options.clock.setTimeout(tick, this.options.everyMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Tells it of an entry committed; signs at once when enough entries have come since the last checkpoint. */
  appended(head: ChainHead): void {
    if (!this.#latest || head.seq > this.#latest.seq) this.#latest = head;
    if (head.seq - (this.#signed?.seq ?? 0) >= this.options.everyEntries) void this.checkpoint();
  }

  /** Signs the newest entry seen, if it is newer than the last checkpoint; one at a time, in order. */
  checkpoint(): Promise<void> {
    this.#writing = this.#writing.then(async () => {
      const head = this.#latest;
      if (!head || (this.#signed && head.seq <= this.#signed.seq)) return;
      this.#signed = head;
      const checkpoint = this.options.signer.sign(head, new Date(this.options.clock.now()).toISOString());
      try {
        await this.options.store.addCheckpoint(checkpoint);
        if (this.options.witnessFile) await appendToWitness(this.options.witnessFile, checkpoint);
      } catch (error) {
        this.options.onError(
          `audit checkpoint of entry ${head.seq} not written: ${(error as Error).message}`,
        );
      }
    });
    return this.#writing;
  }

  /** Resolves when the checkpoints already asked for are written. */
  settled(): Promise<void> {
    return this.#writing;
  }

  /** The last checkpoint at shutdown. */
  async stop(): Promise<void> {
    this.options.clock.clearTimeout(this.#timer);
    await this.checkpoint();
  }
}
