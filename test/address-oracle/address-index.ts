// Frozen copy of src/addresses/address-index.ts as of commit ef03307 (before the ASCII fast paths of issue 9): the oracle
// that test/address-fast-path.test.ts compares the current code with. Do not edit.
import type { AddressVia } from "../../src/identity/identity.js";

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
 * A memoised copy of a pure normalisation function, for one call: the same string met as a trait value, as an
 * address and as a stored value is normalised once. The cache lives as long as the returned function.
 */
export function memoize(normalize: (value: string) => string): (value: string) => string {
  const cache = new Map<string, string>();
  return (value) => {
    let out = cache.get(value);
    if (out === undefined) {
      out = normalize(value);
      cache.set(value, out);
    }
    return out;
  };
}

/**
 * Sorts in place by the UTF-8 bytes of `key(item)` (Go's string order, which is code point order), then by
 * `tieBreak`. Each key is encoded once, not once per comparison.
 */
export function sortByUtf8<T>(items: T[], key: (item: T) => string, tieBreak: (a: T, b: T) => number): T[] {
  const decorated = items.map((item) => ({ item, bytes: Buffer.from(key(item), "utf8") }));
  decorated.sort((a, b) => Buffer.compare(a.bytes, b.bytes) || tieBreak(a.item, b.item));
  for (let i = 0; i < decorated.length; i++) items[i] = (decorated[i] as { item: T }).item;
  return items;
}
