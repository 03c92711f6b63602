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
 * The owners of one value under every scope that holds it: `[scope, ownerId, scope, ownerId, ...]` while there are
 * at most {@link SMALL_SLOT} scopes, else a map from scope to owner (so many scopes sharing one value — a direct
 * caller may write any channel — cost O(1) per key, not a scan). An e-mail is typically a password identifier, a
 * verifiable and a recovery address of one identity: one map entry and one probe for all three, not one per scope.
 */
type Slot = (Scope | string)[] | Map<Scope, string>;
const SMALL_SLOT = 8;

/**
 * The keys {@link UniqueIndex.check} found free: `[scope, value, scope, value, ...]` (a flat list, so a check of an
 * identity's few keys allocates one array, not an object per key).
 */
export class Keys {
  constructor(readonly list: readonly (Scope | string)[]) {}
}

/** The owner of `scope` in `slot`, or undefined. A few scopes are scanned (a scan beats a hash there). */
function ownerIn(slot: Slot | undefined, scope: Scope): string | undefined {
  if (slot === undefined) return undefined;
  if (slot instanceof Map) return slot.get(scope);
  for (let i = 0; i < slot.length; i += 2) if (slot[i] === scope) return slot[i + 1] as string;
  return undefined;
}

/** `slot` with `scope` owned by `id` (the same slot, or a new one to store instead). */
function withOwner(slot: Slot | undefined, scope: Scope, id: string): Slot {
  if (slot === undefined) return [scope, id];
  if (slot instanceof Map) return slot.set(scope, id);
  for (let i = 0; i < slot.length; i += 2) {
    if (slot[i] === scope) {
      slot[i + 1] = id;
      return slot;
    }
  }
  if (slot.length < SMALL_SLOT * 2) return [...slot, scope, id]; // exact length (a push reserves ~16 more)
  const map = new Map<Scope, string>();
  for (let i = 0; i < slot.length; i += 2) map.set(slot[i] as Scope, slot[i + 1] as string);
  return map.set(scope, id);
}

/** `slot` without `scope` (the same slot, a new one to store instead, or undefined when nothing is left). */
function withoutOwner(slot: Slot, scope: Scope): Slot | undefined {
  if (slot instanceof Map) {
    slot.delete(scope);
    return slot.size === 0 ? undefined : slot;
  }
  const out = slot.filter((_, j) => !(j % 2 === 0 ? slot[j] === scope : slot[j - 1] === scope));
  return out.length === 0 ? undefined : out;
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
    return key === undefined ? undefined : ownerIn(this.#byValue.get(value), key);
  }

  /**
   * The `identity_conflict` of the first of `keys` (`[kind, scope, value, ...]`, {@link RecordFacts}) that an
   * identity other than `id` owns or that the list repeats, or the keys to {@link claim} for `id`; changes nothing.
   * O(keys) (the repeats of a list of more than 16 keys are found through a set of pairs).
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
      const owner = ownerIn(slot, scope);
      if (repeated || (owner !== undefined && owner !== id)) {
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
      const slot = this.#byValue.get(value);
      // A new value whose next keys share it (an e-mail's three): its slot made at once, at its exact length.
      let end = i + 2;
      if (slot === undefined)
        while (end < list.length && list[end + 1] === value && end - i < SMALL_SLOT * 2) end += 2;
      if (end > i + 2) {
        const fresh: Slot = new Array(end - i);
        for (let j = i; j < end; j += 2) {
          fresh[j - i] = list[j] as Scope;
          fresh[j - i + 1] = id;
        }
        this.#byValue.set(value, fresh);
      } else {
        const next = withOwner(slot, list[i] as Scope, id); // already `id`'s if present: check refused any other
        if (next !== slot) this.#byValue.set(value, next);
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
      if (slot === undefined || ownerIn(slot, list[i] as Scope) !== id) continue;
      const next = withoutOwner(slot, list[i] as Scope);
      if (next === undefined) this.#byValue.delete(value);
      else if (next !== slot) this.#byValue.set(value, next);
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
