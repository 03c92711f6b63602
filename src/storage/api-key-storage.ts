import { IdentityError } from "../errors/index.js";
import type { StoredIdentity } from "../identity/identity.js";
import { API_KEY_STORE_METHODS, type ApiKeyInsert, STAND_IN, type StoredApiKey } from "./api-key-store.js";
import { type ApiKeyView, directApiKeys, type MemoryApiKeys } from "./memory/memory-api-keys.js";
import { MemoryStorage } from "./memory/memory-storage.js";
import { adapterFailure, type RuntimeStorage } from "./runtime-storage.js";
import { isStoredIdentity } from "./stored-shape.js";

const INSERT_OUTCOMES: ReadonlySet<unknown> = new Set(["ok", "stale", "not_found"]);

/**
 * The API key operations of the host's adapter, wrapped like {@link RuntimeStorage}'s: `init` first, every failure
 * a `storage_error` without driver text (an `identity_conflict` kept, pointed at the written identity's field),
 * and what the adapter returns checked for shape before the services read it.
 */
export class ApiKeyStorage {
  readonly #runtime: RuntimeStorage;
  #supported: boolean | undefined;
  #missing = "";
  readonly #trusted: boolean;
  /** MemoryStorage's key store, when the adapter is a MemoryStorage whose `findApiKey` is MemoryStorage's own. */
  readonly #direct: MemoryApiKeys | undefined;

  constructor(runtime: RuntimeStorage) {
    this.#runtime = runtime;
    this.#trusted = runtime.adapter instanceof MemoryStorage;
    const direct = directApiKeys(runtime.adapter);
    this.#direct =
      direct && runtime.adapter.findApiKey === MemoryStorage.prototype.findApiKey ? direct : undefined;
  }

  /**
   * @throws IdentityError `invalid_configuration` (500) when the adapter lacks any of the five key methods
   *   (`insertApiKey`, `findApiKey`, `listApiKeys`, `revokeApiKey`, `touchApiKey`).
   */
  #check(): void {
    if (this.#supported === undefined) {
      const adapter = this.#runtime.adapter as unknown as Record<string, unknown>;
      let missing: string | undefined;
      try {
        missing = API_KEY_STORE_METHODS.find((m) => typeof adapter[m] !== "function");
      } catch {
        missing = "(the adapter cannot be read)";
      }
      this.#supported = missing === undefined;
      if (missing !== undefined) this.#missing = missing;
    }
    if (!this.#supported) {
      throw new IdentityError("invalid_configuration", {
        reason: `The storage adapter does not support API keys: it has no ${this.#missing} method (docs/storage.md#api-keys).`,
      });
    }
  }

  insert(change: ApiKeyInsert): Promise<"ok" | "stale" | "not_found"> {
    this.#check();
    return this.#runtime.run("insertApiKey", async (adapter) => {
      let outcome: unknown;
      try {
        outcome = await adapter.insertApiKey?.(change);
      } catch (e) {
        throw adapterFailure("insertApiKey", e, change.identity);
      }
      if (!INSERT_OUTCOMES.has(outcome)) throw new Error("insertApiKey returned an unknown outcome");
      return outcome as "ok" | "stale" | "not_found";
    });
  }

  find(id: string): Promise<{ key: StoredApiKey; identity: StoredIdentity } | undefined> {
    this.#check();
    return this.#runtime.run("findApiKey", async (adapter) => {
      const found = (await adapter.findApiKey?.(id)) as unknown;
      // An unknown id runs the same checks, on a stand-in, as a known one (then resolves undefined).
      const unknown = found === undefined || found === null;
      const { key, identity } = (unknown ? STAND_IN : found) as { key?: unknown; identity?: unknown };
      // MemoryStorage holds only identities the manager wrote (checked then): its copies need no second check.
      if (!(this.#trusted || isStoredIdentity(identity)))
        throw new Error("findApiKey returned a malformed identity");
      const checked = checkedKey(unknown ? { ...(key as StoredApiKey) } : key);
      const wrong = checked.id !== id || checked.identity_id !== (identity as StoredIdentity).id;
      if (unknown) return undefined;
      if (wrong) throw new Error("findApiKey returned another key or identity");
      return { key: checked, identity: identity as StoredIdentity };
    });
  }

  /**
   * The authentication's read (`findApiKey`, under `init` and `close` like every operation). On MemoryStorage
   * itself ({@link MemoryApiKeys.view}): the stored key record and a decoded identity shared by every read of the
   * same stored version — READ-ONLY, neither copied nor checked (the library's own adapter, holding what the manager
   * checked when it wrote it): the caller reads them at once, without yielding, and copies what it hands out. On any
   * other adapter (a proxy or a subclass of MemoryStorage that overrides `findApiKey` included): {@link find}'s
   * checked copies.
   */
  findForAuthentication(id: string): Promise<ApiKeyView | undefined> {
    const direct = this.#direct;
    if (direct === undefined) return this.find(id);
    return this.#runtime.run("findApiKey", () => Promise.resolve(direct.view(id)));
  }

  /**
   * {@link findForAuthentication} at once, without yielding, when it can be: on MemoryStorage itself, initialised
   * and not closed. Otherwise `null`: call findForAuthentication.
   */
  viewNow(id: string): ApiKeyView | undefined | null {
    const direct = this.#direct;
    if (direct === undefined || !this.#runtime.open) return null;
    try {
      return direct.view(id);
    } catch (e) {
      throw adapterFailure("findApiKey", e);
    }
  }

  list(identityId: string): Promise<StoredApiKey[]> {
    this.#check();
    return this.#runtime.run("listApiKeys", async (adapter) => {
      const keys = (await adapter.listApiKeys?.(identityId)) as unknown;
      if (!Array.isArray(keys)) throw new Error("listApiKeys returned no list");
      return keys.map((k) => {
        const key = checkedKey(k);
        if (key.identity_id !== identityId) throw new Error("listApiKeys returned another identity's key");
        return key;
      });
    });
  }

  revoke(id: string, at: string): Promise<StoredApiKey | undefined> {
    this.#check();
    return this.#runtime.run("revokeApiKey", async (adapter) => {
      const key = (await adapter.revokeApiKey?.(id, at)) as unknown;
      return key === undefined || key === null ? undefined : checkedKey(key);
    });
  }

  touch(id: string, at: string, usedBefore: string): Promise<void> {
    this.#check();
    return this.#runtime.run("touchApiKey", async (adapter) => {
      await adapter.touchApiKey?.(id, at, usedBefore);
    });
  }
}

const isString = (v: unknown): v is string => typeof v === "string";
/** `Date#toISOString()`'s shape (what idkit writes), checked before the slower `Date.parse`. */
const ISO_UTC = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const isTimeOrNull = (v: unknown) =>
  v === null || (isString(v) && (ISO_UTC.test(v) || Number.isFinite(Date.parse(v))));

/** A key of the stored shape, or the adapter's failure (`storage_error`). */
function checkedKey(value: unknown): StoredApiKey {
  const k = value as Partial<Record<keyof StoredApiKey, unknown>> | null;
  if (
    typeof k !== "object" ||
    k === null ||
    !isString(k.id) ||
    !isString(k.identity_id) ||
    !isString(k.name) ||
    !isString(k.digest) ||
    !Array.isArray(k.scopes) ||
    !k.scopes.every(isString) ||
    k.metadata === undefined ||
    !isString(k.created_at) ||
    !isTimeOrNull(k.created_at) ||
    !isTimeOrNull(k.expires_at) ||
    !isTimeOrNull(k.last_used_at) ||
    !isTimeOrNull(k.revoked_at) ||
    !(k.replaced_by === undefined || k.replaced_by === null || isString(k.replaced_by))
  ) {
    throw new Error("the adapter returned a malformed API key");
  }
  if (k.replaced_by === undefined) k.replaced_by = null;
  return k as StoredApiKey;
}
