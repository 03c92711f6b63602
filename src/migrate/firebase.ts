import type { CreateIdentityBody } from "../identity/payloads.js";
import { type Address, buildBody, readOptions, type SocialLink } from "./body.js";
import { decodeField, firescryptHash, intField } from "./hashes.js";
import {
  at,
  guarded,
  isObj,
  type Obj,
  optArray,
  optBool,
  optObject,
  optString,
  own,
  recordObject,
  unconvertible,
} from "./record.js";
import type { ConvertOptions } from "./types.js";

/** Firebase provider ids that are not social sign-ins. */
const NOT_SOCIAL = new Set(["password", "phone", "anonymous", "emailLink"]);

/**
 * The project's password hash parameters, as the Firebase console shows them (Authentication → Users → ⋮ →
 * Password hash parameters: `base64_signer_key`, `base64_salt_separator`, `rounds`, `mem_cost`), in snake_case or
 * camelCase (`signerKey`, `saltSeparator`, `rounds`, `memCost` / `memoryCost`), possibly wrapped in a `hash_config` or
 * `hashConfig` member. `algorithm`, if given, must be `SCRYPT`.
 */
function hashConfig(given: Obj | undefined) {
  if (given === undefined) return undefined;
  // `{ "hash_config": {...} }` as the console's block is named, or the Identity Toolkit API's `{ "hashConfig": {...} }`.
  const inner = own(given, "hash_config") ?? own(given, "hashConfig");
  const config = isObj(inner) ? inner : given;
  const base = "/hashConfig";
  const pick = (...keys: string[]) =>
    keys.map((k) => (Object.hasOwn(config, k) ? config[k] : undefined)).find((v) => v !== undefined);
  const algorithm = pick("algorithm", "hash_algorithm");
  if (algorithm !== undefined && String(algorithm).toUpperCase() !== "SCRYPT")
    throw unconvertible(at(base, "algorithm"), "only Firebase's SCRYPT hash config is supported");
  const signer = pick("base64_signer_key", "signerKey", "signer_key", "key");
  const separator = pick("base64_salt_separator", "saltSeparator", "salt_separator") ?? "";
  if (typeof signer !== "string" || signer === "")
    throw unconvertible(at(base, "base64_signer_key"), "the signer key is missing");
  if (typeof separator !== "string")
    throw unconvertible(at(base, "base64_salt_separator"), "must be base64 text");
  return {
    signerKey: decodeField(signer, "base64", at(base, "base64_signer_key")),
    saltSeparator: decodeField(separator, "base64", at(base, "base64_salt_separator")),
    rounds: intField(pick("rounds"), at(base, "rounds"), 1, 8),
    memCost: intField(pick("mem_cost", "memCost", "memoryCost"), at(base, "mem_cost"), 1, 14),
  };
}

/**
 * Converts one user of `firebase auth:export users.json --format=json` (`{ "users": [...] }`) to an idkit create
 * body; `options.hashConfig` is the project's scrypt configuration (see `hashConfig`).
 *
 * - traits: `{ email }` (or `options.traits(record)`), verified when `emailVerified`; a `phoneNumber` is listed
 *   verified (Firebase only stores verified phone numbers);
 * - `passwordHash` + `salt` → `$firescrypt$ln=<mem_cost>,r=<rounds>,p=1$…` (a user with a hash but no hash config
 *   is unconvertible);
 * - `providerUserInfo[]` other than password and phone → OIDC links by `rawId` (`google.com` → `google`…);
 * - `disabled: true` → state `inactive`; `localId` → `external_id`;
 * - `customAttributes` (the custom claims, JSON text) → `metadata_public`.
 *
 * @throws IdentityError `unconvertible_record` with `details.pointer` into the record (`/hashConfig/…` for the
 *   configuration).
 */
export function fromFirebase(record: unknown, options?: ConvertOptions): CreateIdentityBody {
  return guarded("firebase", () => {
    const o = readOptions(options);
    const r = recordObject("firebase", record);
    const email = optString(r, "email");
    const addresses: Address[] = [];
    if (email !== undefined)
      addresses.push({ value: email, via: "email", verified: optBool(r, "emailVerified") === true });
    const phone = optString(r, "phoneNumber");
    if (phone !== undefined) addresses.push({ value: phone, via: "sms", verified: true });
    let hashedPassword: string | undefined;
    const passwordHash = optString(r, "passwordHash");
    if (passwordHash !== undefined) {
      const config = hashConfig(o.hashConfig);
      if (config === undefined)
        throw unconvertible(
          "/passwordHash",
          "the project's hash config is needed to import Firebase password hashes",
        );
      const salt = decodeField(optString(r, "salt") ?? "", "base64", "/salt");
      const hash = decodeField(passwordHash, "base64", "/passwordHash");
      hashedPassword = firescryptHash(
        config.memCost,
        config.rounds,
        salt,
        hash,
        config.saltSeparator,
        config.signerKey,
      );
    }
    return buildBody(
      {
        record: r,
        email,
        emailPointer: "/email",
        addresses,
        hashedPassword,
        links: links(r),
        inactive: optBool(r, "disabled") === true,
        externalId: optString(r, "localId"),
        metadataPublic: optObject(r, "customAttributes"),
      },
      o,
    );
  });
}

function links(r: Obj): SocialLink[] {
  const out: SocialLink[] = [];
  (optArray(r, "providerUserInfo") ?? []).forEach((entry, i) => {
    const base = at("/providerUserInfo", i);
    if (!isObj(entry)) throw unconvertible(base, "a provider entry must be an object");
    const provider = optString(entry, "providerId", base);
    if (provider === undefined) throw unconvertible(at(base, "providerId"), "providerId is missing");
    if (NOT_SOCIAL.has(provider)) return;
    const subject = optString(entry, "rawId", base);
    if (subject === undefined) throw unconvertible(at(base, "rawId"), "rawId is missing");
    out.push({ provider, subject });
  });
  return out;
}
