import type { z } from "zod";
import { escapePointerToken, ValidationError } from "../errors/index.js";
import { lazySchema } from "../json/lazy-zod.js";
import {
  CREDENTIALS_TYPES,
  type CredentialsMap,
  type CredentialsType,
  type IdentityState,
  type JsonValue,
} from "./identity.js";
import { JsonValueSchema } from "./json-value.js";
import { issuesFromZod } from "./payloads.js";

/** The admin JSON of an identity after a JSON Patch, checked before it is revalidated and written. */
const PatchedDocument = lazySchema((z) => {
  const timestamp = z.iso.datetime({ offset: true });
  const address = z.strictObject({
    id: z.guid().optional(),
    value: z.string(),
    via: z.enum(["email", "sms", ""]).optional(),
    created_at: timestamp.optional(),
    updated_at: timestamp.optional(),
  });

  return z.strictObject({
    id: z.string(),
    schema_id: z.string().min(1),
    schema_url: z.string().optional(),
    state: z.string(),
    state_changed_at: z.string().optional(),
    traits: JsonValueSchema().optional(),
    verifiable_addresses: z
      .array(
        address.extend({
          verified: z.boolean().default(false),
          status: z.string().max(16).optional(),
          verified_at: timestamp.nullish(),
        }),
      )
      .nullish(),
    recovery_addresses: z
      .array(address.extend({ break_glass_for_organization: z.guid().nullish() }))
      .nullish(),
    metadata_public: JsonValueSchema().nullish(),
    metadata_admin: JsonValueSchema().nullish(),
    credentials: z
      .partialRecord(
        z.enum(CREDENTIALS_TYPES as [CredentialsType, ...CredentialsType[]]),
        z.strictObject({
          type: z.string(),
          identifiers: z.array(z.string()).default([]),
          config: z.record(z.string(), z.json()).optional(),
          version: z.number().int().default(0),
          // A credential replaced as a whole may leave them out: they are filled in (see checkPatchedDocument).
          created_at: timestamp.optional(),
          updated_at: timestamp.optional(),
        }),
      )
      .nullish(),
    external_id: z.string().nullish(),
    organization_id: z.guid().nullish(),
    created_at: z.string(),
    updated_at: z.string(),
  });
});
export type PatchedDocument = z.output<ReturnType<typeof PatchedDocument>>;

/** What a patched document is checked against: the time of the write and the credentials stored before it. */
export interface PatchContext {
  /** RFC 3339 time of the write, stamped on credentials that come without timestamps. */
  now: string;
  /** The stored credentials; a credential replaced without `created_at` keeps the stored one's. */
  previous: CredentialsMap;
}

/**
 * Kratos `ValidateCredentialsIntegrity` (identity/credentials.go), run before the shape check as Kratos does:
 * each credential's `type` must equal its key; a missing `type` counts as `""`.
 * @throws ValidationError whose reason is Kratos's `credentials.<key>.type must equal "<key>", got "<type>"`.
 */
function checkCredentialsIntegrity(credentials: unknown): void {
  if (typeof credentials !== "object" || credentials === null || Array.isArray(credentials)) return;
  for (const [key, cred] of Object.entries(credentials)) {
    if (typeof cred !== "object" || cred === null || Array.isArray(cred)) continue;
    const type = Object.hasOwn(cred, "type") ? (cred as { type: unknown }).type : "";
    if (typeof type !== "string" || type === key) continue;
    const message = `credentials.${key}.type must equal ${JSON.stringify(key)}, got ${JSON.stringify(type)}`;
    throw new ValidationError(
      [{ pointer: `/credentials/${escapePointerToken(key)}/type`, code: "type_mismatch", message }],
      { reason: message },
    );
  }
}

/** What a patch may leave in a changed password config: what `updateIdentity` would accept back, minus clear text. */
const PatchedPasswordConfig = lazySchema((z) =>
  z.strictObject({
    hashed_password: z.string().optional(),
    use_password_migration_hook: z.boolean().optional(),
  }),
);

/**
 * A password or totp config the patch changed must hold only what an import takes back: for passwords
 * `hashed_password` / `use_password_migration_hook` (a clear-text `password` would be stored as is, nothing hashes
 * a patched config), for totp a `totp_url` string. Anything else would make the identity's GET (with
 * `includeCredentials`) unacceptable to `updateIdentity`. Kratos stores any config verbatim.
 * @throws ValidationError at `/credentials/<type>/config/...`
 */
function checkChangedConfig(type: "password" | "totp", config: unknown, previous: unknown): void {
  if (config === undefined || JSON.stringify(config) === JSON.stringify(previous)) return;
  const parsed = (type === "password" ? PatchedPasswordConfig() : PatchedTotpConfig()).safeParse(config);
  if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error, `/credentials/${type}/config`));
}

/** A changed totp config: what `updateIdentity` imports (Kratos's `totp_url`), so a GET can be sent back. */
const PatchedTotpConfig = lazySchema((z) => z.strictObject({ totp_url: z.string().min(1) }));

/**
 * Checks a patched identity document: credential keys equal to their `type` (Kratos
 * `ValidateCredentialsIntegrity`), known fields only, a valid state (Kratos's wording) and string hashes.
 * Credentials without `created_at` / `updated_at` (replaced as a whole) get the stored credential's `created_at`
 * (else `now`) and `updated_at = now`, as Kratos's store stamps a credential it writes.
 * @throws ValidationError (`validation_failed`, 400)
 */
export function checkPatchedDocument(
  doc: unknown,
  context: PatchContext,
): PatchedDocument & { state: IdentityState; credentials: CredentialsMap } {
  checkCredentialsIntegrity((doc as { credentials?: unknown } | null)?.credentials);
  const parsed = PatchedDocument().safeParse(doc);
  if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error));
  const out = parsed.data;
  if (out.state !== "active" && out.state !== "inactive") {
    // Kratos's PATCH handler: this reason, and the error of `State.IsValid` (the create wording) as message.
    throw new ValidationError(
      [{ pointer: "/state", code: "invalid_state", message: "identity state is not valid" }],
      {
        reason: `The supplied state ('${out.state}') was not valid. Valid states are ('active', 'inactive').`,
        message: "identity state is not valid",
      },
    );
  }
  const hash = (out.credentials?.password?.config as Record<string, unknown> | undefined)?.hashed_password;
  if (hash !== undefined && typeof hash !== "string") {
    throw new ValidationError([
      {
        pointer: "/credentials/password/config/hashed_password",
        code: "invalid_type",
        message: "hashed_password must be a string",
      },
    ]);
  }
  checkChangedConfig("password", out.credentials?.password?.config, context.previous.password?.config);
  checkChangedConfig("totp", out.credentials?.totp?.config, context.previous.totp?.config);
  for (const [key, cred] of Object.entries(out.credentials ?? {})) {
    cred.created_at ??= context.previous[key as CredentialsType]?.created_at ?? context.now;
    cred.updated_at ??= context.now;
  }
  return out as PatchedDocument & { state: IdentityState; credentials: CredentialsMap };
}

/** Narrow helper: JSON value or null. */
export const jsonOrNull = (v: unknown): JsonValue | null =>
  v === undefined ? null : (v as JsonValue | null);
