import type { Identity, JsonObject, JsonValue } from "../identity/identity.js";

/**
 * An API key's record as the API shows it (`docs/machine-identities.md`): everything but the secret's digest.
 * Timestamps are RFC 3339 strings (UTC, milliseconds).
 */
export interface ApiKey {
  /** The key id: 20 base62 characters, also embedded in the key right after `<prefix>_`. */
  id: string;
  /** The identity (service account) the key authenticates as. */
  identity_id: string;
  name: string;
  /** What the key may do; `authenticateApiKey`'s `requiredScopes` must all be among them. */
  scopes: string[];
  /** Host data about the key (JSON, at most 16 KiB), `null` when unset. */
  metadata: JsonValue | null;
  created_at: string;
  /** When the key stops working (`null`: never); after a rotation, the end of the old key's grace period. */
  expires_at: string | null;
  /** Last successful authentication, written at most once per `apiKeys.lastUsedInterval`; `null`: never used. */
  last_used_at: string | null;
  /** When the key was revoked (`null`: it was not). A revoked key is refused at once. */
  revoked_at: string | null;
}

/** Body of {@link IdentityManager.createApiKey} (wire JSON, like `createRecoveryLink`'s). Unknown fields: 400. */
export interface CreateApiKeyBody {
  /** The identity the key authenticates as (any identity; `preset://machine` is made for service accounts). */
  identity_id: string;
  /** A label for people (1 to 256 characters). */
  name: string;
  /** Lifetime, a Go duration (`720h`, `90m`), greater than zero. @default never expires */
  expires_in?: string;
  /** Scopes: at most 64 distinct strings of 1 to 128 printable ASCII characters without spaces. @default [] */
  scopes?: readonly string[];
  /** Any JSON value, at most 16 KiB as JSON text. @default null */
  metadata?: JsonValue;
}

/** A key just issued: the full key, shown this once (only a keyed digest of its secret is stored), and its record. */
export interface IssuedApiKey {
  /** `<prefix>_<key id><secret><checksum>`: hand it to the client now, it cannot be read back later. */
  key: string;
  api_key: ApiKey;
}

/** Options of {@link IdentityManager.authenticateApiKey}. */
export interface AuthenticateApiKeyOptions {
  /** Scopes the key must all hold, else `insufficient_scope` (403). At most 64. @default [] */
  requiredScopes?: readonly string[];
}

/** What {@link IdentityManager.authenticateApiKey} resolves to. */
export interface ApiKeyAuthentication<Traits = JsonObject> {
  /** The key's identity, as Kratos's admin JSON without credential config. */
  identity: Identity<Traits>;
  api_key: ApiKey;
}

/** Options of {@link IdentityManager.rotateApiKey}. */
export interface RotateApiKeyOptions {
  /**
   * How long the old key keeps working, a Go duration (`0s`, `10m`, `24h`); never beyond its own expiry.
   * @default "0s" (the old key stops at once)
   */
  grace?: string;
}

/** The `apiKeys` option of {@link IdentityManager}. Unknown members: `invalid_configuration`. */
export interface ApiKeyOptions {
  /**
   * The prefix of issued keys, before `_`: 2 to 20 characters, a lower-case letter then lower-case letters or
   * digits. Register it with your secret scanner (`docs/machine-identities.md#secret-scanning`). Keys of another
   * prefix are refused, so changing it invalidates the keys already issued. @default "idk"
   */
  prefix?: string;
  /**
   * Least time between two writes of a key's `last_used_at`, in milliseconds: a hot key costs one write per
   * interval, not one per request. An integer from 0 (every use) to 2^31 − 1. @default 60000
   */
  lastUsedInterval?: number;
}
