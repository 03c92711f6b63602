import type { AddressVia } from "../identity/identity.js";

/** The key of an address in the maps below: `via` and value, separated by a NUL (which no via contains). */
export const addressKey = (via: string, value: string): string => `${via}\0${value}`;

/**
 * Stored addresses indexed by (`via` defaulting to email, normalised value), built on the first lookup and then
 * reused for the rest of the call: every stored value is normalised once, and each lookup is one Map access, so
 * reusing n addresses out of m costs O(n + m) normalisations instead of O(n × m).
 */
export class AddressIndex<T extends { value: string; via: AddressVia }> {
  readonly #records: readonly T[];
  readonly #normalize: (value: string) => string;
  #byKey: Map<string, T> | undefined;

  constructor(records: readonly T[], normalize: (value: string) => string) {
    this.#records = records;
    this.#normalize = normalize;
  }

  /**
   * {@link get} of `value` normalised, without normalising anything when there are no records (the normaliser
   * must be pure and must not throw).
   */
  find(via: AddressVia, value: string): T | undefined {
    return this.#records.length === 0 ? undefined : this.get(via, this.#normalize(value));
  }

  /** The first record whose via and normalised value equal `via` and `normalizedValue` (as `Array.find` would). */
  get(via: AddressVia, normalizedValue: string): T | undefined {
    if (this.#byKey === undefined) {
      this.#byKey = new Map();
      for (const record of this.#records) {
        const key = addressKey(record.via || "email", this.#normalize(record.value));
        if (!this.#byKey.has(key)) this.#byKey.set(key, record);
      }
    }
    return this.#byKey.get(addressKey(via, normalizedValue));
  }
}

/**
 * Sorts in place by the UTF-8 bytes of `key(item)` (Go's string order, which is code point order), then by
 * `tieBreak`. Each key is encoded once, not once per comparison.
 */
export function sortByUtf8<T>(items: T[], key: (item: T) => string, tieBreak: (a: T, b: T) => number): T[] {
  if (items.length < 2) return items;
  const decorated = items.map((item) => ({ item, bytes: Buffer.from(key(item), "utf8") }));
  decorated.sort((a, b) => Buffer.compare(a.bytes, b.bytes) || tieBreak(a.item, b.item));
  for (let i = 0; i < decorated.length; i++) items[i] = (decorated[i] as { item: T }).item;
  return items;
}
