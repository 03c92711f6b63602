import { IdentityError } from "../errors/index.js";
import type { TokenDigester } from "../recovery/token-secrets.js";
import type { ApiKeyStorage } from "../storage/api-key-storage.js";
import type { ApiKeyView } from "../storage/memory/memory-api-keys.js";
import { readAuthenticateOptions } from "./api-key-args.js";
import { digestMatches, InFlight, isLive, shown, timeOf } from "./api-key-checks.js";
import { parseApiKey } from "./api-key-format.js";
import { authenticatedIdentityJson, ownKeyOnly } from "./api-key-json.js";
import type { ApiKey, ApiKeyAuthentication } from "./api-key-types.js";
import type { ServiceContext } from "./context.js";

/** The most schema URLs an authenticator remembers (it forgets them all past this). */
const SCHEMA_URLS_LIMIT = 64;

/**
 * `authenticateApiKey` (`docs/machine-identities.md`) and the `last_used_at` writes it starts.
 *
 * Within this manager, once a revocation resolves no authentication with the key succeeds any more: a revocation
 * marks the key ({@link revoked}), and an authentication of it that started before the mark rejects instead of
 * resolving, so a revocation never waits for one (nor for its hook). Across managers or processes the store is the
 * only link: an authentication that read the key before the revocation was written may still complete; none that
 * reads afterwards succeeds. `last_used_at` is written in the background, one write per key in flight in this
 * manager; authentications never wait for it.
 */
export class ApiKeyAuthenticator {
  readonly #ctx: ServiceContext;
  readonly #keys: ApiKeyStorage;
  readonly #digester: TokenDigester;
  /** Authentications in flight by key id (so that a revocation makes the ones that started before it reject). */
  readonly #inFlight = new InFlight();
  /** The `last_used_at` write in flight per key id (at most one: concurrent uses coalesce). */
  readonly #touching = new Map<string, Promise<void>>();
  /** `schemas.urlFor` by schema id (it encodes the id in base64url on every call). */
  readonly #schemaUrls = new Map<string, string>();

  constructor(ctx: ServiceContext, keys: ApiKeyStorage) {
    this.#ctx = ctx;
    this.#keys = keys;
    this.#digester = ctx.flows.digester;
  }

  /** `authenticateApiKey`. */
  authenticate(presented: unknown, options: unknown): Promise<ApiKeyAuthentication> {
    let required: string[];
    try {
      required = readAuthenticateOptions(options);
    } catch (e) {
      return Promise.reject(e);
    }
    const parsed = parseApiKey(presented, this.#ctx.apiKeys.prefix);
    // A malformed key (a typo, another prefix, a bad checksum) is refused before any storage call.
    if (parsed === undefined) return Promise.reject(new IdentityError("invalid_credentials"));
    let now: Date;
    try {
      now = this.#ctx.now();
      if (!this.#ctx.lifecycle.has("afterApiKeyAuthentication")) {
        // MemoryStorage, open: read, decide and copy without yielding (no revocation can come in between).
        const found = this.#keys.viewNow(parsed.id);
        if (found !== null) return Promise.resolve(this.#result(found, parsed, required, now));
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#verify(parsed, required, now);
  }

  /**
   * The decision and the result, from what the read found, in one synchronous step: refused as well when this
   * manager revoked the key since the authentication `ticket` started.
   */
  #result(
    found: ApiKeyView | undefined,
    { id, secret }: { id: string; secret: string },
    required: readonly string[],
    now: Date,
    ticket?: number,
  ): ApiKeyAuthentication {
    const { key, identity } = this.#decide(found, id, secret, required, now.getTime());
    if (ticket !== undefined && this.#inFlight.revokedSince(id, ticket)) {
      throw new IdentityError("invalid_credentials");
    }
    const api_key = shown(key);
    this.#touch(api_key, now);
    return {
      identity: authenticatedIdentityJson(identity, id, this.#schemaUrl(identity.schema_id)),
      api_key,
    };
  }

  async #verify(
    parsed: { id: string; secret: string },
    required: readonly string[],
    now: Date,
  ): Promise<ApiKeyAuthentication> {
    const id = parsed.id;
    const ticket = this.#inFlight.enter(id);
    try {
      const found = await this.#keys.findForAuthentication(id);
      // From the read's records (MemoryStorage's own, read-only) to fresh copies in one synchronous step.
      const result = this.#result(found, parsed, required, now, ticket);
      if (this.#ctx.lifecycle.has("afterApiKeyAuthentication")) {
        const identity = ownKeyOnly((found as ApiKeyView).identity, id);
        await this.#ctx.lifecycle.after("afterApiKeyAuthentication", identity, { api_key: result.api_key });
        // Revoked while the hook ran (by the hook itself, say): refused, so that no success follows a revocation.
        if (this.#inFlight.revokedSince(id, ticket)) throw new IdentityError("invalid_credentials");
      }
      return result;
    } finally {
      this.#inFlight.finish(id);
    }
  }

  /**
   * The authentication decision: digest, liveness, identity state, scopes (throws its refusal), on the records
   * read, which are only read.
   */
  #decide(
    found: ApiKeyView | undefined,
    id: string,
    secret: string,
    required: readonly string[],
    nowMs: number,
  ) {
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

  /** `ctx.schemas.urlFor(schemaId)`, remembered. */
  #schemaUrl(schemaId: string): string {
    let url = this.#schemaUrls.get(schemaId);
    if (url === undefined) {
      url = this.#ctx.schemas.urlFor(schemaId);
      if (this.#schemaUrls.size >= SCHEMA_URLS_LIMIT) this.#schemaUrls.clear();
      this.#schemaUrls.set(schemaId, url);
    }
    return url;
  }

  /**
   * Records this use when `last_used_at` is older than the interval: `key.last_used_at` (the result's) becomes
   * now, and the conditional write runs in the background, one per key at a time in this manager (a use while one
   * is in flight writes nothing more). A failed write is dropped (advisory; the next due use writes again).
   */
  #touch(key: ApiKey, now: Date): void {
    const nowMs = now.getTime();
    const interval = this.#ctx.apiKeys.lastUsedIntervalMs;
    if (key.last_used_at !== null && timeOf(key.last_used_at) > nowMs - interval) return;
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
  async touched(keyId?: string): Promise<void> {
    if (this.#touching.size === 0) return;
    await (keyId === undefined ? Promise.all(this.#touching.values()) : this.#touching.get(keyId));
  }

  /** Records that `id` was revoked (after the revocation was written): its open authentications will reject. */
  revoked(id: string): void {
    this.#inFlight.revoked(id);
  }
}
