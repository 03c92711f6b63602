import type { CreateIdentityBody } from "../identity/payloads.js";
import { type Address, buildBody, readOptions, type SocialLink } from "./body.js";
import { decodeField, firescryptHash, intField } from "./hashes.js";
import {
  at,
  capped,
  guarded,
  isObj,
  type Obj,
  optArray,
  optObject,
  optString,
  recordObject,
  unconvertible,
} from "./record.js";
import type { ConvertOptions } from "./types.js";

/** Supabase identity providers that are not social sign-ins. */
const NOT_SOCIAL = new Set(["email", "phone", "anonymous"]);

/**
 * GoTrue's `$fbscrypt$v=1,n=<log2 N>,r=<rounds>,p=<p>,ss=<separator>,sk=<signer key>$<salt>$<hash>` (Firebase
 * scrypt of users imported into Supabase) → Kratos's `$firescrypt$`. Any other hash (bcrypt, argon2) is kept.
 */
function supabaseHash(hash: string): string {
  if (!hash.startsWith("$fbscrypt$")) return hash;
  const p = "/encrypted_password";
  const parts = capped(hash, p).split("$", 6);
  if (parts.length !== 5) throw unconvertible(p, "expected $fbscrypt$<params>$<salt>$<hash>");
  const params = new Map(
    capped(parts[2] as string, p, 1024)
      .split(",", 8)
      .map((kv) => kv.split("=", 2) as [string, string]),
  );
  if (params.get("v") !== "1") throw unconvertible(p, "only $fbscrypt$ v=1 is known");
  const p$ = intField(params.get("p"), p, 1, 10);
  if (p$ !== 1) throw unconvertible(p, "Firebase scrypt has p=1");
  return firescryptHash(
    intField(params.get("n"), p, 1, 17),
    intField(params.get("r"), p, 1, 8),
    decodeField(parts[3] as string, "base64", p),
    decodeField(parts[4] as string, "base64", p),
    decodeField(params.get("ss") ?? "", "base64", p),
    decodeField(params.get("sk") ?? "", "base64", p),
  );
}

/** Whether `banned_until` still bans the user (any value that is not a past timestamp does). */
function banned(r: Obj): boolean {
  const until = optString(r, "banned_until");
  if (until === undefined) return false;
  // Postgres's `-infinity` is before every instant: never banned. Anything else unreadable fails closed.
  if (capped(until, "/banned_until", 64) === "-infinity") return false;
  const t = Date.parse(until.replace(" ", "T").replace(/([+-][0-9]{2})$/, "$1:00"));
  return !(t <= Date.now());
}

/**
 * Converts one `auth.users` row of Supabase Auth (JSON, NDJSON or CSV; with an optional `identities` column holding
 * the user's `auth.identities` rows as a JSON array, see docs/migration.md for the query) to an idkit create body.
 *
 * - traits: `{ email }` (or `options.traits(record)`), verified when `email_confirmed_at` is set; `phone` verified
 *   when `phone_confirmed_at` is set;
 * - `encrypted_password` (bcrypt; argon2 and `$fbscrypt$` for users imported into Supabase) → the password
 *   credential; an empty one (social-only users) → none;
 * - `identities[]` other than email/phone → OIDC links by `provider_id` (else `identity_data.sub`, else `id`);
 * - `banned_until` in the future (or unreadable) → state `inactive`; a row with `deleted_at` set is unconvertible
 *   (a soft-deleted user);
 * - `id` → `external_id`; `raw_user_meta_data` → `metadata_public`, `raw_app_meta_data` → `metadata_admin`.
 *
 * @throws IdentityError `unconvertible_record` with `details.pointer` into the row.
 */
export function fromSupabase(record: unknown, options?: ConvertOptions): CreateIdentityBody {
  return guarded("supabase", () => {
    const o = readOptions(options);
    const r = recordObject("supabase", record);
    if (optString(r, "deleted_at") !== undefined) throw unconvertible("/deleted_at", "the user was deleted");
    const email = optString(r, "email");
    const addresses: Address[] = [];
    if (email !== undefined)
      addresses.push({
        value: email,
        via: "email",
        verified: optString(r, "email_confirmed_at") !== undefined,
      });
    const phone = optString(r, "phone");
    if (phone !== undefined)
      addresses.push({
        value: phone.startsWith("+") ? phone : `+${phone}`,
        via: "sms",
        verified: optString(r, "phone_confirmed_at") !== undefined,
      });
    const encrypted = optString(r, "encrypted_password");
    return buildBody(
      {
        record: r,
        email,
        emailPointer: "/email",
        addresses,
        hashedPassword: encrypted === undefined ? undefined : supabaseHash(encrypted),
        links: links(r),
        inactive: banned(r),
        externalId: optString(r, "id"),
        metadataPublic: optObject(r, "raw_user_meta_data"),
        metadataAdmin: optObject(r, "raw_app_meta_data"),
      },
      o,
    );
  });
}

function links(r: Obj): SocialLink[] {
  const out: SocialLink[] = [];
  (optArray(r, "identities") ?? []).forEach((entry, i) => {
    const base = at("/identities", i);
    if (!isObj(entry)) throw unconvertible(base, "an identity must be an object");
    const provider = optString(entry, "provider", base);
    if (provider === undefined) throw unconvertible(at(base, "provider"), "provider is missing");
    if (NOT_SOCIAL.has(provider)) return;
    const data = optObject(entry, "identity_data", base);
    const subject =
      optString(entry, "provider_id", base) ??
      (data === undefined ? undefined : optString(data, "sub", at(base, "identity_data"))) ??
      optString(entry, "id", base);
    if (subject === undefined) throw unconvertible(at(base, "provider_id"), "provider_id is missing");
    out.push({ provider, subject });
  });
  return out;
}
