import type { JsonValue, StoredIdentity } from "../identity/identity.js";

/**
 * An API key at rest (`docs/machine-identities.md`): the key's record and a keyed digest of its secret, never the
 * key or the secret. Timestamps are `Date#toISOString()` strings (UTC, milliseconds, fixed width), so they
 * compare correctly as text; an adapter MUST store and return them unchanged.
 */
export interface StoredApiKey {
  /** The key id: 20 base62 characters, embedded in the key (`<prefix>_<id><secret><checksum>`). Unique. */
  id: string;
  /** The identity (service account) the key authenticates. */
  identity_id: string;
  name: string;
  scopes: string[];
  metadata: JsonValue | null;
  /** `hex(HMAC-SHA512/256(secret, "<id>.<secret>"))` under the signing entry of `secrets`. */
  digest: string;
  created_at: string;
  /** When the key stops working (`null`: never). Rotation moves it forward to the end of the grace period. */
  expires_at: string | null;
  /** Last successful authentication, updated at most once per `apiKeys.lastUsedInterval`. */
  last_used_at: string | null;
  /** When the key was revoked (`null`: not revoked); never cleared once set. */
  revoked_at: string | null;
  /**
   * The id of the key that replaced this one in a rotation (`null`: not rotated); set once, by the rotation's
   * `expire` ({@link ApiKeyInsert}), never cleared. A key is rotated at most once. An adapter that returns no such
   * member is read as `null`.
   */
  replaced_by: string | null;
}

/**
 * One atomic change of an identity's set of keys ({@link ApiKeyStore.insertApiKey}): the new key, the identity
 * rewritten by compare-and-set (its `api_key` credential lists the key ids it then owns), and optionally the
 * rotated key's expiry capped and pruned keys deleted — all in ONE step, or nothing.
 */
export interface ApiKeyInsert {
  /** The key to insert (its `identity_id` is `identity.id`). */
  key: StoredApiKey;
  /** The identity as it must be after the change; written only if its `updated_at` is still `expectedUpdatedAt`. */
  identity: StoredIdentity;
  expectedUpdatedAt: string;
  /**
   * Rotation: the old key `id` (same identity, not revoked, not rotated before) gets `expires_at = min(expires_at,
   * at)` (`null` counts as later than any time) and `replaced_by = key.id`, in one conditional write. If that key
   * is gone, revoked or already has `replaced_by`, the whole change is refused as `stale` (so of two concurrent
   * rotations of one key, one at most succeeds).
   */
  expire?: { id: string; at: string };
  /** Keys of this identity to delete in the same step (the manager prunes revoked and expired ones). */
  remove?: readonly string[];
}

/**
 * The key operations of a storage adapter (part of {@link StorageAdapter}, optional there: an adapter without
 * them works for everything but API keys, whose methods then fail with `invalid_configuration`). An adapter
 * implements all of them or none. Deleting an identity MUST delete its keys in the same atomic step.
 */
export interface ApiKeyStore {
  /**
   * Applies an {@link ApiKeyInsert} atomically (one transaction): resolves `ok` only when the key was inserted,
   * the identity written (uniqueness keys enforced as in `updateIdentity`: key ids are identifiers of the
   * `api_key` credential), `expire` and `remove` applied. Otherwise it MUST change nothing: `stale` when the
   * identity's `updated_at` differs or the `expire` key is gone, revoked or rotated, `not_found` when the identity is gone;
   * a taken key id or identifier throws (`identity_conflict` for an identifier).
   */
  insertApiKey(change: ApiKeyInsert): Promise<"ok" | "stale" | "not_found">;

  /**
   * The key with this id together with its identity, read in ONE step (one indexed query: the authentication's
   * only storage read), or undefined. Read-only.
   */
  findApiKey(id: string): Promise<{ key: StoredApiKey; identity: StoredIdentity } | undefined>;

  /** Every key of an identity (revoked and expired ones included), by `created_at` then `id`. Index-backed. */
  listApiKeys(identityId: string): Promise<StoredApiKey[]>;

  /**
   * Revokes a key: sets `revoked_at = at` unless it is already set (idempotent, atomic: one conditional update),
   * and returns the key as stored afterwards, or undefined when there is no such key. Once this resolves, every
   * later {@link findApiKey} MUST see `revoked_at` set (in every process sharing the store).
   */
  revokeApiKey(id: string, at: string): Promise<StoredApiKey | undefined>;

  /**
   * Records a use: sets `last_used_at = at` only when it is null or `<= usedBefore` (compared as text), in ONE
   * conditional update (never read-then-write), so a hot key is written at most once per interval. Changes
   * nothing else; a missing key is no error.
   */
  touchApiKey(id: string, at: string, usedBefore: string): Promise<void>;
}

const STAND_IN_AT = "2000-01-01T00:00:00.000Z";

/**
 * What an unknown key id is checked as (never matches: its digest is no hex digest), so that the unknown-id path of
 * an authentication runs the same shape checks and copies as a known one (docs/machine-identities.md); MemoryStorage
 * reads its identity as it reads a known key's (packed, decoded once and kept).
 */
export const STAND_IN: { readonly key: StoredApiKey; readonly identity: StoredIdentity } = Object.freeze({
  key: Object.freeze({
    id: "00000000000000000000",
    identity_id: "00000000-0000-4000-8000-000000000000",
    name: "stand-in",
    scopes: [],
    metadata: null,
    digest: "",
    created_at: STAND_IN_AT,
    expires_at: null,
    last_used_at: null,
    revoked_at: null,
    replaced_by: null,
  }),
  identity: Object.freeze({
    id: "00000000-0000-4000-8000-000000000000",
    schema_id: "preset://machine",
    state: "active",
    state_changed_at: STAND_IN_AT,
    traits: { name: "stand-in" },
    verifiable_addresses: [],
    recovery_addresses: [],
    metadata_public: null,
    metadata_admin: null,
    credentials: {},
    external_id: null,
    organization_id: null,
    created_at: STAND_IN_AT,
    updated_at: STAND_IN_AT,
  }) as StoredIdentity,
});

/** The names of {@link ApiKeyStore}'s methods. */
export const API_KEY_STORE_METHODS = [
  "insertApiKey",
  "findApiKey",
  "listApiKeys",
  "revokeApiKey",
  "touchApiKey",
] as const;
