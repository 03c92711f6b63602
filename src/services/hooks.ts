import { IdentityError, isIdentityError } from "../errors/index.js";
import type {
  CredentialsType,
  Identity,
  JsonObject,
  JsonValue,
  StoredIdentity,
} from "../identity/identity.js";
import { readConfiguration, settleQuietly } from "../json/arguments.js";
import { toJsonInput } from "../json/json-input.js";
import type { ApiKey } from "./api-key-types.js";

/** A value or a promise of it. */
export type Awaitable<T> = T | PromiseLike<T>;

/**
 * What a `beforeCreate` / `beforeUpdate` hook may change: the traits (re-validated against the identity's schema,
 * identifiers and addresses derived again) and the metadata. Returning the whole candidate with these fields
 * changed works too, as long as every other field is left as it was.
 */
export interface IdentityChanges<Traits = JsonObject> {
  traits?: Traits;
  metadata_public?: JsonValue | null;
  metadata_admin?: JsonValue | null;
}

/** Where a created identity came from. */
export type CreateSource = "create" | "batch" | "import";
/** Which write changed an identity: `updateIdentity` (PUT) or `patchIdentity` (JSON Patch). */
export type UpdateOperation = "update" | "patch";
/**
 * Which credential write: `setPassword`, `deleteCredential`, or an API key's `createApiKey`, `rotateApiKey`,
 * `revokeApiKey` (type `api_key`; `revoke_api_key` reaches only `afterCredentialChange`: a revocation is not
 * vetoable).
 */
export type CredentialOperation =
  | "set_password"
  | "delete_credential"
  | "create_api_key"
  | "rotate_api_key"
  | "revoke_api_key";

/**
 * Lifecycle hooks on every write, admin writes included (Kratos runs none on admin writes). Every hook gets the
 * identity as Kratos's admin JSON (no credential config), a fresh copy: mutating it changes nothing.
 *
 * - A before-hook runs before the storage write, outside any storage transaction. It refuses by throwing an
 *   `IdentityError` (kept as it is: code, status, reason), and nothing is written; any other thrown value becomes
 *   `invalid_configuration` (500) with the value on `cause`.
 * - An after-hook runs after the write committed and is awaited before the method resolves. Its throw or rejection
 *   never undoes or fails the write: it goes to `onHookError`.
 */
export interface LifecycleHooks<Traits = JsonObject> {
  /** Before an identity is stored: `createIdentity`, each `batchPatchIdentities` and `importIdentities` item. */
  beforeCreate?(
    candidate: Identity<Traits>,
    context: { source: CreateSource },
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing (a block body) must type-check
  ): Awaitable<IdentityChanges<Traits> | Identity<Traits> | undefined | void>;
  /** After an identity was stored (for a batch or an import: each created item, in input order). */
  afterCreate?(identity: Identity<Traits>, context: { source: CreateSource }): Awaitable<void>;
  /** Before a PUT or PATCH is stored; `candidate` is the validated result, `previous` the stored identity. */
  beforeUpdate?(
    candidate: Identity<Traits>,
    context: { previous: Identity<Traits>; operation: UpdateOperation },
    // biome-ignore lint/suspicious/noConfusingVoidType: a hook that returns nothing (a block body) must type-check
  ): Awaitable<IdentityChanges<Traits> | Identity<Traits> | undefined | void>;
  /** After a PUT or PATCH was stored. */
  afterUpdate?(
    identity: Identity<Traits>,
    context: { previous: Identity<Traits>; operation: UpdateOperation },
  ): Awaitable<void>;
  /** Before `deleteIdentity` removes the identity (refuse only). */
  beforeDelete?(identity: Identity<Traits>): Awaitable<void>;
  /** After `deleteIdentity` removed it; gets the identity as it was. */
  afterDelete?(identity: Identity<Traits>): Awaitable<void>;
  /**
   * Before `setPassword`, `deleteCredential` or an API key write (`createApiKey`, `rotateApiKey`, `revokeApiKey`)
   * (refuse only); gets the identity before the change, and for rotation and revocation the key concerned.
   */
  beforeCredentialChange?(
    identity: Identity<Traits>,
    context: { operation: CredentialOperation; type: CredentialsType; api_key?: ApiKey },
  ): Awaitable<void>;
  /** After `setPassword`, `deleteCredential` or an API key write; `api_key` is the key created or revoked. */
  afterCredentialChange?(
    identity: Identity<Traits>,
    context: { operation: CredentialOperation; type: CredentialsType; api_key?: ApiKey },
  ): Awaitable<void>;
  /** After a successful `authenticatePassword` (after any rehash or migration was stored). */
  afterLogin?(identity: Identity<Traits>): Awaitable<void>;
  /** After a successful `authenticateApiKey` (awaited before it resolves; not called when unset). */
  afterApiKeyAuthentication?(identity: Identity<Traits>, context: { api_key: ApiKey }): Awaitable<void>;
  /** After a recovery link or code was redeemed (the token consumed). */
  afterRecovery?(identity: Identity<Traits>): Awaitable<void>;
  /** After an address was verified: a verification link or code redeemed, or `markAddressVerified`. */
  afterVerification?(
    identity: Identity<Traits>,
    context: { address: { via: string; value: string } },
  ): Awaitable<void>;
  /**
   * Told when an after-hook threw or rejected (the write stands). Its own throw or rejection is swallowed.
   * @default the failure is dropped
   */
  onHookError?(error: unknown, context: { hook: AfterHookName; identityId: string }): void;
}

/** The names of the after-hooks, as `onHookError` reports them. */
export type AfterHookName =
  | "afterCreate"
  | "afterUpdate"
  | "afterDelete"
  | "afterCredentialChange"
  | "afterLogin"
  | "afterApiKeyAuthentication"
  | "afterRecovery"
  | "afterVerification";

/** Every key of the `hooks` option (the two password hooks plus the lifecycle hooks). */
export const HOOK_OPTION_KEYS = [
  "passwordMigration",
  "onRehashError",
  "beforeCreate",
  "afterCreate",
  "beforeUpdate",
  "afterUpdate",
  "beforeDelete",
  "afterDelete",
  "beforeCredentialChange",
  "afterCredentialChange",
  "afterLogin",
  "afterApiKeyAuthentication",
  "afterRecovery",
  "afterVerification",
  "onHookError",
] as const;

type HookFunction = (...args: unknown[]) => unknown;

/**
 * Reads the `hooks` option once: an object whose members are functions.
 * @throws IdentityError `invalid_configuration` for a non-object, an unknown hook name, a member that is not a
 *   function or a getter that throws.
 */
export function readHooks(value: unknown): Partial<Record<(typeof HOOK_OPTION_KEYS)[number], HookFunction>> {
  const hooks = readConfiguration(value, "hooks", HOOK_OPTION_KEYS);
  for (const [name, hook] of Object.entries(hooks)) {
    if (typeof hook !== "function") {
      throw new IdentityError("invalid_configuration", { reason: `hooks.${name} must be a function` });
    }
  }
  return hooks as Partial<Record<(typeof HOOK_OPTION_KEYS)[number], HookFunction>>;
}

const CHANGEABLE = ["traits", "metadata_public", "metadata_admin"] as const;

/** What the runner needs from the context. */
export interface HookDeps {
  serialize(stored: StoredIdentity): Identity;
  /** Validates a changed candidate again (schema, limits, derived identifiers and addresses). */
  revalidate(next: StoredIdentity, existing: StoredIdentity, now: string): Promise<StoredIdentity>;
}

/** Runs the lifecycle hooks for the services (see {@link LifecycleHooks} for the contract). */
export class HookRunner {
  readonly #hooks: Partial<Record<(typeof HOOK_OPTION_KEYS)[number], HookFunction>>;
  readonly #deps: HookDeps;

  constructor(hooks: Partial<Record<(typeof HOOK_OPTION_KEYS)[number], HookFunction>>, deps: HookDeps) {
    this.#hooks = hooks;
    this.#deps = deps;
  }

  /** True when the hook is configured. */
  has(name: (typeof HOOK_OPTION_KEYS)[number]): boolean {
    return this.#hooks[name] !== undefined;
  }

  /**
   * Runs `beforeCreate` / `beforeUpdate` on a candidate; returns what to write (the candidate, or the candidate
   * with the hook's changes validated again at `now`).
   * @throws the hook's IdentityError | IdentityError `invalid_configuration` for another throw or a bad result |
   *   ValidationError `validation_failed` when the changed traits do not validate
   */
  async beforeWrite(
    name: "beforeCreate" | "beforeUpdate",
    candidate: StoredIdentity,
    context: object,
    now: string,
  ): Promise<StoredIdentity> {
    const hook = this.#hooks[name];
    if (hook === undefined) return candidate;
    const shown = this.#deps.serialize(candidate);
    const result = await this.#call(name, hook, [this.#deps.serialize(candidate), context]);
    if (result === undefined || result === null) return candidate;
    const changes = readChanges(name, result, shown);
    if (changes === undefined) return candidate;
    return this.#deps.revalidate({ ...candidate, ...changes }, candidate, now);
  }

  /**
   * Runs a refuse-only before-hook (`beforeDelete`, `beforeCredentialChange`); its result is ignored.
   * @throws the hook's IdentityError | IdentityError `invalid_configuration` for another throw
   */
  async beforeCheck(
    name: "beforeDelete" | "beforeCredentialChange",
    identity: StoredIdentity,
    context?: object,
  ): Promise<void> {
    const hook = this.#hooks[name];
    if (hook === undefined) return;
    const args: unknown[] = [this.#deps.serialize(identity)];
    if (context !== undefined) args.push(context);
    await this.#call(name, hook, args);
  }

  /** Runs an after-hook; never throws (a failure goes to `onHookError`). */
  async after(name: AfterHookName, identity: StoredIdentity, context?: object): Promise<void> {
    const hook = this.#hooks[name];
    if (hook === undefined) return;
    try {
      const args: unknown[] = [this.#deps.serialize(identity)];
      if (context !== undefined) args.push(context);
      await hook(...args);
    } catch (error) {
      const onHookError = this.#hooks.onHookError;
      if (onHookError === undefined) return;
      try {
        settleQuietly(onHookError(error, { hook: name, identityId: identity.id }));
      } catch {
        // The error callback never breaks the write either.
      }
    }
  }

  async #call(name: string, hook: HookFunction, args: unknown[]): Promise<unknown> {
    try {
      return await hook(...args);
    } catch (cause) {
      if (isIdentityError(cause)) throw cause;
      throw new IdentityError("invalid_configuration", { reason: `hooks.${name} threw.`, cause });
    }
  }
}

/**
 * The changes a before-hook returned, copied into plain JSON: `traits` and the metadata; any other field must be
 * left as the hook was shown it. `undefined` when nothing changed.
 * @throws IdentityError `invalid_configuration` for a result that is not such an object
 */
function readChanges(
  name: string,
  result: unknown,
  shown: Identity,
): Partial<Pick<StoredIdentity, (typeof CHANGEABLE)[number]>> | undefined {
  let copy: JsonValue;
  try {
    copy = toJsonInput(result);
  } catch (cause) {
    throw new IdentityError("invalid_configuration", {
      reason: `hooks.${name} returned a non-JSON value.`,
      cause,
    });
  }
  if (copy === null || typeof copy !== "object" || Array.isArray(copy)) {
    throw new IdentityError("invalid_configuration", {
      reason: `hooks.${name} must return nothing or an object of changes.`,
    });
  }
  const shownFields = shown as unknown as Record<string, unknown>;
  const changes: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(copy)) {
    if ((CHANGEABLE as readonly string[]).includes(key)) {
      if (JSON.stringify(value) !== JSON.stringify(shownFields[key] ?? null)) changes[key] = value;
    } else if (JSON.stringify(value) !== JSON.stringify(shownFields[key])) {
      throw new IdentityError("invalid_configuration", {
        reason: `hooks.${name} may change only traits, metadata_public and metadata_admin, not ${key}.`,
      });
    }
  }
  return Object.keys(changes).length === 0 ? undefined : changes;
}
