import { randomBytes } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { authenticatePassword, MAX_PASSWORD_BYTES } from "./credentials/authenticate-password.js";
import { deleteCredentialFrom } from "./credentials/delete-credential.js";
import { BCRYPT_MAX_PASSWORD_BYTES } from "./credentials/password/hashers/bcrypt.js";
import { createPasswordHasher, type PasswordHasher } from "./credentials/password/password-hasher.js";
import { validateImportedHash } from "./credentials/password/verify-password.js";
import { withPasswordHash } from "./credentials/password-credential.js";
import { createPasswordPolicy, type PasswordPolicy } from "./credentials/password-policy/index.js";
import { IdentityError, isIdentityError, NotFoundError, ValidationError } from "./errors/index.js";
import { cloneJson } from "./identity/clone.js";
import type {
  CredentialsType,
  Identity,
  JsonObject,
  JsonValue,
  StoredIdentity,
} from "./identity/identity.js";
import { IdentityBuilder } from "./identity/identity-builder.js";
import { applyJsonPatch } from "./identity/json-patch.js";
import { checkCredentialTypes, toListQuery } from "./identity/list-query.js";
import { checkPatchedDocument, jsonOrNull } from "./identity/patched-document.js";
import {
  BatchPatchBody,
  type CreateIdentityBody,
  JsonPatchOperation,
  echoRegion,
  parsePayload,
  UpdateIdentityBody,
} from "./identity/payloads.js";
import { type CredentialsView, toIdentityJson } from "./identity/serialize.js";
import { stripReadOnly } from "./identity/update-body.js";
import type {
  BatchPatchResultItem,
  GetIdentityOptions,
  IdentityManagerOptions,
  ListIdentitiesOptions,
  ListIdentitiesResult,
} from "./identity-manager-config.js";
import {
  checkCode,
  consumeToken,
  expiryFrom,
  type FlowDeps,
  findLinkToken,
  issueCode,
  issueLinkToken,
  type LinkBuilders,
  pickVerifiableAddress,
} from "./recovery/flows.js";
import { createTokenDigester } from "./recovery/token-secrets.js";
import { DEFAULT_SCHEMA_ID } from "./schema/presets.js";
import { SchemaRegistry } from "./schema/schema-registry.js";
import { type CasWrite, IdentityWriter, isUuid, notFound, uuidGenerator } from "./storage/identity-writer.js";
import { MemoryStorage } from "./storage/memory/memory-storage.js";
import { RuntimeStorage } from "./storage/runtime-storage.js";
import type { StorageAdapter, StoredFlowToken } from "./storage/storage-adapter.js";

// zod schemas are built once: zod 4 compiles a fast path per schema instance.
const LoginBody = z.strictObject({ identifier: z.string(), password: z.string() });
const PatchOperations = z.array(JsonPatchOperation);
const RecoveryBody = z.strictObject({ identity_id: z.string(), expires_in: z.string().optional() });
const VerificationBody = RecoveryBody.extend({ address: z.string().optional() });
const MAX_BATCH = 1000;

export type {
  BatchPatchResultItem,
  GetIdentityOptions,
  IdentityManagerOptions,
  ListIdentitiesOptions,
  ListIdentitiesResult,
};

/**
 * Identity management with Kratos's admin semantics, as a library: identities validated against JSON Schema,
 * identifiers and addresses derived through the `ory.sh/kratos` extension, credentials imported and hashed,
 * everything persisted through a {@link StorageAdapter}.
 *
 * @example
 * ```ts
 * const idm = new IdentityManager();
 * const identity = await idm.createIdentity({ schema_id: "preset://email", traits: { email: "docs@example.org" } });
 * ```
 */
export class IdentityManager<Traits = JsonObject> {
  readonly #storage: RuntimeStorage;
  readonly #schemas: SchemaRegistry;
  readonly #defaultSchemaId: string;
  readonly #hasher: PasswordHasher;
  readonly #newId: () => string;
  readonly #now: () => Date;
  readonly #maxClearText: number;
  readonly #hooks: NonNullable<IdentityManagerOptions["hooks"]>;
  readonly #flows: FlowDeps;
  readonly #links: Required<LinkBuilders>;
  readonly #policy: PasswordPolicy;
  #dummyHash: Promise<string> | undefined;
  readonly #writer: IdentityWriter;
  readonly #builder: IdentityBuilder;

  constructor(options: IdentityManagerOptions = {}) {
    this.#storage = new RuntimeStorage(options.storage ?? new MemoryStorage());
    this.#now = options.now ?? (() => new Date());
    this.#writer = new IdentityWriter(this.#storage, this.#now);
    this.#schemas = new SchemaRegistry({
      ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
      ...(options.schemas === undefined ? {} : { schemas: options.schemas }),
    });
    this.#defaultSchemaId = options.defaultSchemaId ?? DEFAULT_SCHEMA_ID;
    if (!this.#schemas.get(this.#defaultSchemaId)) {
      throw new IdentityError("invalid_configuration", {
        reason: `defaultSchemaId "${this.#defaultSchemaId}" is not a registered schema`,
      });
    }
    this.#hasher = createPasswordHasher(options.hashing);
    this.#newId = uuidGenerator(options.generateId ?? (() => uuidv7()));
    this.#maxClearText = options.maxClearTextPasswordsPerBatch ?? 200;
    this.#builder = new IdentityBuilder({
      schemas: this.#schemas,
      defaultSchemaId: this.#defaultSchemaId,
      hasher: this.#hasher,
      newId: this.#newId,
      now: this.#now,
    });
    this.#hooks = { ...options.hooks };
    this.#flows = {
      storage: this.#storage,
      digester: createTokenDigester(options.secrets),
      newId: this.#newId,
      now: this.#now,
    };
    const base = (options.publicUrl ?? "http://127.0.0.1:4433").replace(/\/+$/, "");
    const q = encodeURIComponent;
    this.#links = {
      recoveryLink: ({ flowId, token }) =>
        `${base}/self-service/recovery?flow=${q(flowId)}&token=${q(token)}`,
      recoveryCode: ({ flowId }) => `${base}/self-service/recovery?flow=${q(flowId)}`,
      verificationLink: ({ flowId, token }) =>
        `${base}/self-service/verification?flow=${q(flowId)}&token=${q(token)}`,
      verificationCode: ({ flowId }) => `${base}/self-service/verification?flow=${q(flowId)}`,
      ...options.links,
    };
    if (
      this.#hasher.algorithm === "bcrypt" &&
      (options.passwordPolicy?.minLength ?? 0) > BCRYPT_MAX_PASSWORD_BYTES
    ) {
      throw new IdentityError("invalid_configuration", {
        reason: `passwordPolicy.minLength cannot exceed bcrypt's maximum of ${BCRYPT_MAX_PASSWORD_BYTES} bytes.`,
      });
    }
    this.#policy = createPasswordPolicy({
      maxBytes: this.#hasher.algorithm === "bcrypt" ? BCRYPT_MAX_PASSWORD_BYTES : MAX_PASSWORD_BYTES,
      ...options.passwordPolicy,
    });
  }

  /** The schema registry (register more schemas at run time, look up `schema_url`s). */
  get schemas(): SchemaRegistry {
    return this.#schemas;
  }

  /** The configured password hasher. */
  get passwordHasher(): PasswordHasher {
    return this.#hasher;
  }

  /**
   * Creates an identity (Kratos `POST /admin/identities`): validates the traits against the schema, derives
   * identifiers and addresses, imports credentials (clear-text passwords are hashed, hashes validated) and writes
   * everything atomically.
   * @throws ValidationError `validation_failed` | IdentityError `schema_not_found`, `unsupported_hash`,
   *   `hash_parameters_out_of_bounds` | ConflictError `identity_conflict`
   */
  async createIdentity(body: CreateIdentityBody): Promise<Identity<Traits>> {
    const stored = await this.#builder.prepareCreate(body);
    const [outcome] = await this.#storage.insertIdentities([stored]);
    if (outcome) throw outcome;
    return echoRegion(this.#serialize(stored, { mode: "no_config" }), body);
  }

  /**
   * Creates many identities (Kratos `PATCH /admin/identities`, at most 1000). Each entry succeeds or fails on
   * its own; failures are reported per entry, by `patch_id`, with Kratos's error body. Clear-text passwords are
   * hashed in parallel within the hasher's concurrency bound.
   * @throws ValidationError when the batch itself is malformed or too large.
   */
  async batchPatchIdentities(body: BatchPatchBody): Promise<{ identities: BatchPatchResultItem[] }> {
    // Entries are parsed (and depth-checked) one by one below, so one bad entry fails alone.
    const parsed = parsePayload(BatchPatchBody, body, "", Number.POSITIVE_INFINITY);
    if (parsed.identities.length > MAX_BATCH) {
      throw new ValidationError([
        {
          pointer: "/identities",
          code: "too_big",
          message: `The maximum number of identities per request that can be created or deleted at once is ${MAX_BATCH}.`,
        },
      ]);
    }
    const clearText = parsed.identities.filter((i) => {
      const c = i.create as
        | { credentials?: { password?: { config?: { password?: unknown } } } }
        | null
        | undefined;
      return (
        typeof c?.credentials?.password?.config?.password === "string" &&
        c.credentials.password.config.password !== ""
      );
    }).length;
    if (clearText > this.#maxClearText) {
      throw new ValidationError([
        {
          pointer: "/identities",
          code: "too_big",
          message: `The maximum number of identities per request that can be created with a plaintext password is ${this.#maxClearText}.`,
        },
      ]);
    }
    const prepared = await Promise.all(
      parsed.identities.map(async (item) => {
        if (item.create === undefined || item.create === null) return null;
        try {
          return await this.#builder.prepareCreate(item.create);
        } catch (e) {
          if (isIdentityError(e)) return e;
          throw e;
        }
      }),
    );
    const toInsert = prepared.filter((p): p is StoredIdentity => p !== null && !isIdentityError(p));
    const outcomes = await this.#storage.insertIdentities(toInsert);
    const outcomeById = new Map(toInsert.map((s, i) => [s.id, outcomes[i] ?? null]));
    const identities = prepared.map((p, i): BatchPatchResultItem => {
      const patchId = parsed.identities[i]?.patch_id;
      const withPatch = patchId === undefined ? {} : { patch_id: patchId };
      if (p === null) return null;
      const error = isIdentityError(p) ? p : outcomeById.get(p.id);
      if (error) {
        const e = isIdentityError(error) ? error : new IdentityError("storage_error", { cause: error });
        return { action: "error", ...withPatch, error: e.toJSON().error };
      }
      return { action: "create", identity: (p as StoredIdentity).id, ...withPatch };
    });
    return { identities };
  }

  /**
   * Reads one identity (Kratos `GET /admin/identities/{id}`), with credentials (config only for the types named
   * in `includeCredentials`) and `metadata_admin`.
   * @throws NotFoundError `identity_not_found`
   */
  async getIdentity(id: string, options: GetIdentityOptions = {}): Promise<Identity<Traits>> {
    const include = checkCredentialTypes(options.includeCredentials);
    const stored = await this.#writer.load(id);
    return this.#serialize(stored, { mode: "declassified", include });
  }

  /** The identity with this `external_id` (Kratos `GET /admin/identities/by/external/{id}`). */
  async getIdentityByExternalId(
    externalId: string,
    options: GetIdentityOptions = {},
  ): Promise<Identity<Traits>> {
    const include = checkCredentialTypes(options.includeCredentials);
    if (externalId === "") {
      throw new ValidationError([
        { pointer: "/external_id", code: "too_small", message: "The external ID must not be empty." },
      ]);
    }
    const stored = await this.#storage.findIdentityByExternalId(externalId);
    if (!stored) throw notFound();
    return this.#serialize(stored, { mode: "declassified", include });
  }

  /**
   * Finds the identity linked to an OIDC provider account (identifier `provider:subject`, case-sensitive), or
   * undefined. Credentials are included, config only for `includeCredentials`.
   */
  async findIdentityByOidc(
    link: { provider: string; subject: string },
    options: GetIdentityOptions = {},
  ): Promise<Identity<Traits> | undefined> {
    const include = checkCredentialTypes(options.includeCredentials);
    const stored = await this.#storage.findIdentityByCredentialIdentifier(
      "oidc",
      `${link.provider}:${link.subject}`,
    );
    return stored && this.#serialize(stored, { mode: "declassified", include });
  }

  /**
   * Lists identities ordered by id, keyset-paginated (Kratos `GET /admin/identities`). Unlike Kratos, filters
   * combine. Credentials are included only with `includeCredentials` or `credentialsIdentifier`.
   * @throws ValidationError for a bad page size, id or filter | IdentityError `invalid_page_token`
   */
  async listIdentities(options: ListIdentitiesOptions = {}): Promise<ListIdentitiesResult<Traits>> {
    const { query, pageSize, view } = toListQuery(options);
    const rows = await this.#storage.listIdentities(query);
    const page = rows.slice(0, pageSize);
    const result: ListIdentitiesResult<Traits> = { identities: page.map((s) => this.#serialize(s, view)) };
    if (rows.length > pageSize) result.nextPageToken = (page.at(-1) as StoredIdentity).id;
    return result;
  }

  /**
   * Replaces an identity (Kratos `PUT /admin/identities/{id}`): `traits`, metadata and `external_id` are
   * overwritten (omitted means cleared), `schema_id` and `state` change when given, credentials given are
   * imported onto the stored ones. Addresses are re-derived from the traits. Read-only fields of a GET response
   * (`id`, `schema_url`, timestamps, addresses) are ignored, so a fetched identity can be sent back.
   * @throws NotFoundError | ValidationError | ConflictError | IdentityError `schema_not_found`
   */
  async updateIdentity(id: string, body: UpdateIdentityBody): Promise<Identity<Traits>> {
    const parsed = parsePayload(UpdateIdentityBody, stripReadOnly(body));
    const stored = await this.#writer.mutate(id, async (current, now) => {
      const next: StoredIdentity = cloneJson(current);
      if (parsed.schema_id) next.schema_id = parsed.schema_id;
      if (parsed.state && parsed.state !== current.state) {
        next.state = parsed.state;
        next.state_changed_at = now;
      }
      next.traits = (parsed.traits ?? {}) as JsonValue;
      next.metadata_public = jsonOrNull(parsed.metadata_public);
      next.metadata_admin = jsonOrNull(parsed.metadata_admin);
      next.external_id = parsed.external_id || null;
      return this.#builder.revalidate(next, current, parsed.credentials, now);
    });
    return echoRegion(this.#serialize(stored, { mode: "no_config" }), parsed);
  }

  /**
   * Applies an RFC 6902 JSON Patch (`add`, `remove`, `replace`) to the identity's full admin JSON (Kratos
   * `PATCH /admin/identities/{id}`), then revalidates and writes it atomically: either every operation applies
   * or nothing changes. `id`, `schema_url`, timestamps and `credentials/oidc` / `credentials/saml` are protected.
   * @throws NotFoundError | IdentityError `invalid_patch` | ValidationError | ConflictError
   */
  async patchIdentity(id: string, operations: readonly JsonPatchOperation[]): Promise<Identity<Traits>> {
    const ops = parsePayload(PatchOperations, operations) as JsonPatchOperation[];
    const stored = await this.#writer.mutate(id, async (current, now) => {
      // applyJsonPatch works on its own deep copy: a shallow spread is enough here.
      const document = { ...current, schema_url: this.#schemas.urlFor(current.schema_id) };
      const patched = checkPatchedDocument(applyJsonPatch(document, ops), {
        now,
        previous: current.credentials,
      });
      const next: StoredIdentity = {
        ...current,
        schema_id: patched.schema_id,
        state: patched.state,
        traits: (patched.traits ?? {}) as JsonValue,
        metadata_public: jsonOrNull(patched.metadata_public),
        metadata_admin: jsonOrNull(patched.metadata_admin),
        external_id: patched.external_id || null,
        organization_id: patched.organization_id ?? null,
        credentials: patched.credentials ?? {},
      };
      if (next.state !== current.state) next.state_changed_at = now;
      const hash = next.credentials.password?.config?.hashed_password;
      if (typeof hash === "string" && hash !== current.credentials.password?.config?.hashed_password) {
        validateImportedHash(hash);
      }
      const existing: StoredIdentity = {
        ...current,
        verifiable_addresses: (patched.verifiable_addresses ?? []) as StoredIdentity["verifiable_addresses"],
        recovery_addresses: (patched.recovery_addresses ?? []) as StoredIdentity["recovery_addresses"],
      };
      return this.#builder.revalidate(next, existing, undefined, now);
    });
    return this.#serialize(stored, { mode: "no_config" });
  }

  /**
   * Deletes an identity with its credentials and addresses (Kratos `DELETE /admin/identities/{id}`).
   * @throws NotFoundError `identity_not_found`
   */
  async deleteIdentity(id: string): Promise<void> {
    if (!isUuid(id) || !(await this.#storage.deleteIdentity(id.toLowerCase()))) throw notFound();
  }

  /**
   * Removes one credential (Kratos `DELETE /admin/identities/{id}/credentials/{type}`, spec 3.11): totp and
   * lookup_secret are removed; a password is reset (its identifiers stay); one oidc/saml link is removed by
   * `identifier` (`provider:subject`). Password, oidc and saml need another first factor to remain.
   * @throws NotFoundError `identity_not_found` | `credential_not_found` | IdentityError `last_credential`,
   *   `credential_not_deletable` | ValidationError (missing identifier)
   */
  async deleteCredential(
    id: string,
    type: CredentialsType,
    options: { identifier?: string } = {},
  ): Promise<Identity<Traits>> {
    const stored = await this.#writer.mutate(id, async (current, now) => {
      return {
        ...current,
        credentials: deleteCredentialFrom(current.credentials, type, options?.identifier, now),
      };
    });
    return this.#serialize(stored, { mode: "no_config" });
  }

  /**
   * Password login: looks the identity up by its normalised password identifier and verifies the password.
   * A stored hash of another algorithm, or weaker than configured, is rehashed with the configured hasher (a
   * failed rehash never fails the login). An unknown identifier costs one hash verification, like a known one.
   * @throws IdentityError `invalid_credentials` (401) for an unknown identifier or a wrong password;
   *   `identity_disabled` (401) for the right password of an inactive identity; `password_migration_failed` (502)
   */
  async authenticatePassword(input: { identifier: string; password: string }): Promise<Identity<Traits>> {
    const { identifier, password } = parsePayload(LoginBody, input);
    const identity = await authenticatePassword(
      {
        hasher: this.#hasher,
        findByIdentifier: (value) => this.#storage.findIdentityByCredentialIdentifier("password", value),
        dummyHash: () => {
          if (!this.#dummyHash) {
            const made = this.#hasher.hash(randomBytes(18).toString("base64"));
            this.#dummyHash = made;
            made.catch(() => {
              if (this.#dummyHash === made) this.#dummyHash = undefined; // retry next time, never cache a failure
            });
          }
          return this.#dummyHash;
        },
        migrationHook: this.#hooks.passwordMigration,
        onRehashError: this.#hooks.onRehashError,
        storeHash: (found, hash, previous) =>
          this.#writer.mutate(found.id, async (current, now) => {
            // Compare-and-set on the hash itself: a password changed meanwhile (setPassword, PUT) must not be
            // overwritten by the rehash of the old one.
            if (current.credentials.password?.config?.hashed_password !== previous) {
              throw new IdentityError("identity_conflict", {
                reason: "The password changed while it was rehashed.",
              });
            }
            return withPasswordHash(current, hash, now);
          }),
      },
      identifier,
      password,
    );
    // The identity as found, or as stored by a rehash: no second read on the login path.
    return this.#serialize(identity, { mode: "no_config" });
  }

  /**
   * Creates a recovery ("invite") link for an identity (Kratos `POST /admin/recovery/link`): a 32-character
   * token, stored only as a keyed HMAC, single use, expiring after `expires_in` (Go duration, default `1h`).
   * @throws ValidationError for an unparseable or non-future `expires_in`, or an unknown identity (400, as Kratos)
   */
  async createRecoveryLink(body: {
    identity_id: string;
    expires_in?: string;
  }): Promise<{ recovery_link: string; expires_at: string }> {
    const input = parsePayload(RecoveryBody, body);
    const expiresAt = expiryFrom(input.expires_in, this.#now());
    const identity = isUuid(input.identity_id)
      ? await this.#storage.getIdentity(input.identity_id.toLowerCase())
      : undefined;
    if (!identity) {
      throw new ValidationError(
        [
          {
            pointer: "/identity_id",
            code: "not_found",
            message: "The requested identity id does not exist.",
          },
        ],
        // Kratos's herodot.ErrBadRequest reason (selfservice/strategy/link/strategy_recovery.go).
        { reason: "The requested identity id does not exist." },
      );
    }
    const { flowId, token } = await issueLinkToken(
      this.#flows,
      "recovery_link",
      identity.id,
      null,
      expiresAt,
    );
    return {
      recovery_link: this.#links.recoveryLink({ flowId, token }),
      expires_at: expiresAt.toISOString(),
    };
  }

  /**
   * Creates a recovery code (Kratos `POST /admin/recovery/code`): 6 random digits bound to a new flow, stored only
   * as a keyed HMAC; at most 5 wrong submissions, then the flow is dead.
   * @throws ValidationError for a bad `expires_in` | NotFoundError `identity_not_found` (404, as Kratos)
   */
  async createRecoveryCode(body: {
    identity_id: string;
    expires_in?: string;
  }): Promise<{ recovery_link: string; recovery_code: string; expires_at: string; flow_id: string }> {
    const input = parsePayload(RecoveryBody, body);
    const expiresAt = expiryFrom(input.expires_in, this.#now(), "code");
    const identity = isUuid(input.identity_id)
      ? await this.#storage.getIdentity(input.identity_id.toLowerCase())
      : undefined;
    if (!identity) {
      // Kratos's sqlcon.ErrNoRows with its reason (selfservice/strategy/code/strategy_recovery_admin.go).
      throw new NotFoundError("identity_not_found", {
        message: "Unable to locate the resource",
        reason: "could not find identity",
      });
    }
    const { flowId, code } = await issueCode(this.#flows, "recovery_code", identity.id, null, expiresAt);
    return {
      recovery_link: this.#links.recoveryCode({ flowId }),
      recovery_code: code,
      expires_at: expiresAt.toISOString(),
      flow_id: flowId,
    };
  }

  /**
   * Redeems a recovery link's token (single use) and returns the identity, so the host app can start a session
   * and let the user choose a password with {@link setPassword}. All-or-nothing: the token is consumed only
   * once the identity was read and found active; any failure leaves it redeemable.
   * @throws IdentityError `token_invalid` | `token_expired` | `identity_disabled` | `storage_error` (the token
   *   still works)
   */
  async redeemRecoveryLink(token: string): Promise<Identity<Traits>> {
    return this.#identityOfToken(await findLinkToken(this.#flows, "recovery_link", token));
  }

  /**
   * Redeems a recovery code for its flow and returns the identity (all-or-nothing, as {@link redeemRecoveryLink};
   * a right code never counts as a wrong attempt).
   * @throws IdentityError `token_invalid` | `token_expired` | `too_many_attempts` | `identity_disabled` |
   *   `storage_error` (the code still works)
   */
  async redeemRecoveryCode(input: { flow_id: string; code: string }): Promise<Identity<Traits>> {
    return this.#identityOfToken(await checkCode(this.#flows, "recovery_code", input?.flow_id, input?.code));
  }

  /**
   * Sets an identity's password under the password policy (length, the hasher's maximum, similarity to the
   * identity's identifiers, common and breached passwords), hashed with the configured hasher.
   * @throws ValidationError at `/password` for a policy violation | NotFoundError `identity_not_found`
   */
  async setPassword(identityId: string, password: string): Promise<Identity<Traits>> {
    if (typeof password !== "string") {
      throw new ValidationError([
        { pointer: "/password", code: "invalid_type", message: "The password must be a string." },
      ]);
    }
    const identity = await this.#writer.load(identityId);
    const identifiers = new Set([
      ...(identity.credentials.password?.identifiers ?? []),
      ...identity.verifiable_addresses.map((a) => a.value),
      ...identity.recovery_addresses.map((a) => a.value),
    ]);
    await this.#policy.check(password, [...identifiers]);
    const hash = await this.#hasher.hash(password);
    const stored = await this.#writer.mutate(identity.id, async (current, now) =>
      withPasswordHash(current, hash, now),
    );
    return this.#serialize(stored, { mode: "no_config" });
  }

  /**
   * Creates a verification link for one of the identity's verifiable addresses (its id or value; optional when
   * it has exactly one).
   * @throws ValidationError | NotFoundError `identity_not_found` | `address_not_found`
   */
  async createVerificationLink(body: {
    identity_id: string;
    address?: string;
    expires_in?: string;
  }): Promise<{ verification_link: string; expires_at: string }> {
    const { identity, address, expiresAt } = await this.#verificationTarget(body);
    const { flowId, token } = await issueLinkToken(
      this.#flows,
      "verification_link",
      identity.id,
      address,
      expiresAt,
    );
    return {
      verification_link: this.#links.verificationLink({ flowId, token }),
      expires_at: expiresAt.toISOString(),
    };
  }

  /**
   * Creates a 6-digit verification code for one of the identity's verifiable addresses.
   * @throws ValidationError | NotFoundError `identity_not_found` | `address_not_found`
   */
  async createVerificationCode(body: {
    identity_id: string;
    address?: string;
    expires_in?: string;
  }): Promise<{ verification_link: string; verification_code: string; expires_at: string; flow_id: string }> {
    const { identity, address, expiresAt } = await this.#verificationTarget(body);
    const { flowId, code } = await issueCode(
      this.#flows,
      "verification_code",
      identity.id,
      address,
      expiresAt,
    );
    return {
      verification_link: this.#links.verificationCode({ flowId }),
      verification_code: code,
      expires_at: expiresAt.toISOString(),
      flow_id: flowId,
    };
  }

  /**
   * Redeems a verification link: the address becomes `verified: true`, `status: "completed"`, `verified_at` now.
   * All-or-nothing: the adapter consumes the token and writes the address in one atomic step.
   * @throws IdentityError `token_invalid` | `token_expired` | `storage_error` (nothing changed; the token still
   *   works)
   */
  async redeemVerificationLink(token: string): Promise<Identity<Traits>> {
    return this.#verifyFromToken(await findLinkToken(this.#flows, "verification_link", token));
  }

  /**
   * Redeems a verification code for its flow (all-or-nothing, as {@link redeemVerificationLink}).
   * @throws IdentityError `token_invalid` | `token_expired` | `too_many_attempts` | `storage_error`
   */
  async redeemVerificationCode(input: { flow_id: string; code: string }): Promise<Identity<Traits>> {
    return this.#verifyFromToken(
      await checkCode(this.#flows, "verification_code", input?.flow_id, input?.code),
    );
  }

  /**
   * Marks one verifiable address verified, as an admin (by the address's id or value).
   * @throws NotFoundError `identity_not_found` | `address_not_found`
   */
  async markAddressVerified(identityId: string, address: string): Promise<Identity<Traits>> {
    if (typeof address !== "string") throw new NotFoundError("address_not_found");
    const identity = await this.#writer.load(identityId);
    const target = pickVerifiableAddress(identity, address);
    return this.#setVerified(identity.id, target.via, target.value);
  }

  // ---------------------------------------------------------------------------------------------------------

  /**
   * Recovery redemption, all-or-nothing: the token (found, not yet consumed) is consumed only after the identity
   * was read and found active, so a failed read leaves it redeemable.
   */
  async #identityOfToken(token: StoredFlowToken): Promise<Identity<Traits>> {
    const identity = await this.#storage.getIdentity(token.identity_id);
    if (!identity) throw new IdentityError("token_invalid");
    if (identity.state !== "active")
      throw new IdentityError("identity_disabled", { details: { identity_id: identity.id } });
    if ((await consumeToken(this.#flows, token)) !== "ok") throw new IdentityError("token_invalid");
    return this.#serialize(identity, { mode: "no_config" });
  }

  async #verificationTarget(body: { identity_id: string; address?: string; expires_in?: string }) {
    const input = parsePayload(VerificationBody, body);
    const expiresAt = expiryFrom(input.expires_in, this.#now());
    const identity = await this.#writer.load(input.identity_id);
    const target = pickVerifiableAddress(identity, input.address);
    return { identity, address: { via: target.via, value: target.value }, expiresAt };
  }

  /**
   * Verification redemption, all-or-nothing: the adapter consumes the token and writes the verified address in
   * one atomic step (a stale identity is re-read and retried; a failure leaves the token redeemable).
   */
  async #verifyFromToken(token: StoredFlowToken) {
    if (!token.address) throw new IdentityError("token_invalid");
    try {
      return await this.#setVerified(
        token.identity_id,
        token.address.via,
        token.address.value,
        (next, expected) => consumeToken(this.#flows, token, { identity: next, expectedUpdatedAt: expected }),
      );
    } catch (e) {
      if (isIdentityError(e, "identity_not_found") || isIdentityError(e, "address_not_found")) {
        throw new IdentityError("token_invalid", { cause: e });
      }
      throw e;
    }
  }

  async #setVerified(
    identityId: string,
    via: string,
    value: string,
    write?: CasWrite,
  ): Promise<Identity<Traits>> {
    const stored = await this.#writer.mutate(
      identityId,
      async (current, now) => {
        const index = current.verifiable_addresses.findIndex((a) => a.via === via && a.value === value);
        if (index < 0) throw new NotFoundError("address_not_found");
        const verifiable_addresses = current.verifiable_addresses.map((a, i) =>
          i === index
            ? {
                ...a,
                verified: true,
                status: "completed",
                verified_at: a.verified_at ?? now,
                updated_at: now,
              }
            : a,
        );
        return { ...current, verifiable_addresses };
      },
      write,
    );
    return this.#serialize(stored, { mode: "no_config" });
  }

  #serialize(stored: StoredIdentity, credentials: CredentialsView): Identity<Traits> {
    return toIdentityJson<Traits>(stored, this.#schemas.urlFor(stored.schema_id), {
      credentials,
      metadataAdmin: true,
    });
  }
}
