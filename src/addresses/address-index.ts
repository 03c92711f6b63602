import type { AddressVia } from "../identity/identity.js";
import { appended } from "../json/arrays.js";

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

/** Past this many entries the small collections below switch from a list scan to a hash set. */
const SMALL = 8;

/**
 * Distinct values in insertion order (`list`) with a Set's equality (SameValueZero, as `includes`): a list scan
 * while there are few, a Set past {@link SMALL}. Most identities have one or two of each.
 */
export class DistinctValues<T> {
  /** The values in insertion order (read it after the last {@link add}: the first add replaces the array). */
  list: T[] = [];
  #set: Set<T> | undefined;

  has(value: T): boolean {
    return this.#set === undefined ? this.list.includes(value) : this.#set.has(value);
  }

  /** Adds `value`, which must not be present yet. */
  add(value: T): void {
    this.list = appended(this.list, value);
    if (this.#set !== undefined) this.#set.add(value);
    else if (this.list.length > SMALL) this.#set = new Set(this.list);
  }
}

const EMAIL_KEY_PREFIX = addressKey("email", "");

/**
 * Distinct (via, value) pairs, equal when their {@link addressKey}s are: while every via is `email` and there are
 * few, the values alone in a list (no key strings built); else a Set of keys.
 */
export class AddressKeys {
  #emails: string[] | undefined = [];
  #keys: Set<string> | undefined;

  has(via: string, value: string): boolean {
    if (this.#emails === undefined) return (this.#keys as Set<string>).has(addressKey(via, value));
    if (via === "email") return this.#emails.includes(value);
    // Another via's key equals an e-mail key only if it starts the same (a via "email\0..."), never in practice.
    const key = addressKey(via, value);
    return key.startsWith(EMAIL_KEY_PREFIX) && this.#emails.includes(key.slice(EMAIL_KEY_PREFIX.length));
  }

  /** Adds the pair, which must not be present yet. */
  add(via: string, value: string): void {
    if (this.#emails !== undefined) {
      if (via === "email" && this.#emails.length < SMALL) {
        this.#emails = appended(this.#emails, value);
        return;
      }
      this.#keys = new Set(this.#emails.map((v) => addressKey("email", v)));
      this.#emails = undefined;
    }
    (this.#keys as Set<string>).add(addressKey(via, value));
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
