import type { ConflictError } from "../../errors/index.js";
import type { StoredIdentity } from "../../identity/identity.js";
import { uniqueKeyConflict } from "../conflict-error.js";

type Kind = "credential" | "verifiable_address" | "recovery_address" | "external_id";

/** Owner ids by value, for one kind and one scope (credential type or address channel). */
class Owners extends Map<string, string> {
  constructor(
    readonly kind: Kind,
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
    const small = keys.length <= 16;
    const seen = small ? undefined : new Map<Owners, Set<string>>();
    for (let i = 0; i < keys.length; i += 2) {
      const owners = keys[i] as Owners;
      const value = keys[i + 1] as string;
      const owner = owners.get(value);
      let repeated = false;
      if (seen === undefined) {
        for (let j = 0; j < i && !repeated; j += 2) repeated = keys[j] === owners && keys[j + 1] === value;
      } else {
        const values = seen.get(owners) ?? new Set<string>();
        repeated = values.size === values.add(value).size;
        seen.set(owners, values);
      }
      if (repeated || (owner !== undefined && owner !== identity.id)) {
        return uniqueKeyConflict(owners.kind, owners.scope, value);
      }
    }
    return new Keys(keys);
  }

  /** Gives `id` the keys {@link check} returned (nothing may change the index in between). */
  claim(id: string, keys: Keys): void {
    const list = keys.list;
    for (let i = 0; i < list.length; i += 2) (list[i] as Owners).set(list[i + 1] as string, id);
  }

  /** Releases the keys of `identity` that `identity.id` owns. */
  release(identity: StoredIdentity): void {
    const keys = this.#keysOf(identity, false);
    for (let i = 0; i < keys.length; i += 2) {
      const owners = keys[i] as Owners;
      const value = keys[i + 1] as string;
      if (owners.get(value) === identity.id) owners.delete(value);
    }
  }

  /** The keys of `identity`, flat (scopes created when `create`, else keys of unknown scopes are left out). */
  #keysOf(identity: StoredIdentity, create: boolean): (Owners | string)[] {
    const keys: (Owners | string)[] = [];
    const credentials = identity.credentials as Record<
      string,
      { identifiers?: readonly string[] } | undefined
    >;
    for (const type in credentials) {
      if (!Object.hasOwn(credentials, type)) continue;
      const identifiers = credentials[type]?.identifiers;
      if (identifiers === undefined) continue;
      const owners = this.#owners("credential", type, create);
      if (owners !== undefined) for (const identifier of identifiers) keys.push(owners, identifier);
    }
    for (const a of identity.verifiable_addresses) {
      const owners = this.#owners("verifiable_address", a.via, create);
      if (owners !== undefined) keys.push(owners, a.value);
    }
    for (const a of identity.recovery_addresses) {
      const owners = this.#owners("recovery_address", a.via, create);
      if (owners !== undefined) keys.push(owners, a.value);
    }
    if (identity.external_id) {
      const owners = this.#owners("external_id", "", create);
      if (owners !== undefined) keys.push(owners, identity.external_id);
    }
    return keys;
  }

  /** The owners map of `kind` and `scope` (made when `create`). */
  #owners(kind: Kind, scope: string, create: boolean): Owners | undefined {
    const scopes = this.#scopes[kind];
    let owners = scopes.get(scope);
    if (owners === undefined && create) {
      owners = new Owners(kind, scope);
      scopes.set(scope, owners);
    }
    return owners;
  }
}
