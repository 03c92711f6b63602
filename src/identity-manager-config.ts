import type { PasswordMigrationHook } from "./credentials/authenticate-password.js";
import type { HashingOptions } from "./credentials/password/password-hasher.js";
import type { PasswordPolicyOptions } from "./credentials/password-policy/index.js";
import type { IdentityError, IdentityErrorCode } from "./errors/index.js";
import type { CredentialsType, Identity, JsonObject } from "./identity/identity.js";
import type { IdentityLimits } from "./identity/limits.js";
import type { LinkBuilders } from "./recovery/flows.js";
import type { JsonSchema } from "./schema/schema-registry.js";
import type { ApiKeyOptions } from "./services/api-key-types.js";
import type { LifecycleHooks } from "./services/hooks.js";
import type { StorageAdapter } from "./storage/storage-adapter.js";

/**
 * The `hooks` option: the password hooks and the lifecycle hooks ({@link LifecycleHooks}), typed by `Traits`.
 * An unknown name or a member that is not a function is `invalid_configuration`.
 */
export interface IdentityManagerHooks<Traits = JsonObject> extends LifecycleHooks<Traits> {
  /**
   * Called on the first login of an identity imported with `use_password_migration_hook: true`: resolve true
   * when the password is right (it is then hashed and stored), false when it is wrong. A throw becomes
   * `password_migration_failed` (502).
   */
  passwordMigration?: PasswordMigrationHook;
  /** Told when rehashing a password after a successful login failed (the login still succeeds). */
  onRehashError?: (error: unknown, identityId: string) => void;
}

/** Options of {@link IdentityManager}; `Traits` types the lifecycle hooks' identities. */
export interface IdentityManagerOptions<Traits = JsonObject> {
  /** Where identities live. @default new MemoryStorage() */
  storage?: StorageAdapter;
  /**
   * Identity schemas by id. `preset://email` is always registered; `default` is Kratos's quickstart
   * email-password schema (email + name) unless you register your own `default`.
   */
  schemas?: Record<string, JsonSchema>;
  /** Schema of identities created without `schema_id`. @default "default" */
  defaultSchemaId?: string;
  /** Base of `schema_url` and of recovery links. @default "http://127.0.0.1:4433" */
  publicUrl?: string;
  /** Password hashing. @default { algorithm: "argon2id" } with OWASP parameters */
  hashing?: HashingOptions;
  /** Generates identity and address ids. @default uuid v7 (time-ordered) */
  generateId?: () => string;
  /** The clock. @default () => new Date() */
  now?: () => Date;
  /** Most entries with a clear-text password in one batch (Kratos: 200). @default 200 */
  maxClearTextPasswordsPerBatch?: number;
  /**
   * Size caps on one identity, checked on create, update, patch and every batch entry (Kratos has none). Past a
   * cap the write fails with `validation_failed` (400) and nothing is stored; the issue's `code` is `too_many`
   * (or `too_large` for the traits), its `context` names the cap (`limit`) and its value (`maximum`). Each cap is
   * a positive integer, or `Infinity` to lift it; omitted ones keep their defaults. Units and defaults:
   *
   * - `maxIdentifiers`: identifiers per credential type — password, webauthn and code identifiers derived from
   *   the traits (code counts address + channel pairs), oidc / saml links after an import. @default 100
   * - `maxVerifiableAddresses`: verifiable addresses derived from the traits, or given on create or in a patch.
   *   @default 100
   * - `maxRecoveryAddresses`: the same for recovery addresses. @default 100
   * - `maxTraitsBytes`: `traits` as JSON text (`JSON.stringify`), in UTF-8 bytes, checked before the schema runs.
   * - `maxMetadataBytes`: `metadata_public` and `metadata_admin`, each, as JSON text in UTF-8 bytes.
   *   @default 65536 (64 KiB)
   *
   * Every step of a write is linear in these sizes; at the defaults the largest accepted identity blocks the
   * event loop for a few milliseconds (bench/large-identity.bench.ts).
   * @throws IdentityError `invalid_configuration` (from the constructor) for an unknown cap or a bad value.
   */
  limits?: Partial<IdentityLimits>;
  /**
   * Keys for HMAC-ing recovery and verification tokens and API keys at rest (each at least 16 characters): the
   * first signs, all verify, so keys rotate by prepending. @default one random key per instance (tokens and API
   * keys die with the process)
   */
  secrets?: readonly string[];
  /** Builders of the links handed out with tokens. @default Kratos's URLs under `publicUrl` */
  links?: LinkBuilders;
  /** Policy `setPassword` applies (the import paths never do, as in Kratos). */
  passwordPolicy?: PasswordPolicyOptions;
  /** Host callbacks: password migration, rehash errors and lifecycle hooks (`docs/identities.md#lifecycle-hooks`). */
  hooks?: IdentityManagerHooks<Traits>;
  /** API keys of machine identities: the keys' prefix, how often `last_used_at` is written (`docs/machine-identities.md`). */
  apiKeys?: ApiKeyOptions;
}

/** Options of {@link IdentityManager.getIdentity}. */
export interface GetIdentityOptions {
  /** Credential types whose config is returned (Kratos `include_credential`). */
  includeCredentials?: readonly CredentialsType[];
}

/** Options of {@link IdentityManager.listIdentities}. Filters combine (AND). */
export interface ListIdentitiesOptions extends GetIdentityOptions {
  /**
   * Page size, an integer, read as Kratos's keyset paginator reads `page_size`: `0` or negative means the default,
   * above 500 is clamped to 500; a non-integer (`1.5`, `NaN`, beyond Go's `int`) is `validation_failed` at
   * `/pageSize`. @default 250
   */
  pageSize?: number;
  /** `nextPageToken` of the previous page (undefined: the first page). */
  pageToken?: string | undefined;
  /** Only these ids (at most 500 UUIDs). */
  ids?: readonly string[];
  /** Only the identity holding this credential identifier (password/webauthn/code ones compared normalised). */
  credentialsIdentifier?: string;
  /** Only identities of this organization. */
  organizationId?: string;
}

export interface ListIdentitiesResult<T = JsonObject> {
  identities: Identity<T>[];
  /** Present when there is a next page. */
  nextPageToken?: string;
}

/** One entry of a batch response (Kratos's `PATCH /admin/identities`). */
export type BatchPatchResultItem =
  | { action: "create"; identity: string; patch_id?: string }
  | { action: "error"; patch_id?: string; error: ReturnType<IdentityError["toJSON"]>["error"] }
  | null;

/** Running counts of {@link IdentityManager.importIdentities}: items whose outcome is known. */
export interface ImportProgress {
  /** Items handled so far (`created + failed`). */
  processed: number;
  /** Identities written. */
  created: number;
  /** Items refused (each has an entry in `errors`). */
  failed: number;
}

/** Options of {@link IdentityManager.importIdentities}; an unknown option is `invalid_configuration`. */
export interface ImportIdentitiesOptions {
  /**
   * Items per storage write (one `insertIdentities` call), an integer from 1 to 1000. A batch is also closed
   * early once it holds `maxClearTextPasswordsPerBatch` items with a clear-text password. @default 500
   */
  batchSize?: number;
  /**
   * Batches in flight at once (being built, hashed or written), an integer from 1 to 64. At most
   * `batchSize × concurrency` items are read ahead of the ones already handled. @default 2
   */
  concurrency?: number;
  /**
   * Told the running counts (a fresh object) after each batch. Its result is ignored (a promise is not
   * awaited) and a throw or rejection is swallowed: it never stops the import.
   */
  onProgress?: (progress: ImportProgress) => void;
  /**
   * Stops the import: nothing more is read from the source (it is closed with `return()`), the batches already
   * in flight are finished, and the import resolves with `aborted: true`. An already aborted signal reads nothing.
   */
  signal?: AbortSignal;
}

/** Why one item of an import failed. */
export interface ImportItemError {
  /** 0-based position of the item in the source. */
  index: number;
  /** The error family's code (`validation_failed`, `identity_conflict`, `unsupported_hash`, ...). */
  code: IdentityErrorCode;
  /** The error's `reason` (the specific explanation), or its message when it has none. */
  message: string;
  /**
   * RFC 6901 pointer into the item of the invalid field (the first issue's) or of the conflicting one (a trait
   * such as `/traits/email`, or `/external_id`); absent when unknown.
   */
  pointer?: string;
  /** For `identity_conflict`: the id of the identity that holds the conflicting identifier, when found. */
  conflictingIdentityId?: string;
}

/** What {@link IdentityManager.importIdentities} did. */
export interface ImportIdentitiesResult extends ImportProgress {
  /** One entry per failed item, ordered by `index`. */
  errors: ImportItemError[];
  /** True when the signal stopped the import: items `0 .. processed - 1` were handled, none after. */
  aborted: boolean;
}
