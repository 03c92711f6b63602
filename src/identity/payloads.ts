import type { z } from "zod";
import { escapePointerToken, ValidationError, type ValidationIssue } from "../errors/index.js";
import { MAX_JSON_DEPTH, toJsonInput } from "../json/json-input.js";
import type { JsonObject, JsonValue } from "../json/json-types.js";
import { lazySchema } from "../json/lazy-zod.js";
import { INVALID_REGION_REASON, INVALID_STATE_MESSAGE, region, state, traits } from "./body-fields.js";
import { applyGoNullSemantics, markRawJson } from "./go-nulls.js";
import { JsonValueSchema } from "./json-value.js";
import { PasskeyImport, WebAuthnImport } from "./webauthn-payload.js";

export { echoRegion, REGIONS, requestedRegion } from "./body-fields.js";

/** The body schemas, built on first use ({@link lazySchema}: zod loads with the first parsed payload). */
const schemas = lazySchema((z) => {
  const json = markRawJson(JsonValueSchema());
  // Any 8-4-4-4-12 hex string, as gofrs/uuid (Kratos) parses it: not only RFC 4122 variants (zod's `uuid`).
  const uuid = z.guid({ error: "must be a UUID" });

  const passwordConfig = z.strictObject({
    password: z.string().optional(),
    hashed_password: z.string().optional(),
    use_password_migration_hook: z.boolean().optional(),
  });

  const oidcProvider = z.strictObject({
    provider: z.string().min(1),
    subject: z.string().min(1),
    use_auto_link: z.boolean().optional(),
    organization: uuid.nullish(),
    // Present in GET responses with include_credential; accepted so a fetched identity can be sent back, ignored.
    initial_id_token: z.string().optional(),
    initial_access_token: z.string().optional(),
    initial_refresh_token: z.string().optional(),
  });

  const ImportCredentials = z.strictObject({
    password: z.strictObject({ config: passwordConfig }).optional(),
    oidc: z.strictObject({ config: z.strictObject({ providers: z.array(oidcProvider) }) }).optional(),
    saml: z
      .strictObject({
        config: z.strictObject({ providers: z.array(oidcProvider.omit({ use_auto_link: true })) }),
      })
      .optional(),
    totp: z.strictObject({ config: z.strictObject({ totp_url: z.string().min(1) }) }).optional(),
    // Kratos's AdminIdentityImportCredentialsWebAuthn / ...Passkey; null means absent, as with Go's decoder.
    webauthn: WebAuthnImport().nullish(),
    passkey: PasskeyImport().nullish(),
    lookup_secret: z
      .strictObject({
        config: z.strictObject({
          codes: z.array(
            z.strictObject({ code: z.string().min(1), used_at: z.iso.datetime({ offset: true }).nullish() }),
          ),
        }),
      })
      .optional(),
  });

  const importedVerifiable = z.strictObject({
    id: z.string().optional(),
    value: z.string(),
    verified: z.boolean().default(false),
    via: z.enum(["email", "sms", ""]).optional(),
    status: z.string().max(16).optional(),
    verified_at: z.iso.datetime({ offset: true }).nullish(),
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
  });

  const importedRecovery = z.strictObject({
    id: z.string().optional(),
    value: z.string(),
    via: z.enum(["email", "sms", ""]).optional(),
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
  });

  const CreateIdentity = z.strictObject({
    // idkit extension (not in Kratos's create body): the identity's id, so an export imports with its ids; a
    // taken id is `identity_conflict`. Omitted, the manager's generateId (UUID v7) picks one.
    id: uuid.optional(),
    schema_id: z.string().optional(),
    traits: traits().optional(),
    credentials: ImportCredentials.optional(),
    verifiable_addresses: z.array(importedVerifiable).optional(),
    recovery_addresses: z.array(importedRecovery).optional(),
    metadata_public: json.optional(),
    metadata_admin: json.optional(),
    state: state().optional(),
    organization_id: uuid.nullish(),
    external_id: z.string().optional(),
    region: region().optional(),
  });

  const UpdateIdentity = z.strictObject({
    schema_id: z.string().optional(),
    traits: traits().optional(),
    credentials: ImportCredentials.optional(),
    metadata_public: json.optional(),
    metadata_admin: json.optional(),
    state: state().optional(),
    external_id: z.string().optional(),
    region: region().optional(),
  });

  const BatchPatch = z.strictObject({
    identities: z.array(z.strictObject({ create: z.unknown().optional(), patch_id: uuid.optional() })),
  });

  /** A body decoded as Go does: `null` members first become absent ({@link applyGoNullSemantics}). */
  const goBody = <T extends z.ZodType>(object: T) =>
    z.preprocess((body) => applyGoNullSemantics(body, object), object);

  return {
    ImportCredentials,
    CreateIdentity,
    CreateIdentityBody: goBody(CreateIdentity),
    UpdateIdentity,
    UpdateIdentityBody: goBody(UpdateIdentity),
    BatchPatchBody: goBody(BatchPatch),
    JsonPatchOperation: z.strictObject({
      op: z.string(),
      path: z.string(),
      value: json.optional(),
      from: z.string().optional(),
    }),
  };
});
type Schemas = ReturnType<typeof schemas>;

/** `credentials` of create and update bodies (Kratos `IdentityWithCredentials`). */
export const ImportCredentialsSchema = () => schemas().ImportCredentials;
export type ImportCredentials = z.infer<Schemas["ImportCredentials"]>;

/** Optional members of a body type may also be `null`, which means absent (Go's zero value). */
type NullableOptionals<T> = { [K in keyof T]: undefined extends T[K] ? T[K] | null : T[K] };

/**
 * Matched by a traits type without named members (`unknown`, the default {@link JsonObject},
 * `Record<string, unknown>`): only such a type has no property in common with this weak type.
 */
type UntypedTraits = { readonly "~untyped"?: unknown };

/**
 * The `traits` a body accepts for a manager of `Traits`: `unknown` (the schema alone checks it) when `Traits` is
 * untyped, else `Traits`. `Traits` stands only in checked position, so the type stays covariant: a manager of
 * `{ email: string }` is also a manager of `unknown`.
 */
export type TraitsInput<Traits> = Traits extends UntypedTraits ? unknown : Traits;

/** A body whose `traits` member is {@link TraitsInput} (optional; `null` only when untyped, refused at run time). */
type WithTraits<Body, Traits> = { [K in keyof Body]: K extends "traits" ? TraitsInput<Traits> : Body[K] };

/**
 * Body of `createIdentity` (Kratos `CreateIdentityBody`, decoded strictly: unknown fields are rejected). `null`
 * for a typed member means absent, as Go decodes it (`credentials: { password: null }` too); `traits: null` is
 * refused at `/traits`; `state: ""` is the default state; `region` is checked (see {@link requestedRegion}).
 */
export const CreateIdentityBodySchema = () => schemas().CreateIdentityBody;
export type CreateIdentityBody<Traits = JsonObject> = WithTraits<
  NullableOptionals<z.input<Schemas["CreateIdentity"]>>,
  Traits
>;

/** A create body as the schema returns it (defaults applied, Go's nulls dropped). */
export type ParsedCreateIdentityBody = z.output<Schemas["CreateIdentity"]>;

/** Body of `updateIdentity` (Kratos `UpdateIdentityBody`, PUT semantics; `null` members as for create). */
export const UpdateIdentityBodySchema = () => schemas().UpdateIdentityBody;
export type UpdateIdentityBody<Traits = JsonObject> = WithTraits<
  NullableOptionals<z.input<Schemas["UpdateIdentity"]>>,
  Traits
>;

/** Body of `batchPatchIdentities` (Kratos `PATCH /admin/identities`; `null` members as for create). */
export const BatchPatchBodySchema = () => schemas().BatchPatchBody;
export type BatchPatchBody<Traits = JsonObject> = {
  identities: Array<{
    create?: CreateIdentityBody<Traits> | null;
    /**
     * A UUID (Kratos's type), echoed in this entry's result. Any other string fails the whole call, not the entry:
     * `validation_failed` at `/identities/<i>/patch_id`.
     */
    patch_id?: string | null;
  }> | null;
};

/** One RFC 6902 operation. */
export const JsonPatchOperationSchema = () => schemas().JsonPatchOperation;
export type JsonPatchOperation = {
  op: "add" | "remove" | "replace" | (string & {});
  path: string;
  value?: unknown;
  from?: string;
};

export { MAX_JSON_DEPTH };

/**
 * The pointer of the first value nested deeper than `max`, or undefined when none is. Recursion stops at `max`
 * levels, so it never exhausts the stack, and nothing is allocated unless the limit is hit.
 */
export function pointerDeeperThan(input: unknown, max: number): string | undefined {
  const path: string[] = [];
  const exceeds = (value: unknown, depth: number): boolean => {
    if (value === null || typeof value !== "object") return false;
    if (depth >= max) return true;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (exceeds((value as Record<string, unknown>)[key], depth + 1)) {
        path.push(key);
        return true;
      }
    }
    return false;
  };
  if (!exceeds(input, 0)) return undefined;
  return path
    .reverse()
    .map((key) => `/${escapePointerToken(key)}`)
    .join("");
}

/** Converts zod issues to ours, with RFC 6901 pointers and Kratos's unknown-field wording. */
export function issuesFromZod(error: z.ZodError, root = ""): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const i of error.issues) {
    const base = root + i.path.map((p) => `/${escapePointerToken(String(p))}`).join("");
    if (i.code === "unrecognized_keys") {
      for (const key of i.keys) {
        issues.push({
          pointer: `${base}/${escapePointerToken(key)}`,
          code: "unknown_field",
          message: `json: unknown field "${key}"`,
        });
      }
      continue;
    }
    const custom = i.code === "custom" ? (i.params as { code?: unknown } | undefined)?.code : undefined;
    issues.push({ pointer: base, code: typeof custom === "string" ? custom : i.code, message: i.message });
  }
  return issues;
}

/**
 * Where Kratos puts the text of a body error: its strict decoder's `json: unknown field "x"` is the envelope's
 * `message` (`herodot.ErrBadRequest().WithError(err.Error())`, `identity/handler.go` `create`); an invalid state or
 * region is the `reason` (`WithReasonf("%s", err)`, `region.NewErrInvalid`).
 */
function kratosTexts(issues: readonly ValidationIssue[]): { message?: string; reason?: string } {
  const unknown = issues.find((i) => i.code === "unknown_field");
  if (unknown) return { message: unknown.message };
  if (issues.length !== 1) return {};
  if (issues[0]?.code === "invalid_state") return { reason: INVALID_STATE_MESSAGE };
  if (issues[0]?.code === "invalid_region") return { reason: INVALID_REGION_REASON };
  return {};
}

/**
 * Parses a payload with a zod schema (or a {@link lazySchema}), after copying it once into plain JSON data ({@link toJsonInput}: no getter,
 * proxy trap or coercion trap of the caller's value runs afterwards, nesting and size are bounded).
 * `opaque` pointers (`*` matches any one token, e.g. the `create` of every batch entry) are left for the caller
 * to parse on their own.
 * @throws ValidationError (`validation_failed`, 400) with one issue per problem.
 */
export function parsePayload<T extends z.ZodType>(
  schema: T | (() => T),
  input: unknown,
  root = "",
  maxDepth = MAX_JSON_DEPTH,
  opaque: readonly string[] = [],
): z.output<T> {
  return parseJson(schema, toJsonInput(input, { root, maxDepth, opaque }), root);
}

/**
 * {@link parsePayload} for data that is already a plain JSON copy ({@link toJsonInput}'s result): the schema only,
 * no second copy.
 * @throws ValidationError (`validation_failed`, 400) with one issue per problem.
 */
export function parseJson<T extends z.ZodType>(
  schema: T | (() => T),
  data: JsonValue,
  root = "",
): z.output<T> {
  const result = (typeof schema === "function" ? schema() : schema).safeParse(data);
  if (!result.success) {
    const issues = issuesFromZod(result.error, root);
    throw new ValidationError(issues, kratosTexts(issues));
  }
  return result.data;
}
