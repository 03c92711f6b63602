import { cloneJson } from "../../identity/clone.js";
import type { StoredIdentity } from "../../identity/identity.js";
import { type ApiKeyInsert, type ApiKeyStore, STAND_IN, type StoredApiKey } from "../api-key-store.js";

/** What MemoryApiKeys reads and writes of MemoryStorage's identities. */
export interface MemoryIdentities {
  /**
   * The stored identity `id` in its packed form (an immutable value, replaced by every write of the identity), or
   * undefined; without an id, the packed API key stand-in ({@link STAND_IN}).
   */
  packed(id: string | undefined): object | undefined;
  /** A fresh copy of a packed identity. */
  unpack(packed: object): StoredIdentity;
  /** The synchronous compare-and-set of an identity (uniqueness keys enforced). */
  replace(identity: StoredIdentity, expectedUpdatedAt: string): "ok" | "stale" | "not_found";
}

/** What {@link MemoryApiKeys.view} returns: the stored records themselves, read-only. */
export interface ApiKeyView {
  readonly key: Readonly<StoredApiKey>;
  readonly identity: StoredIdentity;
}

/** Decoded identities kept for {@link MemoryApiKeys.view} (the most recently decoded ones; the oldest is dropped). */
const DECODED_LIMIT = 1024;

/** Each MemoryStorage's key store, by the MemoryStorage (for {@link directApiKeys}). */
const byOwner = new WeakMap<object, MemoryApiKeys>();

/**
 * The key store of `adapter` when it is a MemoryStorage itself (not a proxy or wrapper of one), else undefined:
 * for the manager's authentication read ({@link MemoryApiKeys.view}), which skips MemoryStorage's methods.
 */
export function directApiKeys(adapter: unknown): MemoryApiKeys | undefined {
  return typeof adapter === "object" && adapter !== null ? byOwner.get(adapter) : undefined;
}

/**
 * MemoryStorage's API keys: records by id and the ids of each identity's keys (so listing and deleting an identity
 * cost its own keys, not all of them). Every method runs to completion without yielding, so MemoryStorage composes
 * them with its identity writes into atomic steps. Stored records are never handed out: callers get copies
 * (except {@link view}'s caller, the manager's authentication, which copies what it hands out).
 */
export class MemoryApiKeys {
  readonly #keys = new Map<string, StoredApiKey>();
  readonly #byIdentity = new Map<string, Set<string>>();
  readonly #identities: MemoryIdentities;
  /** Identity id (`""`: the stand-in) → the packed version last decoded for {@link view}, and its decoding. */
  readonly #decoded = new Map<string, { packed: object; identity: StoredIdentity }>();

  /** @param owner the MemoryStorage this store belongs to. */
  constructor(owner: object, identities: MemoryIdentities) {
    this.#identities = identities;
    byOwner.set(owner, this);
  }

  /** A fresh copy of the stored identity `id` (undefined: none); without an id, of the stand-in, then undefined. */
  #read(id: string | undefined): StoredIdentity | undefined {
    const packed = this.#identities.packed(id);
    const identity = packed && this.#identities.unpack(packed);
    return id === undefined ? undefined : identity;
  }

  /**
   * {@link ApiKeyStore.findApiKey}: copies of the key and of its identity. An unknown id copies a stand-in too (the
   * same work as a known one, then discarded).
   */
  find(id: string): { key: StoredApiKey; identity: StoredIdentity } | undefined {
    const key = this.#keys.get(id);
    // An unknown id reads the stand-in identity: the same unpacking work as a known one.
    const identity = this.#read(key?.identity_id);
    const copy = { key: cloneJson(key ?? STAND_IN.key), identity };
    return key && identity ? (copy as { key: StoredApiKey; identity: StoredIdentity }) : undefined;
  }

  /**
   * The authentication's read, for the manager only: the stored key record itself and its identity decoded once
   * per stored version (shared by every view of that version), or undefined. Both are READ-ONLY: the caller reads
   * them without yielding and copies whatever it hands out (stored records change in place: revocation, uses).
   * An unknown id looks the stand-in identity up the same way (same lookups, same cache), then answers undefined.
   */
  view(id: string): ApiKeyView | undefined {
    const key = this.#keys.get(id);
    const owner = key?.identity_id;
    const packed = this.#identities.packed(owner);
    const identity = packed && this.#decode(owner ?? "", packed);
    return key && identity ? { key, identity } : undefined;
  }

  /** The decoding of `packed`, the stored form of identity `slot`: decoded once per version, at most {@link DECODED_LIMIT} kept. */
  #decode(slot: string, packed: object): StoredIdentity {
    const entry = this.#decoded.get(slot);
    if (entry !== undefined && entry.packed === packed) return entry.identity;
    const identity = this.#identities.unpack(packed);
    if (entry !== undefined) {
      entry.packed = packed;
      entry.identity = identity;
      return identity;
    }
    if (this.#decoded.size >= DECODED_LIMIT)
      this.#decoded.delete(this.#decoded.keys().next().value as string);
    this.#decoded.set(slot, { packed, identity });
    return identity;
  }

  /**
   * {@link ApiKeyStore.insertApiKey}: checks everything first, then writes the identity (`replace`, a
   * compare-and-set) and only when that succeeded applies the key changes.
   * @throws Error when the key id is taken or the key belongs to another identity than the write's.
   */
  insert(change: ApiKeyInsert): "ok" | "stale" | "not_found" {
    if (typeof change.identity.id !== "string" || !this.#identities.packed(change.identity.id))
      return "not_found";
    if (this.#check(change) === "stale") return "stale";
    const written = this.#identities.replace(change.identity, change.expectedUpdatedAt);
    if (written === "ok") this.#apply(change);
    return written;
  }

  /** Whether `change` can apply, changing nothing: `stale` when its `expire` key is gone, revoked, rotated or another's. */
  #check(change: ApiKeyInsert): "ok" | "stale" {
    if (this.#keys.has(change.key.id)) throw new Error("API key id already exists");
    if (change.key.identity_id !== change.identity.id) throw new Error("API key of another identity");
    if (change.expire) {
      const old = this.#keys.get(change.expire.id);
      if (
        !old ||
        old.revoked_at !== null ||
        (old.replaced_by ?? null) !== null ||
        old.identity_id !== change.identity.id
      ) {
        return "stale";
      }
    }
    return "ok";
  }

  /** Applies a checked change's key part: insert, cap the rotated key's expiry, delete the pruned keys. */
  #apply(change: ApiKeyInsert): void {
    const { key, expire, remove = [] } = change;
    this.#keys.set(key.id, cloneJson(key));
    const owned = this.#byIdentity.get(key.identity_id) ?? new Set<string>();
    owned.add(key.id);
    this.#byIdentity.set(key.identity_id, owned);
    const old = expire ? this.#keys.get(expire.id) : undefined;
    if (old && expire) {
      if (old.expires_at === null || old.expires_at > expire.at) old.expires_at = expire.at;
      old.replaced_by = key.id;
    }
    for (const id of remove) {
      const gone = this.#keys.get(id);
      if (gone?.identity_id !== key.identity_id || id === key.id) continue;
      this.#keys.delete(id);
      owned.delete(id);
    }
  }

  list(identityId: string): StoredApiKey[] {
    const ids = this.#byIdentity.get(identityId) ?? new Set<string>();
    return [...ids]
      .map((id) => cloneJson(this.#keys.get(id) as StoredApiKey))
      .sort((a, b) =>
        a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1,
      );
  }

  revoke(id: string, at: string): StoredApiKey | undefined {
    const key = this.#keys.get(id);
    if (!key) return undefined;
    key.revoked_at ??= at;
    return cloneJson(key);
  }

  touch(id: string, at: string, usedBefore: string): void {
    const key = this.#keys.get(id);
    if (key && (key.last_used_at === null || key.last_used_at <= usedBefore)) key.last_used_at = at;
  }

  /** Deletes an identity's keys (with the identity, in the same step). */
  dropIdentity(identityId: string): void {
    for (const id of this.#byIdentity.get(identityId) ?? []) this.#keys.delete(id);
    this.#byIdentity.delete(identityId);
    this.#decoded.delete(identityId);
  }

  /** Every stored key, as stored (copies). */
  dump(): StoredApiKey[] {
    return [...this.#keys.values()].map((k) => cloneJson(k));
  }
}
