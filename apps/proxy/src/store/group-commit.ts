/**
 * Group commit: items that arrive while the previous commit runs (or in the same turn of the event
 * loop) share the next commit, so one disk sync or one database round trip makes all of them
 * durable before any caller goes on. One commit at a time keeps this process's items in order.
 * If a commit fails, every caller in it fails (and so fails closed).
 */
export class GroupCommit<Item, Result> {
  readonly #pending: Array<{
    item: Item;
    resolve: (result: Result) => void;
    reject: (error: unknown) => void;
  }> = [];
  #busy = false;

  constructor(private readonly commit: (batch: Item[]) => Result[] | Promise<Result[]>) {}

  add(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (!this.#busy) this.#schedule();
    });
  }

  #schedule(): void {
    this.#busy = true;
    setImmediate(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    const batch = this.#pending.splice(0);
    try {
      const results = await this.commit(batch.map((each) => each.item));
      for (const [index, each] of batch.entries()) each.resolve(results[index]!);
    } catch (error) {
      for (const each of batch) each.reject(error);
    }
    if (this.#pending.length > 0) this.#schedule();
    else this.#busy = false;
  }
}
