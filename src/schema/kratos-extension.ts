import type { ExtensionHit, KratosExtension } from "../identity/extension.js";

export type { ExtensionHit, KratosExtension };

/** The keyword name. */
export const KRATOS_EXTENSION_KEYWORD = "ory.sh/kratos";
/** The name ajv compiles it under (ajv keyword names cannot contain `.` or `/`). */
export const AJV_EXTENSION_KEYWORD = "ory_sh:kratos";

/** A deep copy of a schema with every `ory.sh/kratos` key renamed to {@link AJV_EXTENSION_KEYWORD}. */
export function renameExtensionKeyword(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(renameExtensionKeyword);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key === KRATOS_EXTENSION_KEYWORD ? AJV_EXTENSION_KEYWORD : key] = renameExtensionKeyword(value);
  }
  return out;
}

const flag = (name: string) => ({
  type: "object",
  additionalProperties: false,
  properties: { [name]: { type: "boolean" } },
});
const via = { type: "string", enum: ["email", "sms"] };

/** JSON Schema of the extension object (after Kratos `embedx/identity_extension.schema.json`, plus passkey, sms recovery and organizations). */
export const KRATOS_EXTENSION_META_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    credentials: {
      type: "object",
      additionalProperties: false,
      properties: {
        password: flag("identifier"),
        webauthn: flag("identifier"),
        totp: flag("account_name"),
        passkey: flag("display_name"),
        code: {
          type: "object",
          additionalProperties: false,
          properties: { identifier: { type: "boolean" }, via },
        },
      },
    },
    verification: { type: "object", additionalProperties: false, properties: { via } },
    recovery: { type: "object", additionalProperties: false, properties: { via } },
    organizations: {
      type: "object",
      additionalProperties: false,
      properties: { matcher: { type: "string", enum: ["email_domain"] } },
    },
  },
} as const;

/** Formats a trait with `verification` may use (Kratos `embedx/identity_meta.schema.json`). */
export const VERIFICATION_FORMATS: readonly string[] = [
  "email",
  "tel",
  "date",
  "time",
  "date-time",
  "no-validate",
];

/** True when an extension routes the value to a phone channel (its trait is rewritten to E.164, spec 2.5). */
export function isPhoneChannel(ext: KratosExtension): boolean {
  return (
    ext.credentials?.code?.via === "sms" || ext.recovery?.via === "sms" || ext.verification?.via === "sms"
  );
}
