import { IdentityError } from "./errors/index.js";
import type { JsonObject } from "./identity/identity.js";
import type {
  ApiKey,
  ApiKeyAuthentication,
  AuthenticateApiKeyOptions,
  CreateApiKeyBody,
  IssuedApiKey,
  RotateApiKeyOptions,
} from "./services/api-key-types.js";
import { ApiKeys } from "./services/api-keys.js";
import type { ServiceContext } from "./services/context.js";

/** Each manager's API key service (set by its constructor through {@link attachApiKeys}). */
const services = new WeakMap<object, ApiKeys>();

/** Gives a manager its API key service, built on the manager's context. */
export function attachApiKeys(manager: ApiKeyMethods<unknown>, ctx: ServiceContext): void {
  services.set(manager, new ApiKeys(ctx));
}

function serviceOf(manager: object): ApiKeys {
  const service = services.get(manager);
  // Only reachable by calling a method on an object that is not a constructed IdentityManager.
  if (service === undefined)
    throw new IdentityError("invalid_configuration", { reason: "Not an IdentityManager." });
  return service;
}

/**
 * The API key methods of {@link IdentityManager} (machine identities, `docs/machine-identities.md`), in a base
 * class of their own so that the facade file stays small; each hands its arguments to the `ApiKeys` service.
 * Keys are `<prefix>_<key id><secret><checksum>`; only a keyed digest (HMAC under `secrets`) of the secret is
 * stored. Not constructed on its own: `new IdentityManager(...)`.
 */
export abstract class ApiKeyMethods<Traits = JsonObject> {
  /**
   * Issues an API key for an identity (a service account: any identity, `preset://machine` is made for them).
   * The full key is returned only here. At most 100 keys per identity: at the cap, the oldest revoked or expired
   * ones are deleted to make room (`validation_failed` `too_many` when all 100 are live).
   * @throws ValidationError (`/identity_id`, `/name`, `/expires_in`, `/scopes`, `/metadata`, unknown fields) |
   *   NotFoundError `identity_not_found` | the `beforeCredentialChange` hook's error | IdentityError
   *   `invalid_configuration` when the storage adapter has no API key methods
   */
  async createApiKey(body: CreateApiKeyBody): Promise<IssuedApiKey> {
    return serviceOf(this).create(body);
  }

  /**
   * Authenticates an API key: a malformed one (length, prefix, alphabet, checksum) is refused without any storage
   * call; otherwise one storage read, the secret's keyed digest compared in constant time (an unknown key id is
   * compared against a dummy and its lookup reads a stand-in record the way a known key's is read — copied and
   * checked, or on MemoryStorage decoded once per stored version — so unknown and wrong keys do the same work; only
   * the size of the identity read differs, `docs/machine-identities.md`), `last_used_at` written at most once per
   * `apiKeys.lastUsedInterval`, in the background (never awaited; one write per key at a time in this manager; a
   * failed write is dropped). The `afterApiKeyAuthentication` hook runs after the decision; if this manager revokes
   * the key before the authentication resolves (the hook itself may), it rejects with `invalid_credentials`.
   * @throws IdentityError `invalid_credentials` (401: malformed, unknown, wrong, expired or revoked) |
   *   `identity_disabled` (401, the identity is inactive) | `insufficient_scope` (403, `details.missing_scopes`) |
   *   ValidationError for bad options
   */
  authenticateApiKey(
    key: string,
    options?: AuthenticateApiKeyOptions,
  ): Promise<ApiKeyAuthentication<Traits>> {
    // Not `async`: the hot path hands the service's promise on without another tick.
    try {
      return serviceOf(this).authenticate(key, options) as Promise<ApiKeyAuthentication<Traits>>;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * The API keys of an identity, oldest first, revoked and expired ones included (at most 100).
   * @throws NotFoundError `identity_not_found`
   */
  async listApiKeys(identityId: string): Promise<ApiKey[]> {
    return serviceOf(this).list(identityId);
  }

  /** One API key's record (never its secret or digest). @throws NotFoundError `api_key_not_found` */
  async getApiKey(keyId: string): Promise<ApiKey> {
    return serviceOf(this).get(keyId);
  }

  /**
   * Revokes an API key, at once and idempotently (a second call keeps the first `revoked_at`). Once this resolves,
   * no authentication with the key succeeds in this manager (one still in flight, hook included, rejects; the
   * revocation waits for none). Other managers and processes sharing the store: every authentication that reads
   * the key after the revocation is written is refused; one that read it just before may still complete.
   * Not vetoable: `beforeCredentialChange` does not run for it (only `afterCredentialChange`).
   * @throws NotFoundError `api_key_not_found`
   */
  async revokeApiKey(keyId: string): Promise<ApiKey> {
    return serviceOf(this).revoke(keyId);
  }

  /**
   * Zero-downtime rotation: issues a new key with the old one's name, scopes, metadata and lifetime
   * (`expires_at − created_at`), and the old key keeps working for `grace` (a Go duration, default `0s`), never
   * beyond its own expiry. Both happen in one atomic storage step, which also records the successor on the old key:
   * a key is rotated once (not idempotent: a retry is refused, `docs/machine-identities.md#rotate`).
   * @throws NotFoundError `api_key_not_found` | ValidationError (a bad `grace`; `api_key_inactive` for a revoked
   *   or expired key; `api_key_already_rotated`, `context.replaced_by` the successor's id) | the
   *   `beforeCredentialChange` hook's error
   */
  async rotateApiKey(keyId: string, options?: RotateApiKeyOptions): Promise<IssuedApiKey> {
    return serviceOf(this).rotate(keyId, options);
  }
}
