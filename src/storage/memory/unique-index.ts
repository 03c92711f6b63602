import type { ConflictError } from "../../errors/index.js";
import { uniqueKeyConflict } from "../conflict-error.js";
import type { KeyKind, RecordFacts } from "./record-facts.js";

/** One kind and scope of key (credential type or address channel), interned: compared by identity. */
class Scope {
  constructor(
    readonly kind: KeyKind,
    readonly scope: string,
  ) {}
}

/**
 * The owners of one value under every scope that holds it: `[scope, ownerId, scope, ownerId, ...]`. An e-mail is
 * typically a password identifier, a verifiable and a recovery address of one identity: one map entry and one
 * probe for all three, not one per scope.
 */
type Slot = (Scope | string)[];

/**
 * The keys {@link UniqueIndex.check} found free: `[scope, value, scope, value, ...]` (a flat list, so a check of an
 * identity's few keys allocates one array, not an object per key).
 */
export class Keys {
  constructor(readonly list: readonly (Scope | string)[]) {}
}

/** Index of `scope` in `slot` (at an even position), or -1. Slots hold a few scopes: a scan beats a hash. */
function find(slot: Slot, scope: Scope): number {
  for (let i = 0; i < slot.length; i += 2) if (slot[i] === scope) return i;
  return -1;
}

/**
 * MemoryStorage's uniqueness index (storage contract: credential identifiers per type, verifiable and recovery
 * addresses per channel, external ids): one map from value to the owners of that value per kind and scope, so the
 * keys one value stands for cost one hash lookup, never a composite string built for it.
 */
export class UniqueIndex {
  readonly #scopes: Record<KeyKind, Map<string, Scope>> = {
    credential: new Map(),
    verifiable_address: new Map(),
    recovery_address: new Map(),
    external_id: new Map(),
  };
  readonly #byValue = new Map<string, Slot>();

  /** The owner of a credential identifier (`scope`: the credential type), or of an external id (`scope` ""). */
  owner(kind: "credential" | "external_id", scope: string, value: string): string | undefined {
    const key = this.#scopes[kind].get(scope);
    const slot = key === undefined ? undefined : this.#byValue.get(value);
    if (slot === undefined) return undefined;
    const at = find(slot, key as Scope);
    return at < 0 ? undefined : (slot[at + 1] as string);
  }

  /**
   * The `identity_conflict` of the first of `keys` (`[kind, scope, value, ...]`, {@link RecordFacts}) that an
   * identity other than `id` owns or that the list repeats, or the keys to {@link claim} for `id`; changes nothing.
   * O(keys) (quadratic only in the keys of one value, or past 16 keys through a set of pairs).
   */
  check(id: unknown, keys: readonly string[]): ConflictError | Keys {
    const list = this.#resolve(keys, true);
    const seen = list.length <= 16 ? undefined : new Map<Scope, Set<string>>();
    let value: string | undefined;
    let slot: Slot | undefined;
    for (let i = 0; i < list.length; i += 2) {
      const scope = list[i] as Scope;
      const next = list[i + 1] as string;
      if (next !== value) {
        value = next;
        slot = this.#byValue.get(next);
      }
      let repeated = false;
      if (seen === undefined) {
        for (let j = 0; j < i && !repeated; j += 2) repeated = list[j] === scope && list[j + 1] === next;
      } else {
        const values = seen.get(scope) ?? new Set<string>();
        repeated = values.size === values.add(next).size;
        seen.set(scope, values);
      }
      const at = slot === undefined ? -1 : find(slot, scope);
      if (repeated || (at >= 0 && (slot as Slot)[at + 1] !== id)) {
        return uniqueKeyConflict(scope.kind, scope.scope, next);
      }
    }
    return new Keys(list);
  }

  /** Gives `id` the keys {@link check} returned (nothing may change the index in between). */
  claim(id: string, keys: Keys): void {
    const list = keys.list;
    for (let i = 0; i < list.length; ) {
      const value = list[i + 1] as string;
      let end = i + 2;
      while (end < list.length && list[end + 1] === value) end += 2;
      const slot = this.#byValue.get(value);
      if (slot === undefined) {
        // A new value's slot is made at its exact length (a pushed-to array keeps room for ~16 more elements).
        const fresh: Slot = new Array(end - i);
        for (let j = i; j < end; j += 2) {
          fresh[j - i] = list[j] as Scope;
          fresh[j - i + 1] = id;
        }
        this.#byValue.set(value, fresh);
      } else {
        const added: Slot = [];
        for (let j = i; j < end; j += 2) {
          const at = find(slot, list[j] as Scope);
          if (at >= 0)
            slot[at + 1] = id; // already `id`'s: check refused any other owner
          else added.push(list[j] as Scope, id);
        }
        if (added.length > 0) this.#byValue.set(value, [...slot, ...added]);
      }
      i = end;
    }
  }

  /** Releases those of `keys` (as for {@link check}) that `id` owns. */
  release(id: unknown, keys: readonly string[]): void {
    const list = this.#resolve(keys, false);
    for (let i = 0; i < list.length; i += 2) {
      const value = list[i + 1] as string;
      const slot = this.#byValue.get(value);
      const at = slot === undefined ? -1 : find(slot, list[i] as Scope);
      if (at < 0 || (slot as Slot)[at + 1] !== id) continue;
      if ((slot as Slot).length === 2) this.#byValue.delete(value);
      else
        this.#byValue.set(
          value,
          (slot as Slot).filter((_, j) => j !== at && j !== at + 1),
        );
    }
  }

  /** `[scope, value, ...]` of `keys` (scopes created when `create`, else keys of unknown scopes are left out). */
  #resolve(keys: readonly string[], create: boolean): (Scope | string)[] {
    const list: (Scope | string)[] = new Array(Math.ceil(keys.length / 3) * 2);
    let n = 0;
    for (let i = 0; i < keys.length; i += 3) {
      const scopes = this.#scopes[keys[i] as KeyKind];
      const name = keys[i + 1] as string;
      let scope = scopes.get(name);
      if (scope === undefined && create) {
        scope = new Scope(keys[i] as KeyKind, name);
        scopes.set(name, scope);
      }
      if (scope !== undefined) {
        list[n++] = scope;
        list[n++] = keys[i + 2] as string;
      }
    }
    list.length = n;
    return list;
  }
}
