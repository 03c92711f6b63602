import type { CreateIdentityBody } from "../identity/payloads.js";
import { type Address, buildBody, readOptions } from "./body.js";
import { clerkHash } from "./clerk-hash.js";
import {
  at,
  capped,
  guarded,
  type Obj,
  optArray,
  optBool,
  optObject,
  optString,
  recordObject,
  unconvertible,
} from "./record.js";
import type { ConvertOptions } from "./types.js";

/** Longest list cell (text separated by `|`, `,` or `;`) split, in characters. */
const MAX_LIST_CELL = 65_536;

/** A list cell: a JSON array, or text separated by `|`, `,` or `;` (CSV exports). */
function list(r: Obj, key: string): string[] {
  const v = Object.hasOwn(r, key) ? r[key] : undefined;
  if (typeof v === "string" && !v.trim().startsWith("["))
    return capped(v, at("", key), MAX_LIST_CELL)
      .split(/[|,;]/)
      .map((s) => s.trim())
      .filter((s) => s !== "");
  const values = optArray(r, key) ?? [];
  return values.map((value, i) => {
    if (typeof value !== "string") throw unconvertible(at(at("", key), i), "must be a string");
    return value;
  });
}

/**
 * Clerk's `totp_secret` (base32; Clerk's TOTP is SHA-1, 6 digits, 30 s) as the `otpauth://` URL of Kratos's totp
 * credential, labelled with the email; the user's authenticator app keeps working.
 */
function totpUrl(r: Obj, email: string | undefined): string | undefined {
  const secret = optString(r, "totp_secret");
  if (secret === undefined) return undefined;
  const base32 = capped(secret, "/totp_secret", 1024).replace(/[\s=]/g, "").toUpperCase();
  if (!/^[A-Z2-7]{16,128}$/.test(base32)) throw unconvertible("/totp_secret", "totp_secret must be base32");
  const label = encodeURIComponent(email ?? optString(r, "id") ?? "user");
  return `otpauth://totp/${label}?secret=${base32}&algorithm=SHA1&digits=6&period=30`;
}

/** The first value of a string-or-list member (Clerk's create-user API takes `email_address: [...]`). */
function firstOf(r: Obj, key: string): string | undefined {
  const v = Object.hasOwn(r, key) ? r[key] : undefined;
  if (Array.isArray(v)) return typeof v[0] === "string" && v[0] !== "" ? v[0] : undefined;
  return optString(r, key);
}

/**
 * Converts one row of Clerk's user export (the dashboard's CSV: `id`, `first_name`, `last_name`, `username`,
 * `primary_email_address`, `primary_phone_number`, `verified_email_addresses`, `unverified_email_addresses`,
 * `verified_phone_numbers`, `unverified_phone_numbers`, `password_digest`, `password_hasher`, and
 * `public_metadata` / `private_metadata` when present) to an idkit create body.
 *
 * - traits: `{ email: primary_email_address }` (else the first of `email_address`, Clerk's create-user API field,
 *   else `email`), or `options.traits(record)`;
 * - every verified and unverified email and phone number is listed with its state (the schema decides which
 *   become addresses);
 * - `password_digest` by `password_hasher` → the password credential (every Clerk hasher but `awscognito`; see
 *   docs/migration.md);
 * - `totp_secret` → the TOTP credential (`otpauth://totp/<email>?secret=…`);
 * - `id` → `external_id`; `public_metadata` → `metadata_public`, `private_metadata` → `metadata_admin`;
 * - `banned: true` or `locked: true` (Clerk's user object; CSV `"true"` too) → state `inactive`.
 *
 * @throws IdentityError `unconvertible_record` with `details.pointer` into the row.
 */
export function fromClerk(record: unknown, options?: ConvertOptions): CreateIdentityBody {
  return guarded("clerk", () => {
    const o = readOptions(options);
    const r = recordObject("clerk", record);
    const email =
      optString(r, "primary_email_address") ?? firstOf(r, "email_address") ?? optString(r, "email");
    const addresses: Address[] = [
      ...list(r, "verified_email_addresses").map((value) => ({
        value,
        via: "email" as const,
        verified: true,
      })),
      ...list(r, "unverified_email_addresses").map((value) => ({
        value,
        via: "email" as const,
        verified: false,
      })),
      ...list(r, "verified_phone_numbers").map((value) => ({ value, via: "sms" as const, verified: true })),
      ...list(r, "unverified_phone_numbers").map((value) => ({
        value,
        via: "sms" as const,
        verified: false,
      })),
    ];
    if (email !== undefined) addresses.push({ value: email, via: "email", verified: false });
    const digest = optString(r, "password_digest");
    let hashedPassword: string | undefined;
    if (digest !== undefined) {
      const hasher = optString(r, "password_hasher");
      if (hasher === undefined) throw unconvertible("/password_hasher", "password_hasher is missing");
      hashedPassword = clerkHash(hasher, digest, o.hashConfig);
    }
    return buildBody(
      {
        record: r,
        email,
        emailPointer: "/primary_email_address",
        addresses,
        hashedPassword,
        inactive: optBool(r, "banned") === true || optBool(r, "locked") === true,
        externalId: optString(r, "id"),
        totpUrl: totpUrl(r, email),
        metadataPublic: optObject(r, "public_metadata"),
        metadataAdmin: optObject(r, "private_metadata"),
      },
      o,
    );
  });
}
