import { z } from "zod";
import { ValidationError } from "../errors/index.js";
import {
  CREDENTIALS_TYPES,
  type CredentialsMap,
  type CredentialsType,
  type IdentityState,
  type JsonValue,
} from "./identity.js";
import { issuesFromZod } from "./payloads.js";

const timestamp = z.iso.datetime({ offset: true });
const address = z.strictObject({
  id: z.uuid().optional(),
  value: z.string(),
  via: z.enum(["email", "sms", ""]).optional(),
  created_at: timestamp.optional(),
  updated_at: timestamp.optional(),
});

/** The admin JSON of an identity after a JSON Patch, checked before it is revalidated and written. */
const PatchedDocument = z.strictObject({
  id: z.string(),
  schema_id: z.string().min(1),
  schema_url: z.string().optional(),
  state: z.string(),
  state_changed_at: z.string().optional(),
  traits: z.json().optional(),
  verifiable_addresses: z
    .array(
      address.extend({
        verified: z.boolean().default(false),
        status: z.string().max(16).optional(),
        verified_at: timestamp.nullish(),
      }),
    )
    .nullish(),
  recovery_addresses: z.array(address.extend({ break_glass_for_organization: z.uuid().nullish() })).nullish(),
  metadata_public: z.json().nullish(),
  metadata_admin: z.json().nullish(),
  credentials: z
    .partialRecord(
      z.enum(CREDENTIALS_TYPES as [CredentialsType, ...CredentialsType[]]),
      z.strictObject({
        type: z.string(),
        identifiers: z.array(z.string()).default([]),
        config: z.record(z.string(), z.json()).optional(),
        version: z.number().int().default(0),
        created_at: timestamp,
        updated_at: timestamp,
      }),
    )
    .nullish(),
  external_id: z.string().nullish(),
  organization_id: z.uuid().nullish(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type PatchedDocument = z.output<typeof PatchedDocument>;

/**
 * Checks a patched identity document: known fields only, a valid state, and credential keys equal to their
 * `type` (Kratos `ValidateCredentialsIntegrity`).
 * @throws ValidationError
 */
export function checkPatchedDocument(
  doc: unknown,
): PatchedDocument & { state: IdentityState; credentials: CredentialsMap } {
  const parsed = PatchedDocument.safeParse(doc);
  if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error));
  const out = parsed.data;
  if (out.state !== "active" && out.state !== "inactive") {
    throw new ValidationError([
      {
        pointer: "/state",
        code: "invalid_state",
        message: `The supplied state ('${out.state}') was not valid. Valid states are ('active', 'inactive').`,
      },
    ]);
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
  for (const [key, cred] of Object.entries(out.credentials ?? {})) {
    if (cred.type !== key) {
      throw new ValidationError([
        {
          pointer: `/credentials/${key}/type`,
          code: "type_mismatch",
          message: `credentials.${key}.type must equal "${key}", got "${cred.type}"`,
        },
      ]);
    }
  }
  return out as PatchedDocument & { state: IdentityState; credentials: CredentialsMap };
}

/** Narrow helper: JSON value or null. */
export const jsonOrNull = (v: unknown): JsonValue | null =>
  v === undefined ? null : (v as JsonValue | null);
