import { IdentityError } from "../errors/index.js";
import type { Credential, StoredIdentity } from "../identity/identity.js";
import type { TokenDigester } from "../recovery/token-secrets.js";
import { ApiKeyStorage } from "../storage/api-key-storage.js";
import type { StoredApiKey } from "../storage/api-key-store.js";
import {
  type ApiKeySettings,
  readAuthenticateOptions,
  readCreateBody,
  readRotateOptions,
} from "./api-key-args.js";
import {
  alreadyRotated,
  digestMatches,
  InFlight,
  inactive,
  isLive,
  keyNotFound,
  noSecrets,
  pruned,
  shown,
  withOwnKeyOnly,
} from "./api-key-checks.js";
import { generateApiKey, isApiKeyId, parseApiKey } from "./api-key-format.js";
import type { ApiKey, ApiKeyAuthentication, IssuedApiKey } from "./api-key-types.js";
import type { ServiceContext } from "./context.js";

type Operation = "create_api_key" | "rotate_api_key" | "revoke_api_key";

/**
 * Machine identities' API keys (`docs/machine-identities.md`): issue, authenticate, list, read, revoke, rotate.
 *
 * Invariants: the key records live in the adapter's key store; the identity's `api_key` credential lists the ids
 * of its stored keys, and every change of that set (an insert, with the rotated key's expiry and the pruned keys)
 * is ONE adapter step together with the identity's compare-and-set, so the two never disagree. Revocation and
 * uses only touch the record. Within this manager, once `revoke` resolves no authentication with the key succeeds
 * any more: a revocation marks the key ({@link InFlight}), and an authentication of it that started before the
 * mark rejects instead of resolving, so a revocation never waits for one (nor for its hook). Across managers or
 * processes the store is the only link: an authentication that read the key before the revocation was written may
 * still complete; none that reads afterwards succeeds. `last_used_at` is written in the background, one write per
 * key in flight in this manager; authentications never wait for it.
 */
export class ApiKeys {
  readonly #keys: ApiKeyStorage;
  readonly #digester: TokenDigester;
  /** Authentications in flight by key id (so that a revocation makes the ones that started before it reject). */
  readonly #inFlight = new InFlight();
  /** The `last_used_at` write in flight per key id (at most one: concurrent uses coalesce). */
  readonly #touching = new Map<string, Promise<void>>();

  private readonly settings: ApiKeySettings;

  constructor(private readonly ctx: ServiceContext) {
    this.settings = ctx.apiKeys;
    this.#keys = new ApiKeyStorage(ctx.storage);
    this.#digester = ctx.flows.digester;
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
        const at = rotated && new Date(Date.parse(key.created_at) + rotated.graceMs).toISOString();
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
    let required: string[];
    try {
      required = readAuthenticateOptions(options);
    } catch (e) {
      return Promise.reject(e);
    }
    const parsed = parseApiKey(presented, this.settings.prefix);
    // A malformed key (a typo, another prefix, a bad checksum) is refused before any storage call.
    if (parsed === undefined) return Promise.reject(new IdentityError("invalid_credentials"));
    return this.#verify(parsed.id, parsed.secret, required);
  }

  async #verify(id: string, secret: string, required: readonly string[]): Promise<ApiKeyAuthentication> {
    const ticket = this.#inFlight.enter(id);
    try {
      const now = this.ctx.now();
      const { key, identity } = withOwnKeyOnly(await this.#decide(id, secret, required, now.getTime()));
      if (this.#inFlight.revokedSince(id, ticket)) throw new IdentityError("invalid_credentials");
      this.#touch(key, now);
      const result = { identity: this.ctx.serialize(identity, { mode: "no_config" }), api_key: shown(key) };
      if (this.ctx.lifecycle.has("afterApiKeyAuthentication")) {
        await this.ctx.lifecycle.after("afterApiKeyAuthentication", identity, { api_key: result.api_key });
        // Revoked while the hook ran (by the hook itself, say): refused, so that no success follows a revocation.
        if (this.#inFlight.revokedSince(id, ticket)) throw new IdentityError("invalid_credentials");
      }
      return result;
    } finally {
      this.#inFlight.finish(id);
    }
  }

  /** The authentication decision: lookup, digest, liveness, identity state, scopes. */
  async #decide(
    id: string,
    secret: string,
    required: readonly string[],
    nowMs: number,
  ): Promise<{ key: StoredApiKey; identity: StoredIdentity }> {
    const found = await this.#keys.find(id);
    const candidates = this.#digester.candidates(`${id}.${secret}`);
    if (!digestMatches(candidates, found?.key.digest) || !found || !isLive(found.key, nowMs)) {
      throw new IdentityError("invalid_credentials");
    }
    const { key, identity } = found;
    if (identity.state !== "active") {
      throw new IdentityError("identity_disabled", { details: { identity_id: identity.id } });
    }
    const missing = required.filter((scope) => !key.scopes.includes(scope));
    if (missing.length > 0) {
      throw new IdentityError("insufficient_scope", { details: { missing_scopes: missing } });
    }
    return found;
  }

  /**
   * Records this use when `last_used_at` is older than the interval: `key.last_used_at` (the result's) becomes
   * now, and the conditional write runs in the background, one per key at a time in this manager (a use while one
   * is in flight writes nothing more). A failed write is dropped (advisory; the next due use writes again).
   */
  #touch(key: StoredApiKey, now: Date): void {
    const nowMs = now.getTime();
    const interval = this.settings.lastUsedIntervalMs;
    if (key.last_used_at !== null && Date.parse(key.last_used_at) > nowMs - interval) return;
    const at = now.toISOString();
    key.last_used_at = at;
    if (this.#touching.has(key.id)) return;
    const usedBefore = new Date(nowMs - interval).toISOString();
    const write = Promise.resolve()
      .then(() => this.#keys.touch(key.id, at, usedBefore))
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => this.#touching.delete(key.id));
    this.#touching.set(key.id, write);
  }

  /** Waits for this manager's `last_used_at` writes in flight (so its own reads see them). */
  async #touched(keyId?: string): Promise<void> {
    if (this.#touching.size === 0) return;
    await (keyId === undefined ? Promise.all(this.#touching.values()) : this.#touching.get(keyId));
  }

  /** `listApiKeys`: every key of the identity (revoked and expired ones too), oldest first. */
  async list(identityId: unknown): Promise<ApiKey[]> {
    const identity = await this.ctx.writer.load(identityId as string);
    await this.#touched();
    return (await this.#keys.list(identity.id)).map(shown);
  }

  /** `getApiKey`. */
  async get(keyId: unknown): Promise<ApiKey> {
    if (typeof keyId === "string") await this.#touched(keyId);
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
    this.#inFlight.revoked(key.id);
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
