import type { ConflictError } from "../../errors/index.js";
import type { StoredIdentity } from "../../identity/identity.js";
import { uniqueKeyConflict } from "../conflict-error.js";

type Kind = "credential" | "verifiable_address" | "recovery_address" | "external_id";
/** Owner ids by value, for one kind and one scope (credential type or address channel). */
type Owners = Map<string, string>;
/** One uniqueness key of an identity: the owners map of its kind and scope, and its value. */
interface Key {
  owners: Owners;
  kind: Kind;
  scope: string;
  value: string;
}

/** The keys {@link UniqueIndex.check} found free. */
export class Keys {
  constructor(readonly list: readonly Key[]) {}
}

/**
 * MemoryStorage's uniqueness index (storage contract: credential identifiers per type, verifiable and recovery
 * addresses per channel, external ids): a map per kind and scope from value to owner id, so a lookup hashes the
 * value itself, never a composite string built for it.
 */
export class UniqueIndex {
  readonly #scopes: Record<Kind, Map<string, Owners>> = {
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
   * The `identity_conflict` of the first key of `identity` that another identity owns or that `identity` itself
   * repeats, or the keys to {@link claim} for it; changes nothing. O(keys).
   */
  check(identity: StoredIdentity): ConflictError | Keys {
    const keys = this.#keysOf(identity, true);
    const small = keys.length <= 8;
    const seen = small ? undefined : new Map<Owners, Set<string>>();
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as Key;
      const owner = key.owners.get(key.value);
      let repeated = false;
      if (seen === undefined) {
        for (let j = 0; j < i && !repeated; j++) {
          const other = keys[j] as Key;
          repeated = other.owners === key.owners && other.value === key.value;
        }
      } else {
        const values = seen.get(key.owners) ?? new Set<string>();
        repeated = values.size === values.add(key.value).size;
        seen.set(key.owners, values);
      }
      if (repeated || (owner !== undefined && owner !== identity.id)) {
        return uniqueKeyConflict(key.kind, key.scope, key.value);
      }
    }
    return new Keys(keys);
  }

  /** Gives `id` the keys {@link check} returned (nothing may change the index in between). */
  claim(id: string, keys: Keys): void {
    for (const key of keys.list) key.owners.set(key.value, id);
  }

  /** Releases the keys of `identity` that `identity.id` owns. */
  release(identity: StoredIdentity): void {
    for (const key of this.#keysOf(identity, false)) {
      if (key.owners.get(key.value) === identity.id) key.owners.delete(key.value);
    }
  }

  /** The keys of `identity` (scopes created when `create`, else keys of unknown scopes are left out). */
  #keysOf(identity: StoredIdentity, create: boolean): Key[] {
    const keys: Key[] = [];
    const add = (kind: Kind, scope: string, value: string) => {
      const scopes = this.#scopes[kind];
      let owners = scopes.get(scope);
      if (owners === undefined) {
        if (!create) return;
        owners = new Map();
        scopes.set(scope, owners);
      }
      keys.push({ owners, kind, scope, value });
    };
    for (const type of Object.keys(identity.credentials)) {
      const cred = identity.credentials[type as keyof StoredIdentity["credentials"]];
      for (const identifier of cred?.identifiers ?? []) add("credential", type, identifier);
    }
    for (const a of identity.verifiable_addresses) add("verifiable_address", a.via, a.value);
    for (const a of identity.recovery_addresses) add("recovery_address", a.via, a.value);
    if (identity.external_id) add("external_id", "", identity.external_id);
    return keys;
  }
}
