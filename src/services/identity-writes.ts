import { deleteCredentialFrom } from "../credentials/delete-credential.js";
import { validateImportedHash } from "../credentials/password/verify-password.js";
import { IdentityError, ValidationError } from "../errors/index.js";
import { INVALID_REGION_REASON, REGIONS } from "../identity/body-fields.js";
import { cloneJson } from "../identity/clone.js";
import type { CredentialsType, Identity, JsonValue, StoredIdentity } from "../identity/identity.js";
import { applyJsonPatch } from "../identity/json-patch.js";
import { checkPatchedDocument, jsonOrNull } from "../identity/patched-document.js";
import {
  echoRegion,
  type JsonPatchOperation,
  JsonPatchOperationSchema,
  parseJson,
  parsePayload,
  UpdateIdentityBodySchema,
} from "../identity/payloads.js";
import { stripReadOnly } from "../identity/update-body.js";
import { optionalStringArgument, optionsArgument } from "../json/arguments.js";
import { toJsonInput } from "../json/json-input.js";
import { lazySchema } from "../json/lazy-zod.js";
import { isUuid, notFound } from "../storage/identity-writer.js";
import type { ServiceContext } from "./context.js";
import type { UpdateOperation } from "./hooks.js";
import { insertedNow, openCopyingStore } from "./own-memory-store.js";

const PatchOperations = lazySchema((z) => z.array(JsonPatchOperationSchema()));

/**
 * Takes the operations on `/region` out of a patch, as Kratos does before applying it (`identity/handler.go`
 * `applyRegionPatchOps`): only `add` / `replace` with a valid region, which is returned like a PUT's (OSS Kratos
 * does not store it).
 * @throws IdentityError `invalid_patch` for another op on `/region` | ValidationError for an invalid region
 */
function regionOperations(operations: JsonPatchOperation[]): { ops: JsonPatchOperation[]; region?: string } {
  let region: string | undefined;
  const ops = operations.filter((op, index) => {
    if (op.path !== "/region") return true;
    if (op.op !== "add" && op.op !== "replace") {
      const message = `operation ${JSON.stringify(op.op)} is not supported on /region`;
      throw new IdentityError("invalid_patch", { reason: message, message, details: { operation: index } });
    }
    if (typeof op.value !== "string" || (op.value !== "" && !REGIONS.includes(op.value))) {
      throw new ValidationError(
        [{ pointer: `/${index}/value`, code: "invalid_region", message: INVALID_REGION_REASON }],
        { reason: INVALID_REGION_REASON },
      );
    }
    region = op.value;
    return false;
  });
  return region === undefined ? { ops } : { ops, region };
}

/**
 * Admin writes of single identities (Kratos `identity/handler.go`): create, PUT, PATCH, delete and credential
 * removal. Every write goes through the builder (parse, validate, derive) and one atomic storage write.
 */
export class IdentityWrites {
  constructor(private readonly ctx: ServiceContext) {}

  /** `beforeUpdate` on a validated candidate (inside the read-modify-write: it runs again on a retry). */
  #beforeUpdate(candidate: StoredIdentity, current: StoredIdentity, operation: UpdateOperation, now: string) {
    const previous = this.ctx.lifecycle.has("beforeUpdate")
      ? this.ctx.serialize(current, { mode: "no_config" })
      : undefined;
    return this.ctx.lifecycle.beforeWrite("beforeUpdate", candidate, { previous, operation }, now);
  }

  async #afterUpdate(
    stored: StoredIdentity,
    previous: StoredIdentity | undefined,
    operation: UpdateOperation,
  ) {
    if (previous === undefined || !this.ctx.lifecycle.has("afterUpdate")) return;
    const context = { previous: this.ctx.serialize(previous, { mode: "no_config" }), operation };
    await this.ctx.lifecycle.after("afterUpdate", stored, context);
  }

  /** `POST /admin/identities`. */
  async create(body: unknown): Promise<Identity> {
    const data = toJsonInput(body);
    // No promise to wait for where nothing is asynchronous (a pre-hashed body, no hooks): a create is one turn.
    const planned = this.ctx.builder.planCreate(data)();
    const built = planned instanceof Promise ? await planned : planned;
    const { lifecycle } = this.ctx;
    const stored = lifecycle.has("beforeCreate")
      ? await lifecycle.beforeWrite("beforeCreate", built, { source: "create" }, built.updated_at)
      : built;
    // An open MemoryStorage's own insert, with no hook to see the record: written now (no promise), and the record
    // built here handed back as it is — the store kept its own copy, no one else refers to its traits or metadata.
    const hooked = lifecycle.has("beforeCreate") || lifecycle.has("afterCreate");
    const store = hooked ? undefined : openCopyingStore(this.ctx);
    const [outcome] = store
      ? insertedNow(this.ctx, store, [stored])
      : await this.ctx.storage.insertIdentities([stored]);
    if (outcome) throw outcome;
    if (lifecycle.has("afterCreate")) await lifecycle.after("afterCreate", stored, { source: "create" });
    return echoRegion(this.ctx.serialize(stored, { mode: "no_config" }, store !== undefined), data);
  }

  /** `PUT /admin/identities/{id}`. */
  async update(id: unknown, body: unknown): Promise<Identity> {
    const parsed = parseJson(UpdateIdentityBodySchema, stripReadOnly(toJsonInput(body)) as JsonValue);
    let previous: StoredIdentity | undefined;
    const stored = await this.ctx.writer.mutate(id as string, async (current, now) => {
      previous = current;
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
      const candidate = await this.ctx.builder.revalidate(next, current, parsed.credentials, now);
      return this.#beforeUpdate(candidate, current, "update", now);
    });
    await this.#afterUpdate(stored, previous, "update");
    return echoRegion(this.ctx.serialize(stored, { mode: "no_config" }), parsed);
  }

  /** `PATCH /admin/identities/{id}` (RFC 6902). */
  async patch(id: unknown, operations: unknown): Promise<Identity> {
    const { ops, region } = regionOperations(
      parsePayload(PatchOperations, operations) as JsonPatchOperation[],
    );
    let previous: StoredIdentity | undefined;
    const stored = await this.ctx.writer.mutate(id as string, async (current, now) => {
      previous = current;
      // applyJsonPatch works on its own deep copy: a shallow spread is enough here.
      const document = { ...current, schema_url: this.ctx.schemas.urlFor(current.schema_id) };
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
      const candidate = await this.ctx.builder.revalidate(next, existing, undefined, now);
      return this.#beforeUpdate(candidate, current, "patch", now);
    });
    await this.#afterUpdate(stored, previous, "patch");
    return echoRegion(this.ctx.serialize(stored, { mode: "no_config" }), { region });
  }

  /** `DELETE /admin/identities/{id}`. */
  async delete(id: unknown): Promise<void> {
    const { lifecycle } = this.ctx;
    if (!lifecycle.has("beforeDelete") && !lifecycle.has("afterDelete")) {
      if (!isUuid(id) || !(await this.ctx.storage.deleteIdentity(id.toLowerCase()))) throw notFound();
      return;
    }
    // With hooks, the identity is read first so they see it (a delete in between is still not_found).
    const identity = await this.ctx.writer.load(id as string);
    await lifecycle.beforeCheck("beforeDelete", identity);
    if (!(await this.ctx.storage.deleteIdentity(identity.id))) throw notFound();
    await lifecycle.after("afterDelete", identity);
  }

  /** `DELETE /admin/identities/{id}/credentials/{type}`. */
  async deleteCredential(id: unknown, type: unknown, options: unknown): Promise<Identity> {
    if (typeof type !== "string") {
      throw new ValidationError([{ pointer: "/type", code: "invalid_type", message: "expected string" }]);
    }
    const identifier = optionalStringArgument(optionsArgument(options).identifier, "/identifier");
    const context = { operation: "delete_credential", type: type as CredentialsType } as const;
    const stored = await this.ctx.writer.mutate(id as string, async (current, now) => {
      const credentials = deleteCredentialFrom(current.credentials, context.type, identifier, now);
      await this.ctx.lifecycle.beforeCheck("beforeCredentialChange", current, context);
      return { ...current, credentials };
    });
    await this.ctx.lifecycle.after("afterCredentialChange", stored, context);
    return this.ctx.serialize(stored, { mode: "no_config" });
  }
}
