import type { ConflictError } from "../../errors/index.js";
import { uniqueKeyConflict } from "../conflict-error.js";
import type { KeyKind, RecordFacts } from "./record-facts.js";

/** Owner ids by value, for one kind and one scope (credential type or address channel). */
class Owners extends Map<string, string> {
  constructor(
    readonly kind: KeyKind,
    readonly scope: string,
  ) {
    super();
  }
}

/**
 * The keys {@link UniqueIndex.check} found free: `[owners, value, owners, value, ...]` (a flat list, so a check of an
 * identity's few keys allocates one array, not an object per key).
 */
export class Keys {
  constructor(readonly list: readonly (Owners | string)[]) {}
}

/**
 * MemoryStorage's uniqueness index (storage contract: credential identifiers per type, verifiable and recovery
 * addresses per channel, external ids): a map per kind and scope from value to owner id, so a lookup hashes the
 * value itself, never a composite string built for it.
 */
export class UniqueIndex {
  readonly #scopes: Record<KeyKind, Map<string, Owners>> = {
    credential: new Map(),
    verifiable_address: new Map(),
    recovery_address: new Map(),
    external_id: new Map(),
  };

  /** The owner of a credential identifier (`scope`: the credential type), or of an external id (`scope` ""). */
  owner(kind: "credential" | "external_id", scope: string, value: string): string | undefined {
    return this.#scopes[kind].get(scope)?.get(value);
  }

  /**
   * The `identity_conflict` of the first of `keys` (`[kind, scope, value, ...]`, {@link RecordFacts}) that an
   * identity other than `id` owns or that the list repeats, or the keys to {@link claim} for `id`; changes nothing.
   * O(keys).
   */
  check(id: unknown, keys: readonly string[]): ConflictError | Keys {
    const list = this.#resolve(keys, true);
    const small = list.length <= 16;
    const seen = small ? undefined : new Map<Owners, Set<string>>();
    for (let i = 0; i < list.length; i += 2) {
      const owners = list[i] as Owners;
      const value = list[i + 1] as string;
      const owner = owners.get(value);
      let repeated = false;
      if (seen === undefined) {
        for (let j = 0; j < i && !repeated; j += 2) repeated = list[j] === owners && list[j + 1] === value;
      } else {
        const values = seen.get(owners) ?? new Set<string>();
        repeated = values.size === values.add(value).size;
        seen.set(owners, values);
      }
      if (repeated || (owner !== undefined && owner !== id)) {
        return uniqueKeyConflict(owners.kind, owners.scope, value);
      }
    }
    return new Keys(list);
  }

  /** Gives `id` the keys {@link check} returned (nothing may change the index in between). */
  claim(id: string, keys: Keys): void {
    const list = keys.list;
    for (let i = 0; i < list.length; i += 2) (list[i] as Owners).set(list[i + 1] as string, id);
  }

  /** Releases those of `keys` (as for {@link check}) that `id` owns. */
  release(id: unknown, keys: readonly string[]): void {
    const list = this.#resolve(keys, false);
    for (let i = 0; i < list.length; i += 2) {
      const owners = list[i] as Owners;
      const value = list[i + 1] as string;
      if (owners.get(value) === id) owners.delete(value);
    }
  }

  /** `[owners, value, ...]` of `keys` (scopes created when `create`, else keys of unknown scopes are left out). */
  #resolve(keys: readonly string[], create: boolean): (Owners | string)[] {
    const list: (Owners | string)[] = [];
    for (let i = 0; i < keys.length; i += 3) {
      const scopes = this.#scopes[keys[i] as KeyKind];
      const scope = keys[i + 1] as string;
      let owners = scopes.get(scope);
      if (owners === undefined && create) {
        owners = new Owners(keys[i] as KeyKind, scope);
        scopes.set(scope, owners);
      }
      if (owners !== undefined) list.push(owners, keys[i + 2] as string);
    }
    return list;
  }
}
