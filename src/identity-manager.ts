import type { PasswordHasher } from "./credentials/password/password-hasher.js";
import type { CredentialsType, Identity, JsonObject } from "./identity/identity.js";
import type {
  BatchPatchBody,
  CreateIdentityBody,
  JsonPatchOperation,
  UpdateIdentityBody,
} from "./identity/payloads.js";
import type {
  BatchPatchResultItem,
  GetIdentityOptions,
  IdentityManagerOptions,
  ImportIdentitiesOptions,
  ImportIdentitiesResult,
  ListIdentitiesOptions,
  ListIdentitiesResult,
} from "./identity-manager-config.js";
import { ApiKeyMethods, attachApiKeys } from "./identity-manager-keys.js";
import type { SchemaRegistry } from "./schema/schema-registry.js";
import { batchPatchIdentities } from "./services/batch.js";
import { createServiceContext, type ServiceContext } from "./services/context.js";
import { IdentityReads } from "./services/identity-reads.js";
import { IdentityWrites } from "./services/identity-writes.js";
import { importIdentities } from "./services/import-stream.js";
import { Passwords } from "./services/passwords.js";
import { Recovery } from "./services/recovery.js";

/**
 * Identity management with Kratos's admin semantics, as a library: identities validated against JSON Schema,
 * identifiers and addresses derived through the `ory.sh/kratos` extension, credentials imported and hashed,
 * everything persisted through a {@link StorageAdapter}. A thin facade: each method hands its arguments to one
 * service (`src/services/`). Any JavaScript value, as any argument, gives an `IdentityError` or a result — never
 * a `TypeError` — and a rejected call writes nothing.
 */
export class IdentityManager<Traits = JsonObject> extends ApiKeyMethods<Traits> {
  readonly #ctx: ServiceContext;
  readonly #writes: IdentityWrites;
  readonly #reads: IdentityReads;
  readonly #passwords: Passwords;
  readonly #recovery: Recovery;

  /** @throws IdentityError `invalid_configuration` for an invalid schema or option (named in `reason`). */
  constructor(options: IdentityManagerOptions<Traits> = {}) {
    super();
    this.#ctx = createServiceContext(options);
    this.#writes = new IdentityWrites(this.#ctx);
    this.#reads = new IdentityReads(this.#ctx);
    this.#passwords = new Passwords(this.#ctx);
    this.#recovery = new Recovery(this.#ctx);
    attachApiKeys(this, this.#ctx);
  }

  /** The schema registry (register more schemas at run time, look up `schema_url`s). */
  get schemas(): SchemaRegistry {
    return this.#ctx.schemas;
  }

  /** The configured password hasher. */
  get passwordHasher(): PasswordHasher {
    return this.#ctx.hasher;
  }

  /**
   * Creates an identity (Kratos `POST /admin/identities`): validates the traits against the schema, derives
   * identifiers and addresses, imports credentials (clear-text passwords are hashed, hashes validated) and writes
   * everything atomically.
   * @throws ValidationError `validation_failed` | IdentityError `schema_not_found`, `unsupported_hash`,
   *   `hash_parameters_out_of_bounds` | ConflictError `identity_conflict`
   */
  async createIdentity(body: CreateIdentityBody<Traits>): Promise<Identity<Traits>> {
    return (await this.#writes.create(body)) as Identity<Traits>;
  }

  /**
   * Creates many identities (Kratos `PATCH /admin/identities`, at most 1000). Each entry succeeds or fails on
   * its own; failures are reported per entry, by `patch_id`, with Kratos's error body. Clear-text passwords are
   * hashed in parallel within the hasher's concurrency bound.
   * @throws ValidationError when the batch itself is malformed or too large.
   */
  async batchPatchIdentities(body: BatchPatchBody<Traits>): Promise<{ identities: BatchPatchResultItem[] }> {
    return batchPatchIdentities(this.#ctx, body);
  }

  /**
   * Imports create bodies streamed from an (async) iterable, lazily and in bounded memory; each item fails alone
   * (see {@link ImportIdentitiesOptions}, {@link ImportIdentitiesResult}, `docs/identities.md`).
   * @throws ValidationError (bad or throwing `source`) | IdentityError `invalid_configuration`, `storage_error`
   */
  async importIdentities(
    source: Iterable<CreateIdentityBody<Traits>> | AsyncIterable<CreateIdentityBody<Traits>>,
    options?: ImportIdentitiesOptions,
  ): Promise<ImportIdentitiesResult> {
    return importIdentities(this.#ctx, source, options);
  }

  /**
   * Reads one identity (Kratos `GET /admin/identities/{id}`), with credentials (config only for the types named
   * in `includeCredentials`) and `metadata_admin`.
   * @throws NotFoundError `identity_not_found` | ValidationError for bad options
   */
  async getIdentity(id: string, options?: GetIdentityOptions): Promise<Identity<Traits>> {
    return (await this.#reads.get(id, options)) as Identity<Traits>;
  }

  /**
   * The identity with this `external_id` (Kratos `GET /admin/identities/by/external/{id}`).
   * @throws NotFoundError `identity_not_found` | ValidationError for an empty or non-string id
   */
  async getIdentityByExternalId(externalId: string, options?: GetIdentityOptions): Promise<Identity<Traits>> {
    return (await this.#reads.getByExternalId(externalId, options)) as Identity<Traits>;
  }

  /**
   * Finds the identity linked to an OIDC provider account (identifier `provider:subject`, case-sensitive), or
   * undefined. Credentials are included, config only for `includeCredentials`.
   * @throws ValidationError for a non-string provider or subject
   */
  async findIdentityByOidc(
    link: { provider: string; subject: string },
    options?: GetIdentityOptions,
  ): Promise<Identity<Traits> | undefined> {
    return (await this.#reads.findByOidc(link, options)) as Identity<Traits> | undefined;
  }

  /**
   * Lists identities ordered by id, keyset-paginated (Kratos `GET /admin/identities`). Unlike Kratos, filters
   * combine. Credentials are included only with `includeCredentials` or `credentialsIdentifier`.
   * @throws ValidationError for a bad page size, id or filter | IdentityError `invalid_page_token`
   */
  async listIdentities(options?: ListIdentitiesOptions): Promise<ListIdentitiesResult<Traits>> {
    return (await this.#reads.list(options)) as ListIdentitiesResult<Traits>;
  }

  /**
   * Replaces an identity (Kratos `PUT /admin/identities/{id}`): `traits`, metadata and `external_id` are
   * overwritten (omitted means cleared), `schema_id` and `state` change when given, credentials given are
   * imported onto the stored ones. Addresses are re-derived from the traits. Read-only fields of a GET response
   * (`id`, `schema_url`, timestamps, addresses) are ignored, so a fetched identity can be sent back.
   * @throws NotFoundError | ValidationError | ConflictError | IdentityError `schema_not_found`
   */
  async updateIdentity(id: string, body: UpdateIdentityBody<Traits> | Identity<Traits>) {
    return (await this.#writes.update(id, body)) as Identity<Traits>;
  }

  /**
   * Applies an RFC 6902 JSON Patch (`add`, `remove`, `replace`) to the identity's full admin JSON (Kratos
   * `PATCH /admin/identities/{id}`), then revalidates and writes it atomically: either every operation applies
   * or nothing changes. `id`, `schema_url`, timestamps and everything under `credentials/oidc` /
   * `credentials/saml` are protected at any depth.
   * @throws NotFoundError | IdentityError `invalid_patch` | ValidationError | ConflictError
   */
  async patchIdentity(id: string, operations: readonly JsonPatchOperation[]): Promise<Identity<Traits>> {
    return (await this.#writes.patch(id, operations)) as Identity<Traits>;
  }

  /**
   * Deletes an identity with its credentials and addresses (Kratos `DELETE /admin/identities/{id}`).
   * @throws NotFoundError `identity_not_found`
   */
  async deleteIdentity(id: string): Promise<void> {
    await this.#writes.delete(id);
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
    options?: { identifier?: string },
  ): Promise<Identity<Traits>> {
    return (await this.#writes.deleteCredential(id, type, options)) as Identity<Traits>;
  }

  /**
   * Password login: looks the identity up by its normalised password identifier and verifies the password.
   * A stored hash of another algorithm, or weaker than configured, is rehashed with the configured hasher (a
   * failed rehash never fails the login). An unknown identifier costs one verification of the configured hash,
   * and a wrong password against a cheaper stored hash is padded to the same cost (login time does not reveal
   * which hash an identity holds).
   * @throws IdentityError `invalid_credentials` (401) for an unknown identifier or a wrong password;
   *   `identity_disabled` (401) for the right password of an inactive identity; `password_migration_failed` (502)
   */
  async authenticatePassword(input: { identifier: string; password: string }): Promise<Identity<Traits>> {
    return (await this.#passwords.authenticate(input)) as Identity<Traits>;
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
    return this.#recovery.createLink(body);
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
    return this.#recovery.createCode(body);
  }

  /**
   * Redeems a recovery link's token (single use) and returns the identity, so the host app can start a session
   * and let the user choose a password with {@link setPassword}. All-or-nothing: the token is consumed only
   * once the identity was read and found active; any failure leaves it redeemable.
   * @throws IdentityError `token_invalid` | `token_expired` | `identity_disabled` | `storage_error` (the token
   *   still works)
   */
  async redeemRecoveryLink(token: string): Promise<Identity<Traits>> {
    return (await this.#recovery.redeemLink(token)) as Identity<Traits>;
  }

  /**
   * Redeems a recovery code for its flow and returns the identity (all-or-nothing, as {@link redeemRecoveryLink};
   * a right code never counts as a wrong attempt).
   * @throws IdentityError `token_invalid` | `token_expired` | `too_many_attempts` | `identity_disabled` |
   *   `storage_error` (the code still works)
   */
  async redeemRecoveryCode(input: { flow_id: string; code: string }): Promise<Identity<Traits>> {
    return (await this.#recovery.redeemCode(input)) as Identity<Traits>;
  }

  /**
   * Sets an identity's password under the password policy (length, the hasher's maximum, similarity to the
   * identity's identifiers, common and breached passwords), hashed with the configured hasher.
   * @throws ValidationError at `/password` for a policy violation | NotFoundError `identity_not_found`
   */
  async setPassword(identityId: string, password: string): Promise<Identity<Traits>> {
    return (await this.#passwords.set(identityId, password)) as Identity<Traits>;
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
    return this.#recovery.createVerificationLink(body);
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
    return this.#recovery.createVerificationCode(body);
  }

  /**
   * Redeems a verification link: the address becomes `verified: true`, `status: "completed"`, `verified_at` now.
   * All-or-nothing: the adapter consumes the token and writes the address in one atomic step.
   * @throws IdentityError `token_invalid` | `token_expired` | `storage_error` (the token then still works)
   */
  async redeemVerificationLink(token: string): Promise<Identity<Traits>> {
    return (await this.#recovery.redeemVerificationLink(token)) as Identity<Traits>;
  }

  /**
   * Redeems a verification code for its flow (all-or-nothing, as {@link redeemVerificationLink}).
   * @throws IdentityError `token_invalid` | `token_expired` | `too_many_attempts` | `storage_error`
   */
  async redeemVerificationCode(input: { flow_id: string; code: string }): Promise<Identity<Traits>> {
    return (await this.#recovery.redeemVerificationCode(input)) as Identity<Traits>;
  }

  /**
   * Marks one verifiable address verified, as an admin (by the address's id or value).
   * @throws NotFoundError `identity_not_found` | `address_not_found`
   */
  async markAddressVerified(identityId: string, address: string): Promise<Identity<Traits>> {
    return (await this.#recovery.markAddressVerified(identityId, address)) as Identity<Traits>;
  }

  /** Calls the adapter's `close` once (idempotent). @throws StorageError `storage_error`, as later calls do. */
  async close(): Promise<void> {
    return this.#ctx.storage.close();
  }
}
