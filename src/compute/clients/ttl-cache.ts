/**
 * A small time-bounded map for lookups in other services (an image, a network) that a burst of API calls
 * repeats: entries expire after `ttlMs`, and the oldest go first past `max`.
 */
export class TtlCache<V> {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #entries = new Map<string, { value: V; until: number }>();

  constructor(ttlMs: number, max: number) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  get(key: string): { found: true; value: V } | { found: false } {
    const e = this.#entries.get(key);
    if (!e) return { found: false };
    if (e.until < Date.now()) {
      this.#entries.delete(key);
      return { found: false };
    }
    return { found: true, value: e.value };
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, until: Date.now() + this.#ttlMs });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  deleteWhere(match: (key: string) => boolean): void {
    for (const key of [...this.#entries.keys()]) if (match(key)) this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
