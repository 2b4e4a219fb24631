/**
 * Reads shared by everyone who asks for the same thing at the same moment: the first caller for a
 * key and stamp runs `read`; the others get its promise. A new stamp (something changed, or time
 * moved on) starts a new read. So a hundred long-polls waiting on one page build it once per change,
 * not a hundred times a second.
 */
export class SharedReads<T> {
  readonly #current = new Map<string, { stamp: string; value: Promise<T> }>();

  constructor(private readonly maxKeys = 1_000) {}

  read(key: string, stamp: string, read: () => Promise<T>): Promise<T> {
    const held = this.#current.get(key);
    if (held && held.stamp === stamp) return held.value;
    const value = read();
    // A failed read is not shared beyond its moment: the next ask reads again.
    value.catch(() => {
      if (this.#current.get(key)?.value === value) this.#current.delete(key);
    });
    this.#current.delete(key);
    if (this.#current.size >= this.maxKeys) this.#current.delete(this.#current.keys().next().value!);
    this.#current.set(key, { stamp, value });
    return value;
  }
}
