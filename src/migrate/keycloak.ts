import type { CreateIdentityBody } from "../identity/payloads.js";
import { type Address, buildBody, readOptions, type SocialLink } from "./body.js";
import { b64raw, decodeField, intField, pbkdf2Hash } from "./hashes.js";
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

const PBKDF2: Readonly<Record<string, string>> = {
  pbkdf2: "sha1",
  "pbkdf2-sha256": "sha256",
  "pbkdf2-sha512": "sha512",
};

/** One value of Keycloak's `additionalParameters` (a multivalued map: `{ "memory": ["7168"] }`). */
function param(params: Obj | undefined, key: string): unknown {
  const v = params === undefined || !Object.hasOwn(params, key) ? undefined : params[key];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * A Keycloak password credential (`secretData` and `credentialData`, JSON text or objects) as an idkit hash:
 * `pbkdf2` (HMAC-SHA1), `pbkdf2-sha256`, `pbkdf2-sha512` → `$pbkdf2-sha…$i=<hashIterations>,…`; `argon2` with
 * `additionalParameters` `type` (id, i, d), `version` 1.3, `memory` (KiB), `parallelism`, and `hashIterations` as t →
 * `$argon2<type>$v=19$m=…,t=…,p=…`; a `bcrypt` provider's value as is.
 */
function keycloakHash(credential: Obj, base: string): string {
  // Keycloak before 12 kept the fields on the credential itself (hashedSaltedValue, salt, hashIterations, algorithm).
  const legacy = optString(credential, "hashedSaltedValue", base);
  const secret =
    legacy === undefined
      ? optObject(credential, "secretData", base)
      : { value: legacy, salt: credential.salt };
  const data = legacy === undefined ? optObject(credential, "credentialData", base) : credential;
  if (secret === undefined || data === undefined)
    throw unconvertible(at(base, "secretData"), "secretData and credentialData are needed");
  const secretBase = at(base, "secretData");
  const dataBase = at(base, "credentialData");
  const algorithm = optString(data, "algorithm", dataBase) ?? "pbkdf2-sha256";
  const value = optString(secret, "value", secretBase);
  if (value === undefined) throw unconvertible(at(secretBase, "value"), "the hash value is missing");
  if (algorithm === "bcrypt" && value.startsWith("$2")) return value;
  const salt = decodeField(optString(secret, "salt", secretBase) ?? "", "base64", at(secretBase, "salt"));
  const key = decodeField(value, "base64", at(secretBase, "value"));
  const iterations = intField(data.hashIterations, at(dataBase, "hashIterations"), 1, 100_000_000);
  const digest = own(PBKDF2, algorithm);
  if (digest !== undefined) return pbkdf2Hash(digest, iterations, salt, key);
  if (algorithm === "argon2") {
    const params = optObject(data, "additionalParameters", dataBase);
    const pBase = at(dataBase, "additionalParameters");
    const type = String(param(params, "type") ?? "id");
    if (type !== "id" && type !== "i" && type !== "d")
      throw unconvertible(at(pBase, "type"), "type must be id, i or d");
    if (String(param(params, "version") ?? "1.3") !== "1.3")
      throw unconvertible(at(pBase, "version"), "only argon2 version 1.3 is verified");
    const m = intField(param(params, "memory") ?? "7168", at(pBase, "memory"), 1, 4_294_967_295);
    const p = intField(param(params, "parallelism") ?? "1", at(pBase, "parallelism"), 1, 255);
    return `$argon2${type}$v=19$m=${m},t=${iterations},p=${p}$${b64raw(salt)}$${b64raw(key)}`;
  }
  throw unconvertible(at(dataBase, "algorithm"), `idkit cannot verify Keycloak's ${algorithm} hashes`);
}

/**
 * Converts one user of a Keycloak realm export (`kc.sh export --realm <r>`: `{ "users": [...] }`, or a
 * `<realm>-users-<n>.json` file) to an idkit create body.
 *
 * - traits: `{ email }` (or `options.traits(record)`), verified when `emailVerified`;
 * - the `credentials[]` entry of type `password` → the password credential (see `keycloakHash`);
 * - `federatedIdentities[]` → OIDC links (`identityProvider` alias, `userId`);
 * - `enabled: false` → state `inactive`; `id` → `external_id`; `attributes` → `metadata_admin`.
 *
 * @throws IdentityError `unconvertible_record` with `details.pointer` into the user.
 */
export function fromKeycloak(record: unknown, options?: ConvertOptions): CreateIdentityBody {
  return guarded("keycloak", () => {
    const o = readOptions(options);
    const r = recordObject("keycloak", record);
    const email = optString(r, "email");
    const addresses: Address[] = [];
    if (email !== undefined)
      addresses.push({ value: email, via: "email", verified: optBool(r, "emailVerified") === true });
    let hashedPassword: string | undefined;
    const credentials = optArray(r, "credentials") ?? [];
    credentials.forEach((c, i) => {
      const base = at("/credentials", i);
      if (!isObj(c)) throw unconvertible(base, "a credential must be an object");
      if (hashedPassword === undefined && optString(c, "type", base) === "password")
        hashedPassword = keycloakHash(c, base);
    });
    const links: SocialLink[] = [];
    (optArray(r, "federatedIdentities") ?? []).forEach((f, i) => {
      const base = at("/federatedIdentities", i);
      if (!isObj(f)) throw unconvertible(base, "a federated identity must be an object");
      const provider = optString(f, "identityProvider", base);
      const subject = optString(f, "userId", base);
      if (provider === undefined || subject === undefined)
        throw unconvertible(base, "identityProvider and userId are needed");
      links.push({ provider, subject });
    });
    return buildBody(
      {
        record: r,
        email,
        emailPointer: "/email",
        addresses,
        hashedPassword,
        links,
        inactive: optBool(r, "enabled") === false,
        externalId: optString(r, "id"),
        metadataAdmin: optObject(r, "attributes"),
      },
      o,
    );
  });
}
