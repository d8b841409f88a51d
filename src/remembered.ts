/**
 * Values already worked out, by key, for work a process repeats with the same inputs (texts measured, titles
 * typeset, short streams compressed). Bounded: holding `limit` entries it starts again empty, so that a long-lived
 * process (the preview) does not keep everything it ever worked out.
 */
export class Remembered<K, V> {
  private readonly values = new Map<K, V>();

  constructor(private readonly limit: number) {}

  /** The value for `key`, worked out by `make` the first time. */
  get(key: K, make: () => V): V {
    let value = this.values.get(key);
    if (value === undefined) {
      value = make();
      if (this.values.size >= this.limit) this.values.clear();
      this.values.set(key, value);
    }
    return value;
  }
}
