import type { ExistingAddresses } from "../addresses/extract.js";
import { importCredentials, precheckCredentials } from "../credentials/import-credentials.js";
import type { PasswordHasher } from "../credentials/password/password-hasher.js";
import { validateImportedHash } from "../credentials/password/verify-password.js";
import type { SchemaRegistry } from "../schema/schema-registry.js";
import {
  applyIdentifiers,
  finalizeRecovery,
  finalizeVerifiable,
  type WriteContext,
} from "./apply-extraction.js";
import type { CredentialsMap, JsonValue, StoredIdentity } from "./identity.js";
import { jsonOrNull } from "./patched-document.js";
import { CreateIdentityBody, type ImportCredentials, parsePayload } from "./payloads.js";
import { validateTraits } from "./validate-traits.js";

/** What building identities needs. */
export interface IdentityBuilderDeps {
  schemas: SchemaRegistry;
  defaultSchemaId: string;
  hasher: PasswordHasher;
  newId: () => string;
  now: () => Date;
}

/**
 * Turns payloads into identities ready to store, in the order of Kratos's create path: parse strictly, check
 * imported hashes (cheap, before anything else), validate traits and derive identifiers and addresses, then hash
 * clear-text passwords (the expensive step, skipped for invalid input) and assemble.
 */
export class IdentityBuilder {
  readonly #schemas: SchemaRegistry;
  readonly #defaultSchemaId: string;
  readonly #hasher: PasswordHasher;
  readonly #newId: () => string;
  readonly #now: () => Date;

  constructor(deps: IdentityBuilderDeps) {
    this.#schemas = deps.schemas;
    this.#defaultSchemaId = deps.defaultSchemaId;
    this.#hasher = deps.hasher;
    this.#newId = deps.newId;
    this.#now = deps.now;
  }

  #writeContext(now: string): WriteContext {
    return { now, newId: this.#newId };
  }

  /** Builds a new identity from a create body. @throws IdentityError (validation, schema, hash) */
  async prepareCreate(input: unknown): Promise<StoredIdentity> {
    const body = parsePayload(CreateIdentityBody, input);
    const now = this.#now().toISOString();
    const id = this.#newId();
    const schema = this.#schemas.require(body.schema_id || this.#defaultSchemaId);
    precheckCredentials(body.credentials, { validateHash: validateImportedHash });
    const existing: ExistingAddresses = {
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
    const { traits, extraction } = validateTraits(schema, (body.traits ?? {}) as JsonValue, existing);
    const ctx = this.#writeContext(now);
    let credentials = await importCredentials({}, body.credentials, this.#importContext(id, now));
    credentials = applyIdentifiers(credentials, extraction, now);
    return {
      id,
      schema_id: schema.id,
      state: body.state ?? "active",
      state_changed_at: now,
      traits: traits ?? {},
      verifiable_addresses: finalizeVerifiable(extraction.verifiableAddresses, ctx),
      recovery_addresses: finalizeRecovery(extraction.recoveryAddresses, ctx),
      metadata_public: jsonOrNull(body.metadata_public),
      metadata_admin: jsonOrNull(body.metadata_admin),
      credentials,
      external_id: body.external_id || null,
      organization_id: body.organization_id ?? null,
      created_at: now,
      updated_at: now,
    };
  }

  #importContext(identityId: string, now: string) {
    return {
      hashPassword: (password: string) => this.#hasher.hash(password),
      validateHash: validateImportedHash,
      identityId,
      now,
    };
  }

  /** Revalidates `next` against its schema, imports credentials onto it, re-derives identifiers and addresses. */
  async revalidate(
    next: StoredIdentity,
    existing: Pick<StoredIdentity, "verifiable_addresses" | "recovery_addresses">,
    credentials: ImportCredentials | undefined,
    now: string,
  ): Promise<StoredIdentity> {
    const schema = this.#schemas.require(next.schema_id);
    precheckCredentials(credentials, { validateHash: validateImportedHash });
    const { traits, extraction } = validateTraits(schema, next.traits, {
      verifiable: existing.verifiable_addresses,
      recovery: existing.recovery_addresses,
    });
    const ctx = this.#writeContext(now);
    let creds: CredentialsMap = await importCredentials(
      next.credentials,
      credentials,
      this.#importContext(next.id, now),
    );
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
