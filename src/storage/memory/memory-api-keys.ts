import { cloneJson } from "../../identity/clone.js";
import type { StoredIdentity } from "../../identity/identity.js";
import { type ApiKeyInsert, type ApiKeyStore, STAND_IN, type StoredApiKey } from "../api-key-store.js";

type IdentityCas = (identity: StoredIdentity, expectedUpdatedAt: string) => "ok" | "stale" | "not_found";

/**
 * MemoryStorage's API keys: records by id and the ids of each identity's keys (so listing and deleting an identity
 * cost its own keys, not all of them). Every method runs to completion without yielding, so MemoryStorage composes
 * them with its identity writes into atomic steps. Stored records are never handed out: callers get copies.
 */
export class MemoryApiKeys {
  readonly #keys = new Map<string, StoredApiKey>();
  readonly #byIdentity = new Map<string, Set<string>>();
  readonly #read: (id: string | undefined) => StoredIdentity | undefined;
  readonly #replace: IdentityCas;

  /**
   * @param read MemoryStorage's read of a stored identity by id (a fresh copy, or undefined); without an id it
   *   unpacks a stand-in record and returns undefined (the same work).
   * @param replace its synchronous compare-and-set of an identity (uniqueness keys enforced).
   */
  constructor(read: (id: string | undefined) => StoredIdentity | undefined, replace: IdentityCas) {
    this.#read = read;
    this.#replace = replace;
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
   * {@link ApiKeyStore.insertApiKey}: checks everything first, then writes the identity (`replace`, a
   * compare-and-set) and only when that succeeded applies the key changes.
   * @throws Error when the key id is taken or the key belongs to another identity than the write's.
   */
  insert(change: ApiKeyInsert): "ok" | "stale" | "not_found" {
    if (change.identity.id === undefined || !this.#read(change.identity.id)) return "not_found";
    if (this.#check(change) === "stale") return "stale";
    const written = this.#replace(change.identity, change.expectedUpdatedAt);
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
  }

  /** Every stored key, as stored (copies). */
  dump(): StoredApiKey[] {
    return [...this.#keys.values()].map((k) => cloneJson(k));
  }
}
