import type { Credential, StoredIdentity } from "../identity/identity.js";
import type { TokenDigester } from "../recovery/token-secrets.js";
import { ApiKeyStorage } from "../storage/api-key-storage.js";
import type { StoredApiKey } from "../storage/api-key-store.js";
import { type ApiKeySettings, readCreateBody, readRotateOptions } from "./api-key-args.js";
import { ApiKeyAuthenticator } from "./api-key-auth.js";
import { alreadyRotated, inactive, isLive, keyNotFound, noSecrets, pruned, shown } from "./api-key-checks.js";
import { generateApiKey, isApiKeyId } from "./api-key-format.js";
import type { ApiKey, ApiKeyAuthentication, IssuedApiKey } from "./api-key-types.js";
import type { ServiceContext } from "./context.js";

type Operation = "create_api_key" | "rotate_api_key" | "revoke_api_key";

/**
 * Machine identities' API keys (`docs/machine-identities.md`): issue, authenticate, list, read, revoke, rotate.
 *
 * Invariants: the key records live in the adapter's key store; the identity's `api_key` credential lists the ids
 * of its stored keys, and every change of that set (an insert, with the rotated key's expiry and the pruned keys)
 * is ONE adapter step together with the identity's compare-and-set, so the two never disagree. Revocation and
 * uses only touch the record. Authentication, revocation marks and `last_used_at` writes: {@link ApiKeyAuthenticator}.
 */
export class ApiKeys {
  readonly #keys: ApiKeyStorage;
  readonly #digester: TokenDigester;
  /** `authenticateApiKey`, and the revocation marks and `last_used_at` writes it shares with the methods here. */
  readonly #auth: ApiKeyAuthenticator;

  private readonly settings: ApiKeySettings;

  constructor(private readonly ctx: ServiceContext) {
    this.settings = ctx.apiKeys;
    this.#keys = new ApiKeyStorage(ctx.storage);
    this.#digester = ctx.flows.digester;
    this.#auth = new ApiKeyAuthenticator(ctx, this.#keys);
  }

  /** `createApiKey`: a new key for an identity. */
  async create(body: unknown): Promise<IssuedApiKey> {
    const input = readCreateBody(body, this.ctx.now());
    if (this.#digester.ephemeral) throw noSecrets();
    const identity = await this.ctx.writer.load(input.identityId);
    return this.#issue(identity, "create_api_key", (now) => ({
      name: input.name,
      scopes: input.scopes,
      metadata: input.metadata,
      expires_at:
        input.expiresInMs === undefined ? null : new Date(Date.parse(now) + input.expiresInMs).toISOString(),
    }));
  }

  /**
   * `rotateApiKey`: a new key with the old one's name, scopes, metadata and lifetime; the old one ends after `grace`
   * and records its successor (`replaced_by`), so it is rotated once: its `expires_at − created_at` is then still
   * the lifetime it was created with (a rotation caps only the rotated key's expiry), and the successor gets it.
   */
  async rotate(keyId: unknown, options: unknown): Promise<IssuedApiKey> {
    const graceMs = readRotateOptions(options, this.ctx.now());
    if (this.#digester.ephemeral) throw noSecrets();
    const old = await this.#find(keyId);
    if (!isLive(old.key, this.ctx.now().getTime())) throw inactive();
    if (old.key.replaced_by !== null) throw alreadyRotated(old.key.replaced_by);
    return this.#issue(
      old.identity,
      "rotate_api_key",
      (now, keys) => {
        const current = keys.find((k) => k.id === old.key.id);
        if (!current || !isLive(current, Date.parse(now))) throw inactive();
        if (current.replaced_by !== null) throw alreadyRotated(current.replaced_by);
        const lifetime =
          current.expires_at === null
            ? null
            : Date.parse(current.expires_at) - Date.parse(current.created_at);
        return {
          name: current.name,
          scopes: current.scopes,
          metadata: current.metadata,
          expires_at: lifetime === null ? null : new Date(Date.parse(now) + lifetime).toISOString(),
        };
      },
      { id: old.key.id, graceMs },
      old.key,
    );
  }

  /**
   * Writes a new key for `identity` (the record `make` describes at the write's time, from the identity's keys),
   * pruning its oldest revoked or expired keys when it holds {@link API_KEY_LIMITS.keysPerIdentity}.
   */
  async #issue(
    identity: StoredIdentity,
    operation: Operation,
    make: (
      now: string,
      keys: StoredApiKey[],
    ) => Pick<StoredApiKey, "name" | "scopes" | "metadata" | "expires_at">,
    rotated?: { id: string; graceMs: number },
    previous?: StoredApiKey,
  ): Promise<IssuedApiKey> {
    const context = {
      operation,
      type: "api_key",
      ...(previous ? { api_key: shown(previous) } : {}),
    } as const;
    await this.ctx.lifecycle.beforeCheck("beforeCredentialChange", identity, context);
    const generated = generateApiKey(this.settings.prefix);
    const digest = this.#digester.sign(`${generated.id}.${generated.secret}`);
    let record: StoredApiKey | undefined;
    let remove: string[] = [];
    const stored = await this.ctx.writer.mutate(
      identity.id,
      async (current, now) => {
        const keys = await this.#keys.list(current.id);
        const nowMs = Date.parse(now);
        record = {
          id: generated.id,
          identity_id: current.id,
          ...make(now, keys),
          digest,
          created_at: now,
          last_used_at: null,
          revoked_at: null,
          replaced_by: null,
        };
        remove = pruned(keys, nowMs);
        const credential = current.credentials.api_key;
        const identifiers = keys.map((k) => k.id).filter((id) => !remove.includes(id));
        const next: Credential = {
          type: "api_key",
          identifiers: [...identifiers, generated.id],
          config: {},
          version: 0,
          created_at: credential?.created_at ?? now,
          updated_at: now,
        };
        return { ...current, credentials: { ...current.credentials, api_key: next } };
      },
      (next, expectedUpdatedAt) => {
        const key = record as StoredApiKey;
        // The grace runs from the rotation's moment on the clock authentication reads: the write's time can stand
        // a few ms ahead of it (each write of an identity gets a later `updated_at`), which would let a 0s grace
        // keep the old key working for those ms.
        const from = Math.min(Date.parse(key.created_at), this.ctx.now().getTime());
        const at = rotated && new Date(from + rotated.graceMs).toISOString();
        return this.#keys.insert({
          key,
          identity: next,
          expectedUpdatedAt,
          ...(rotated && at ? { expire: { id: rotated.id, at } } : {}),
          remove,
        });
      },
    );
    const api_key = shown(record as StoredApiKey);
    await this.ctx.lifecycle.after("afterCredentialChange", stored, { ...context, api_key });
    return { key: generated.key, api_key };
  }

  /** `authenticateApiKey`. */
  authenticate(presented: unknown, options: unknown): Promise<ApiKeyAuthentication> {
    return this.#auth.authenticate(presented, options);
  }

  /** `listApiKeys`: every key of the identity (revoked and expired ones too), oldest first. */
  async list(identityId: unknown): Promise<ApiKey[]> {
    const identity = await this.ctx.writer.load(identityId as string);
    await this.#auth.touched();
    return (await this.#keys.list(identity.id)).map(shown);
  }

  /** `getApiKey`. */
  async get(keyId: unknown): Promise<ApiKey> {
    if (typeof keyId === "string") await this.#auth.touched(keyId);
    return shown((await this.#find(keyId)).key);
  }

  /**
   * `revokeApiKey`: idempotent; once it resolves, no authentication with the key succeeds in this manager (the
   * ones in flight reject, {@link InFlight}); it waits for none of them.
   */
  async revoke(keyId: unknown): Promise<ApiKey> {
    const { identity, key } = await this.#find(keyId);
    // Not vetoable: no beforeCredentialChange (a buggy hook must not block an emergency revocation).
    const context = { operation: "revoke_api_key", type: "api_key", api_key: shown(key) } as const;
    const revoked = await this.#keys.revoke(key.id, this.ctx.now().toISOString());
    if (!revoked) throw keyNotFound();
    // Authentications of the key still open in this manager (they may have read it before) will reject.
    this.#auth.revoked(key.id);
    const api_key = shown(revoked);
    await this.ctx.lifecycle.after("afterCredentialChange", identity, { ...context, api_key });
    return api_key;
  }

  async #find(keyId: unknown): Promise<{ key: StoredApiKey; identity: StoredIdentity }> {
    if (!isApiKeyId(keyId)) throw keyNotFound();
    const found = await this.#keys.find(keyId);
    if (!found) throw keyNotFound();
    return found;
  }
}
