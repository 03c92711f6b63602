import { ldapHash } from "./auth0-hash.js";
import {
  b64,
  decodeField,
  firescryptHash,
  hmacHash,
  intField,
  PREFIX_TEMPLATE,
  pbkdf2Hash,
  SUFFIX_TEMPLATE,
  scryptHash,
  templatedDigest,
} from "./hashes.js";
import { at, capped, type Obj, own, unconvertible } from "./record.js";

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const P = "/password_digest";

/** Splits a digest on `$` into exactly `n` fields (the first may be a prefix to check). */
function fields(digest: string, n: number, layout: string): string[] {
  const parts = digest.split("$", n + 1);
  if (parts.length !== n) throw unconvertible(P, `expected ${layout}`);
  return parts;
}

/**
 * Clerk's `<prefix>$<iterations>$<salt>$<hash>` PBKDF2 layouts; only `pbkdf2_sha1` has a 5th field, the key length
 * in bytes, which must match the hash. Salt `"hex"`: Clerk's rule, "accepts the salt as a hex-encoded string; if
 * the salt is not a valid hex string, the raw bytes will be used instead" (Clerk's `password_hasher` reference).
 */
function pbkdf2(
  digest: string,
  prefix: string,
  name: string,
  salt: "raw" | "b64" | "hex",
  hash: "b64" | "hex",
  keyLengthField = false,
): string {
  const layout = `${prefix}$<iterations>$<salt>$<hash>${keyLengthField ? "[$<key length>]" : ""}`;
  const parts = digest.split("$", 6);
  if (parts[0] !== prefix || parts.length < 4 || parts.length > (keyLengthField ? 5 : 4))
    throw unconvertible(P, `expected ${layout}`);
  const iterations = intField(parts[1], P, 1, 100_000_000);
  const saltText = parts[2] as string;
  const saltBytes =
    salt === "raw" || (salt === "hex" && !HEX.test(saltText))
      ? Buffer.from(saltText, "utf8")
      : decodeField(saltText, salt === "hex" ? "hex" : "base64", P);
  const key = decodeField(parts[3] as string, hash === "hex" ? "hex" : "base64", P);
  if (parts.length === 5 && intField(parts[4], P, 1, 1024) !== key.length)
    throw unconvertible(P, "the key length field does not match the hash");
  return pbkdf2Hash(name, iterations, saltBytes, key);
}

/** Clerk hashers whose digest idkit verifies as is, and the prefixes of that digest family. */
const AS_IS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  bcrypt: ["$2a$", "$2b$", "$2y$", "$2x$", "$2$"],
  argon2i: ["$argon2i$"],
  argon2id: ["$argon2id$"],
  bcrypt_sha256_django: ["bcrypt_sha256$"],
  phpass: ["$P$", "$H$"],
  md5_phpass: ["$H$", "$P$"],
});

/** `hmac_sha256_utf16_b64$<base64 hash>$<key>` (Clerk's layout, key as UTF-8 text), else a bare hash + `hmacKey`. */
function clerkHmac(digest: string, config: Obj | undefined): string {
  const prefix = "hmac_sha256_utf16_b64$";
  let mac = digest;
  let key = config === undefined ? undefined : own(config, "hmacKey");
  if (digest.startsWith(prefix)) {
    const rest = digest.slice(prefix.length);
    const at$ = rest.indexOf("$");
    if (at$ <= 0 || at$ === rest.length - 1)
      throw unconvertible(P, "expected hmac_sha256_utf16_b64$<base64 hash>$<key>");
    mac = rest.slice(0, at$);
    key = rest.slice(at$ + 1);
  } else if (typeof key !== "string" || key === "")
    throw unconvertible(
      "/password_hasher",
      "a bare hmac_sha256_utf16_b64 hash needs the HMAC key: pass hashConfig.hmacKey",
    );
  return hmacHash("sha256", "utf16le", decodeField(mac, "base64", P), Buffer.from(key as string, "utf8"));
}

/** `salt$hex` of Clerk's salted digests; the salt's position comes from `hashConfig.saltPosition`. */
function salted(digest: string, algorithm: "md5" | "sha256", config: Obj | undefined): string {
  const position = config === undefined ? undefined : own(config, "saltPosition");
  if (position !== "prefix" && position !== "suffix")
    throw unconvertible(
      "/password_hasher",
      `Clerk does not publish where ${algorithm}_salted puts the salt: pass hashConfig.saltPosition ("prefix" or "suffix")`,
    );
  const at$ = digest.lastIndexOf("$");
  if (at$ < 0) throw unconvertible(P, "expected <salt>$<hex digest>");
  const value = decodeField(digest.slice(at$ + 1), "hex", P);
  const template = position === "prefix" ? PREFIX_TEMPLATE : SUFFIX_TEMPLATE;
  return templatedDigest(algorithm, "utf8", template, Buffer.from(digest.slice(0, at$), "utf8"), value);
}

/**
 * A Clerk `password_digest` of the given `password_hasher` as an idkit hash string (the layouts of Clerk's
 * "Create a user" reference). `config` is `options.hashConfig` (only `md5_salted`, `sha256_salted` and a bare
 * `hmac_sha256_utf16_b64` hash read it). A digest over 4,096 characters is refused before any split.
 */
export function clerkHash(hasher: string, digest: string, config: Obj | undefined): string {
  capped(digest, P);
  const family = own(AS_IS, hasher);
  if (family !== undefined) {
    if (!family.some((prefix) => digest.startsWith(prefix)))
      throw unconvertible(P, `not a ${hasher} digest (expected ${family.join(" or ")}…)`);
    return digest;
  }
  switch (hasher) {
    case "bcrypt_peppered": {
      const m = /^(\$2[abyz]?\$[0-9]{2}\$[./A-Za-z0-9]{53})\$(.+)$/s.exec(digest);
      if (m === null) throw unconvertible(P, "expected $<version>$<cost>$<salt and hash>$<pepper>");
      return `$bcrypt-peppered$${b64(Buffer.from(m[2] as string, "utf8"))}${m[1]}`;
    }
    case "md5":
      return `$md5$${b64(decodeField(digest, "hex", P))}`;
    case "sha256":
      return templatedDigest("sha256", "utf8", "{PASSWORD}", Buffer.alloc(0), decodeField(digest, "hex", P));
    case "md5_salted":
      return salted(digest, "md5", config);
    case "sha256_salted":
      return salted(digest, "sha256", config);
    case "pbkdf2_sha256":
      return pbkdf2(digest, "pbkdf2_sha256", "sha256", "b64", "b64");
    case "pbkdf2_sha256_django":
      return pbkdf2(digest, "pbkdf2_sha256", "sha256", "raw", "b64");
    case "pbkdf2_sha1":
      return pbkdf2(digest, "pbkdf2_sha1", "sha1", "hex", "hex", true);
    case "pbkdf2_sha512":
      return pbkdf2(digest, "pbkdf2_sha512", "sha512", "raw", "hex");
    case "pbkdf2_sha512_hex":
      return pbkdf2(digest, "pbkdf2_sha512_hex", "sha512", "hex", "hex");
    case "scrypt_firebase": {
      const [hash, salt, signer, separator, rounds, memCost] = fields(
        digest,
        6,
        "<hash>$<salt>$<signer key>$<salt separator>$<rounds>$<memory cost>",
      ) as [string, string, string, string, string, string];
      return firescryptHash(
        intField(memCost, P, 1, 14),
        intField(rounds, P, 1, 8),
        decodeField(salt, "base64", P),
        decodeField(hash, "base64", P),
        decodeField(separator, "base64", P),
        decodeField(signer, "base64", P),
      );
    }
    case "scrypt_werkzeug": {
      const [method, salt, hash] = fields(
        digest.replace(/^\$/, ""),
        3,
        "scrypt:<N>:<r>:<p>$<salt>$<hex hash>",
      ) as [string, string, string];
      const m = /^scrypt:([0-9]{1,10}):([0-9]{1,3}):([0-9]{1,3})$/.exec(method);
      if (m === null) throw unconvertible(P, "expected scrypt:<N>:<r>:<p>");
      return scryptHash(
        Number(m[1]),
        Number(m[2]),
        Number(m[3]),
        Buffer.from(salt, "utf8"),
        decodeField(hash, "hex", P),
      );
    }
    case "sha512_symfony": {
      const [prefix, iterations, salt, hash] = fields(digest, 4, "sha512_symfony$<iterations>$<salt>$<hash>");
      if (prefix !== "sha512_symfony")
        throw unconvertible(P, "expected sha512_symfony$<iterations>$<salt>$<hash>");
      const i = intField(iterations, P, 1, 100_000_000);
      return `$sha512-symfony$i=${i}$${b64(Buffer.from(salt as string, "utf8"))}$${b64(decodeField(hash as string, "base64", P))}`;
    }
    case "ldap_ssha":
      return digest.startsWith("{SSHA}") ? digest : ldapHash(digest, P);
    case "hmac_sha256_utf16_b64":
      return clerkHmac(digest, config);
    default:
      throw unconvertible(
        at("", "password_hasher"),
        hasher === "awscognito"
          ? "awscognito passwords are checked by Cognito: import with use_password_migration_hook instead"
          : `unknown password_hasher ${hasher}`,
      );
  }
}
