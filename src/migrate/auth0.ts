import type { CreateIdentityBody } from "../identity/payloads.js";
import { auth0CustomHash } from "./auth0-hash.js";
import { type Address, buildBody, readOptions, type SocialLink } from "./body.js";
import {
  at,
  guarded,
  isObj,
  type Obj,
  optArray,
  optBool,
  optObject,
  optString,
  recordObject,
  unconvertible,
} from "./record.js";
import type { ConvertOptions } from "./types.js";

/** Auth0 identities whose connection is a password database or passwordless, not a social provider. */
const NOT_SOCIAL = new Set(["auth0", "email", "sms"]);
/** Auth0's enterprise strategies (SAML, AD/LDAP, Azure AD, ADFS, enterprise OIDC…): never social sign-ins. */
const ENTERPRISE = new Set([
  "samlp",
  "waad",
  "adfs",
  "ad",
  "auth0-adldap",
  "oidc",
  "okta",
  "pingfederate",
  "google-apps",
  "office365",
  "ip",
  "sharepoint",
]);

/**
 * Converts one Auth0 user to an idkit create body. Accepts a line of the user export job (NDJSON: `user_id`,
 * `email`, `email_verified`, `phone_number`, `phone_verified`, `blocked`, `identities`, `user_metadata`,
 * `app_metadata`), a line of the password-hash export Auth0 support hands out (`_id.$oid`, `email`,
 * `email_verified`, `passwordHash`), or a user of Auth0's bulk-import file (`password_hash` or
 * `custom_password_hash`, see {@link auth0CustomHash}).
 *
 * - traits: `{ email }` (or `options.traits(record)`); the email's verified state from `email_verified`, the phone's
 *   from `phone_verified` (listed when the traits derive an address from it);
 * - `user_id` (else `auth0|<_id.$oid>`) → `external_id`; `blocked: true` → state `inactive`;
 * - `passwordHash` / `password_hash` (bcrypt) or `custom_password_hash` → the password credential;
 * - `identities[]` of social connections (`isSocial: true`; without `isSocial`, a provider other than
 *   auth0/email/sms and the enterprise strategies samlp, waad, adfs, ad, oidc…) → OIDC links (`google-oauth2` →
 *   `google`, `windowslive` → `microsoft`, else the connection name); enterprise identities are not linked but
 *   kept as `metadata_admin.auth0_enterprise_identities` (`[{ connection, provider, user_id }]`);
 * - `user_metadata` → `metadata_public`, `app_metadata` → `metadata_admin`.
 *
 * @throws IdentityError `unconvertible_record` with `details.pointer` into the record.
 */
export function fromAuth0(record: unknown, options?: ConvertOptions): CreateIdentityBody {
  return guarded("auth0", () => {
    const o = readOptions(options);
    const r = recordObject("auth0", record);
    const email = optString(r, "email");
    const addresses: Address[] = [];
    if (email !== undefined)
      addresses.push({ value: email, via: "email", verified: optBool(r, "email_verified") === true });
    const enterprise: Obj[] = [];
    const phone = optString(r, "phone_number");
    if (phone !== undefined)
      addresses.push({ value: phone, via: "sms", verified: optBool(r, "phone_verified") === true });
    return buildBody(
      {
        record: r,
        email,
        emailPointer: "/email",
        addresses,
        hashedPassword: hashOf(r),
        links: socialLinks(r, enterprise),
        inactive: optBool(r, "blocked") === true,
        externalId: userId(r),
        metadataPublic: optObject(r, "user_metadata"),
        metadataAdmin:
          enterprise.length === 0
            ? optObject(r, "app_metadata")
            : { ...optObject(r, "app_metadata"), auth0_enterprise_identities: enterprise },
      },
      o,
    );
  });
}

function userId(r: Obj): string | undefined {
  const id = optString(r, "user_id");
  if (id !== undefined) return id;
  const oid = isObj(r._id) ? optString(r._id, "$oid", "/_id") : optString(r, "_id");
  return oid === undefined ? undefined : `auth0|${oid}`;
}

function hashOf(r: Obj): string | undefined {
  const plain = optString(r, "passwordHash") ?? optString(r, "password_hash");
  const custom = optObject(r, "custom_password_hash");
  if (plain !== undefined && custom !== undefined)
    throw unconvertible(
      "/custom_password_hash",
      "password_hash and custom_password_hash are mutually exclusive",
    );
  if (custom !== undefined) return auth0CustomHash(custom, "/custom_password_hash");
  return plain;
}

function socialLinks(r: Obj, enterprise: Obj[]): SocialLink[] {
  const links: SocialLink[] = [];
  const identities = optArray(r, "identities") ?? [];
  identities.forEach((entry, i) => {
    const base = at("/identities", i);
    if (!isObj(entry)) throw unconvertible(base, "an identity must be an object");
    const provider = optString(entry, "provider", base);
    const social =
      optBool(entry, "isSocial", base) ??
      (provider !== undefined && !NOT_SOCIAL.has(provider) && !ENTERPRISE.has(provider));
    const name = optString(entry, "connection", base) ?? provider;
    const subject = entry.user_id;
    if (!social) {
      if (provider !== undefined && !NOT_SOCIAL.has(provider))
        enterprise.push({
          connection: name ?? null,
          provider,
          user_id: typeof subject === "string" || Number.isSafeInteger(subject) ? String(subject) : null,
        });
      return;
    }
    if (name === undefined)
      throw unconvertible(at(base, "connection"), "a social identity needs its connection");
    if (typeof subject === "number" && Number.isSafeInteger(subject))
      links.push({ provider: name, subject: String(subject) });
    else if (typeof subject === "string" && subject !== "") links.push({ provider: name, subject });
    else throw unconvertible(at(base, "user_id"), "a social identity needs its user_id");
  });
  return links;
}
