import type { ExistingAddresses } from "../addresses/extract.js";
import {
  clearTextPassword,
  hashClearText,
  importCredentials,
  importHashedCredentials,
  precheckCredentials,
} from "../credentials/import-credentials.js";
import type { PasswordHasher } from "../credentials/password/password-hasher.js";
import { validateImportedHash } from "../credentials/password/verify-password.js";
import { readCommonCreateBody } from "../identity/create-body-fast.js";
import type { CredentialsMap, JsonValue, StoredIdentity } from "../identity/identity.js";
import {
  checkGivenAddresses,
  checkLinks,
  checkMetadataSize,
  checkTraitsSize,
  type IdentityLimits,
  resolveIdentityLimits,
} from "../identity/limits.js";
import { jsonOrNull } from "../identity/patched-document.js";
import { CreateIdentityBodySchema, type ImportCredentials, parseJson } from "../identity/payloads.js";
import type { toJsonInput } from "../json/json-input.js";
import type { SchemaRegistry } from "../schema/schema-registry.js";
import {
  applyIdentifiers,
  finalizeRecovery,
  finalizeVerifiable,
  type WriteContext,
} from "./apply-extraction.js";
import { isoClock } from "./iso-now.js";
import { validateTraits } from "./validate-traits.js";

/** What building identities needs. */
export interface IdentityBuilderDeps {
  schemas: SchemaRegistry;
  defaultSchemaId: string;
  hasher: PasswordHasher;
  newId: () => string;
  now: () => Date;
  /** Size caps (see {@link IdentityLimits}); omitted fields take their defaults. */
  limits?: Partial<IdentityLimits> | undefined;
}

/**
 * Turns payloads into identities ready to store, in the order of Kratos's create path: parse strictly, check
 * imported hashes (cheap, before anything else), validate traits and derive identifiers and addresses, then hash
 * clear-text passwords (the expensive step, skipped for invalid input) and assemble. Size caps are checked
 * before the schema runs (traits bytes, given addresses, imported links) and while deriving (identifiers and
 * addresses); every step is linear in the size of the identity.
 */
export class IdentityBuilder {
  readonly #schemas: SchemaRegistry;
  readonly #defaultSchemaId: string;
  readonly #hasher: PasswordHasher;
  readonly #newId: () => string;
  readonly #now: () => string;
  readonly #limits: Readonly<IdentityLimits>;

  /** @throws IdentityError `invalid_configuration` for malformed `limits`. */
  constructor(deps: IdentityBuilderDeps) {
    this.#schemas = deps.schemas;
    this.#defaultSchemaId = deps.defaultSchemaId;
    this.#hasher = deps.hasher;
    this.#newId = deps.newId;
    this.#now = isoClock(deps.now);
    this.#limits = resolveIdentityLimits(deps.limits);
  }

  /** The caps in force. */
  get limits(): Readonly<IdentityLimits> {
    return this.#limits;
  }

  #writeContext(now: string): WriteContext {
    return { now, newId: this.#newId };
  }

  /**
   * Builds a new identity from a create body: `input` is a plain JSON copy ({@link toJsonInput}'s result) that the
   * caller hands over — parts of it (traits, metadata) become parts of the identity.
   * @throws ValidationError (`too_large` / `too_many` past a cap) | IdentityError (schema, hash)
   */
  async prepareCreate(input: JsonValue): Promise<StoredIdentity> {
    return this.planCreate(input)();
  }

  /**
   * {@link prepareCreate} in two steps, so that a batch gives out ids in the order it always did (every entry's
   * identity id in the first step, then the addresses' ids): the first step parses, checks and validates (and
   * throws what {@link prepareCreate} rejects with, up to the hashing); the step it returns assembles the identity —
   * without a promise when the body needs no hashing (no clear-text password: a bulk import of hashes), so a batch
   * of them holds no pending promise; else a promise that rejects with what the hashing and the assembly throw.
   */
  planCreate(input: JsonValue): () => StoredIdentity | Promise<StoredIdentity> {
    const body = readCommonCreateBody(input) ?? parseJson(CreateIdentityBodySchema, input);
    const limits = this.#limits;
    checkTraitsSize(body.traits, limits.maxTraitsBytes, true);
    checkMetadataSize(body, limits.maxMetadataBytes, true);
    checkGivenAddresses({ verifiable: body.verifiable_addresses, recovery: body.recovery_addresses }, limits);
    checkLinks(linkCounts(body.credentials), limits);
    const now = this.#now();
    const id = body.id?.toLowerCase() ?? this.#newId();
    const schema = this.#schemas.require(body.schema_id || this.#defaultSchemaId);
    precheckCredentials(body.credentials, VALIDATE_IMPORTED);
    const given = body.verifiable_addresses !== undefined || body.recovery_addresses !== undefined;
    const existing: ExistingAddresses = !given
      ? NO_ADDRESSES
      : {
          verifiable: (body.verifiable_addresses ?? []).map((a) => ({
            value: a.value.toLowerCase(),
            verified: a.verified,
            via: a.via || "email",
            status: a.status ?? "",
            ...(a.verified_at ? { verified_at: a.verified_at } : {}),
          })),
          recovery: (body.recovery_addresses ?? []).map((a) => ({
            value: a.value.toLowerCase(),
            via: a.via || "email",
          })),
        };
    // `input` is the caller's private copy: its traits are handed over, not copied again.
    const validated = validateTraits(schema, (body.traits ?? {}) as JsonValue, existing, limits, true);
    const build = (hashed: string | undefined): StoredIdentity => {
      // The imported hash was validated above: not a second time.
      const ctx = { validateHash: validatedAlready, identityId: id, now };
      let credentials = importHashedCredentials({}, body.credentials, ctx, hashed);
      checkLinks(mergedLinkCounts(credentials, body.credentials), limits);
      credentials = applyIdentifiers(credentials, validated.extraction, now);
      const writeContext = this.#writeContext(now);
      return {
        id,
        schema_id: schema.id,
        state: body.state ?? "active",
        state_changed_at: now,
        traits: validated.traits ?? {},
        verifiable_addresses: finalizeVerifiable(validated.extraction.verifiableAddresses, writeContext),
        recovery_addresses: finalizeRecovery(validated.extraction.recoveryAddresses, writeContext),
        metadata_public: jsonOrNull(body.metadata_public),
        metadata_admin: jsonOrNull(body.metadata_admin),
        credentials,
        external_id: body.external_id || null,
        organization_id: body.organization_id ?? null,
        created_at: now,
        updated_at: now,
      };
    };
    const password = clearTextPassword(body.credentials);
    if (password === undefined) return () => build(undefined);
    return () => hashClearText(password, this.#importContext(id, now)).then(build);
  }

  /** The import context of a build whose imported hash {@link precheckCredentials} already validated. */
  #importContext(identityId: string, now: string) {
    return {
      hashPassword: (password: string) => this.#hasher.hash(password),
      validateHash: validatedAlready,
      identityId,
      now,
    };
  }

  /**
   * Revalidates `next` against its schema, imports credentials onto it, re-derives identifiers and addresses.
   * `next` carries the stored addresses; `existing` the ones to reuse (the stored ones on update, the patched
   * ones on patch), refused past the caps unless the stored identity already had that many.
   * @throws ValidationError (`too_large` / `too_many` past a cap) | IdentityError (schema, hash)
   */
  async revalidate(
    next: StoredIdentity,
    existing: Pick<StoredIdentity, "verifiable_addresses" | "recovery_addresses">,
    credentials: ImportCredentials | undefined,
    now: string,
  ): Promise<StoredIdentity> {
    const limits = this.#limits;
    checkTraitsSize(next.traits, limits.maxTraitsBytes);
    checkMetadataSize(next, limits.maxMetadataBytes);
    checkGivenAddresses(
      { verifiable: existing.verifiable_addresses, recovery: existing.recovery_addresses },
      limits,
      { verifiable: next.verifiable_addresses.length, recovery: next.recovery_addresses.length },
    );
    checkLinks(linkCounts(credentials), limits);
    const schema = this.#schemas.require(next.schema_id);
    precheckCredentials(credentials, { validateHash: validateImportedHash });
    const { traits, extraction } = validateTraits(
      schema,
      next.traits,
      { verifiable: existing.verifiable_addresses, recovery: existing.recovery_addresses },
      limits,
    );
    const ctx = this.#writeContext(now);
    let creds: CredentialsMap = await importCredentials(
      next.credentials,
      credentials,
      this.#importContext(next.id, now),
    );
    checkLinks(mergedLinkCounts(creds, credentials), limits);
    creds = applyIdentifiers(creds, extraction, now);
    return {
      ...next,
      schema_id: schema.id,
      traits,
      credentials: creds,
      verifiable_addresses: touchChanged(
        finalizeVerifiable(extraction.verifiableAddresses, ctx),
        next.verifiable_addresses,
        now,
      ),
      recovery_addresses: touchChanged(
        finalizeRecovery(extraction.recoveryAddresses, ctx),
        next.recovery_addresses,
        now,
      ),
    };
  }
}

/** Number of oidc / saml links an import body carries. */
function linkCounts(body: ImportCredentials | undefined) {
  return { oidc: body?.oidc?.config.providers.length, saml: body?.saml?.config.providers.length };
}

/** Number of identifiers of the oidc / saml credentials an import body touched, after the merge. */
function mergedLinkCounts(merged: CredentialsMap, body: ImportCredentials | undefined) {
  return {
    oidc: body?.oidc ? merged.oidc?.identifiers.length : undefined,
    saml: body?.saml ? merged.saml?.identifiers.length : undefined,
  };
}

/** Stamps `updated_at` on addresses whose content differs from the stored record with the same id. */
function touchChanged<A extends { id: string; updated_at: string }>(
  addresses: A[],
  stored: readonly A[],
  now: string,
): A[] {
  const before = new Map(stored.map((a) => [a.id, a]));
  return addresses.map((a) => {
    const old = before.get(a.id);
    if (!old) return a;
    const { updated_at: _x, ...rest } = a;
    const { updated_at: _y, ...oldRest } = old;
    return JSON.stringify(rest) === JSON.stringify(oldRest) ? a : { ...a, updated_at: now };
  });
}

/** Stands in for the hash check of an import whose hash {@link precheckCredentials} already validated. */
function validatedAlready(): void {}

/** The precheck context of a create: imported hashes validated by their format's rules. */
const VALIDATE_IMPORTED = Object.freeze({ validateHash: validateImportedHash });
/** The addresses a create body without any gives to reuse. */
const NO_ADDRESSES: ExistingAddresses = Object.freeze({ verifiable: [], recovery: [] });
