import { SealedLineFile } from '../spool/sealed-line-file.js';
import type { IdempotencyStore, IdempotentAnswer } from './idempotency-store.js';

/** A key's first answer as the spool keeps it: whose key, for which request, and what it got. */
export interface SpooledAnswer {
  principal: string;
  key: string;
  requestHash: string;
  answer: IdempotentAnswer;
}

/**
 * First answers to `Idempotency-Key`s that the store could not take, kept on this machine's disk
 * (synced, sealed: see {@link SealedLineFile}) until it can, so that a crash meanwhile does not turn
 * Graph's answer into "may have run". A line is written back only to its key while that key is still
 * claimed for the same request and unanswered, so a line added by hand cannot change a kept answer.
 */
export class AnswerSpool {
  readonly #file: SealedLineFile<SpooledAnswer>;

  constructor(path: string, macKey?: Buffer) {
    this.#file = new SealedLineFile(path, macKey);
  }

  get path(): string {
    return this.#file.path;
  }

  /** Keeps an answer on this machine's disk. */
  keep(answer: SpooledAnswer): Promise<void> {
    return this.#file.append(answer);
  }

  /**
   * Writes the kept answers to their keys and empties the file (refused lines go to `PATH.refused`).
   * Resolves to the answers written; if the store fails, everything stays for the next flush.
   */
  flush(
    store: Pick<IdempotencyStore, 'answerIdempotencyKey'>,
    onRefused: (refused: Array<{ line: number; why: string }>) => void = () => {},
  ): Promise<SpooledAnswer[]> {
    return this.#file.serial(async () => {
      const { values, refused } = await this.#file.read();
      for (const { value } of values)
        await store.answerIdempotencyKey(value.principal, value.key, value.answer, {
          requestHash: value.requestHash,
        });
      await this.#file.clear(refused);
      if (refused.length > 0) onRefused(refused.map(({ line, why }) => ({ line, why })));
      return values.map(({ value }) => value);
    });
  }
}
