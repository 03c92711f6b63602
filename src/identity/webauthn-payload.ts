import type { z } from "zod";
import { lazySchema, type Z } from "../json/lazy-zod.js";
import type { WebAuthnKey } from "./identity.js";

/*
 * Import bodies of `credentials.webauthn` and `credentials.passkey` (Kratos `identity/handler.go`
 * `AdminIdentityImportCredentialsWebAuthn` / `...Passkey`, entries `identity/credentials_webauthn.go`
 * `CredentialWebAuthn`). Go's `[]byte` fields travel as standard base64 with padding (RFC 4648 section 4); `null`
 * stands for an absent value, as with Go's decoder. Every field is bounded so nothing unbounded is stored.
 */

/** Most bytes of a credential id (WebAuthn Level 3, section 7.1 step 23: at most 1023 bytes). */
export const MAX_WEBAUTHN_CREDENTIAL_ID_BYTES = 1023;
/** Most bytes of a user handle (WebAuthn Level 3, section 5.4.3: `user.id` is at most 64 bytes). */
export const MAX_WEBAUTHN_USER_HANDLE_BYTES = 64;
/** Most bytes of a COSE public key (an RSA-4096 key is about 550 bytes, an ML-DSA-87 key about 2600). */
export const MAX_WEBAUTHN_PUBLIC_KEY_BYTES = 4096;
/** Most bytes of an AAGUID (16 by the specification; Kratos's own tests import shorter ones). */
export const MAX_WEBAUTHN_AAGUID_BYTES = 16;
/** Most bytes of each attestation blob (`object`, `authenticator_data`, `client_dataJSON`). */
export const MAX_WEBAUTHN_ATTESTATION_BYTES = 16384;
/** Most bytes of `attestation.client_data_hash` (a SHA-512 digest is 64). */
export const MAX_WEBAUTHN_CLIENT_DATA_HASH_BYTES = 64;
/** Most keys in one credential's `config.credentials`, in the body and after merging with the stored ones. */
export const MAX_WEBAUTHN_CREDENTIALS = 100;
/** Most characters of `display_name`. */
export const MAX_WEBAUTHN_DISPLAY_NAME_LENGTH = 1024;

/** Go's zero `time.Time`, which Kratos writes for an `added_at` that was not given. */
export const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

/** Canonical standard base64 with padding: no whitespace, no URL alphabet, unused trailing bits zero. */
const CANONICAL_BASE64 =
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;

/** Decoded length of a canonical base64 string. */
export function base64ByteLength(b64: string): number {
  const padding = b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0;
  return (b64.length / 4) * 3 - padding;
}

/** Canonical standard base64 of at most `maxBytes` bytes (and at least one unless `allowEmpty`). */
function base64Bytes(z: Z, maxBytes: number, allowEmpty: boolean) {
  const maxChars = Math.ceil(maxBytes / 3) * 4;
  const field = z.string().superRefine((value, ctx) => {
    if (value.length > maxChars || (CANONICAL_BASE64.test(value) && base64ByteLength(value) > maxBytes)) {
      ctx.addIssue({
        code: "too_big",
        origin: "string",
        maximum: maxBytes,
        inclusive: true,
        input: value,
        message: `must decode to at most ${maxBytes} bytes`,
      });
    } else if (!CANONICAL_BASE64.test(value)) {
      ctx.addIssue({
        code: "invalid_format",
        format: "base64",
        input: value,
        message: "must be standard base64 with padding (RFC 4648 section 4), as Go encodes []byte",
      });
    } else if (!allowEmpty && value === "") {
      ctx.addIssue({
        code: "too_small",
        origin: "string",
        minimum: 1,
        inclusive: true,
        input: value,
        message: "must not be empty",
      });
    }
  });
  return field;
}

/** A Go `[]byte` value that must be present and not empty. */
function requiredBytes(z: Z, maxBytes: number) {
  return base64Bytes(z, maxBytes, false);
}

/** A Go `[]byte` value; `null` when absent or null (Go's nil slice), `""` when empty. */
function bytesField(z: Z, maxBytes: number) {
  return base64Bytes(z, maxBytes, true)
    .nullish()
    .transform((v) => v ?? null);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * The timestamp as Go's `time.Time` writes it back (RFC 3339 with nanoseconds, trailing zeros trimmed, a zero
 * offset written `Z`), or undefined when Go's RFC 3339 parser would refuse it.
 */
export function goTimeString(value: string): string | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone, zh, zm] = m as unknown as string[];
  const month = Number(mo);
  if (month < 1 || month > 12 || Number(d) < 1 || Number(d) > daysInMonth(Number(y), month)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (zh !== undefined && (Number(zh) > 23 || Number(zm) > 59)) return undefined;
  const fraction = (frac ?? "").replace(/\.?0+$/, "");
  const offset = zone === "Z" || /^[+-]00:00$/.test(zone as string) ? "Z" : zone;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}${offset}`;
}

type UserHandleField = z.ZodType<string | null, string | null | undefined>;

/** The import schemas, built on first use ({@link lazySchema}). */
const schemas = lazySchema((z) => {
  const addedAt = z
    .string()
    .nullish()
    .transform((value, ctx) => {
      if (value == null) return GO_ZERO_TIME;
      const out = goTimeString(value);
      if (out === undefined) {
        ctx.addIssue({
          code: "invalid_format",
          format: "datetime",
          input: value,
          message: "must be an RFC 3339 timestamp",
        });
        return z.NEVER;
      }
      return out;
    });

  const bool = z
    .boolean()
    .nullish()
    .transform((v) => v === true);
  const uint32 = z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .nullish()
    .transform((v) => v ?? 0);
  const text = (max: number) =>
    z
      .string()
      .max(max)
      .nullish()
      .transform((v) => v ?? "");

  const authenticator = z
    .strictObject({
      aaguid: bytesField(z, MAX_WEBAUTHN_AAGUID_BYTES),
      sign_count: uint32,
      clone_warning: bool,
    })
    .transform((a) => ({ aaguid: a.aaguid, sign_count: a.sign_count, clone_warning: a.clone_warning }));

  const flags = z
    .strictObject({ user_present: bool, user_verified: bool, backup_eligible: bool, backup_state: bool })
    .transform((f) => ({
      user_present: f.user_present,
      user_verified: f.user_verified,
      backup_eligible: f.backup_eligible,
      backup_state: f.backup_state,
    }));

  const attestation = z
    .strictObject({
      client_dataJSON: bytesField(z, MAX_WEBAUTHN_ATTESTATION_BYTES),
      client_data_hash: bytesField(z, MAX_WEBAUTHN_CLIENT_DATA_HASH_BYTES),
      authenticator_data: bytesField(z, MAX_WEBAUTHN_ATTESTATION_BYTES),
      public_key_algorithm: z
        .number()
        .int()
        .min(Number.MIN_SAFE_INTEGER)
        .max(Number.MAX_SAFE_INTEGER)
        .nullish()
        .transform((v) => v ?? 0),
      object: bytesField(z, MAX_WEBAUTHN_ATTESTATION_BYTES),
    })
    .transform((a) => ({
      client_dataJSON: a.client_dataJSON,
      client_data_hash: a.client_data_hash,
      authenticator_data: a.authenticator_data,
      public_key_algorithm: a.public_key_algorithm,
      object: a.object,
    }));

  /**
   * One imported key (`CredentialWebAuthn`), output in Go's field order with Go's defaults: `attestation_type` and
   * `display_name` `""`, `added_at` the zero time, `is_passwordless` false; `authenticator`, `flags`, `transport`
   * and `attestation` omitted when absent (empty `transport` too). `id` and `public_key` are required here.
   */
  const credentialEntry = z
    .strictObject({
      id: requiredBytes(z, MAX_WEBAUTHN_CREDENTIAL_ID_BYTES),
      public_key: requiredBytes(z, MAX_WEBAUTHN_PUBLIC_KEY_BYTES),
      attestation_type: text(64),
      authenticator: authenticator.nullish(),
      display_name: text(MAX_WEBAUTHN_DISPLAY_NAME_LENGTH),
      added_at: addedAt,
      is_passwordless: bool,
      flags: flags.nullish(),
      transport: z.array(z.string().max(64)).max(16).nullish(),
      attestation: attestation.nullish(),
    })
    .transform((c) => {
      const out: WebAuthnKey = {
        id: c.id,
        public_key: c.public_key,
        attestation_type: c.attestation_type,
      };
      if (c.authenticator) out.authenticator = c.authenticator;
      out.display_name = c.display_name;
      out.added_at = c.added_at;
      out.is_passwordless = c.is_passwordless;
      if (c.flags) out.flags = c.flags;
      if (c.transport && c.transport.length > 0) out.transport = c.transport;
      if (c.attestation) out.attestation = c.attestation;
      return out;
    });

  const keyList = z
    .array(credentialEntry)
    .max(MAX_WEBAUTHN_CREDENTIALS)
    .nullish()
    .transform((v) => v ?? null);

  function importBody(userHandle: UserHandleField) {
    return z
      .strictObject({
        config: z
          .strictObject({ credentials: keyList, user_handle: userHandle.optional() })
          .nullish()
          .transform((c) => ({ credentials: c?.credentials ?? null, user_handle: c?.user_handle ?? null })),
      })
      .transform((b) => b.config);
  }

  /** `credentials.webauthn` of a create or update body; parses to `{ credentials, user_handle }`. */
  const WebAuthnImport = importBody(bytesField(z, MAX_WEBAUTHN_USER_HANDLE_BYTES));

  /**
   * `credentials.passkey`; the user handle becomes the credential's identifier (a Go `string(bytes)`), so it must
   * also be valid UTF-8 without NUL.
   */
  const PasskeyImport = importBody(
    bytesField(z, MAX_WEBAUTHN_USER_HANDLE_BYTES).superRefine((value, ctx) => {
      if (value === null) return;
      if (userHandleString(value) === undefined) {
        ctx.addIssue({
          code: "invalid_format",
          format: "utf8",
          input: value,
          message:
            "a passkey user handle must be UTF-8 text without NUL: it is stored as the passkey identifier",
        });
      }
    }),
  );
  return { WebAuthnImport, PasskeyImport };
});

/** `credentials.webauthn` of a create or update body; parses to `{ credentials, user_handle }`. */
export const WebAuthnImport = () => schemas().WebAuthnImport;
/** `credentials.passkey` (its user handle must be UTF-8 text without NUL: it becomes the identifier). */
export const PasskeyImport = () => schemas().PasskeyImport;

export type WebAuthnImportConfig = z.output<ReturnType<typeof WebAuthnImport>>;

/** The user handle as the string Kratos stores as passkey identifier, or undefined when it is not UTF-8 text. */
export function userHandleString(b64: string): string | undefined {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      Buffer.from(b64, "base64"),
    );
    return text.includes("\u0000") ? undefined : text;
  } catch {
    return undefined;
  }
}
