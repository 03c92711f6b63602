import {
  decodeField,
  digestName,
  type FieldEncoding,
  hmacHash,
  intField,
  PREFIX_TEMPLATE,
  passwordEncoding,
  pbkdf2Hash,
  pbkdf2Name,
  SUFFIX_TEMPLATE,
  templatedDigest,
} from "./hashes.js";
import { at, capped, type Obj, optObject, optString, own, reqString, unconvertible } from "./record.js";

/**
 * Auth0's `custom_password_hash` (the bulk-import schema, "Bulk User Import Database Schema and Examples") as an
 * idkit hash string:
 * - `argon2`, `bcrypt`: `hash.value` as is (PHC / modular crypt);
 * - `md4`, `md5`, `sha1`, `sha256`, `sha512`: `hash.value` (hex or base64) of the digest of the password with
 *   `salt.value` (utf8, hex or base64) before (`prefix`) or after (`suffix`) it → the templated-digest format;
 * - `hmac`: `hash.digest` (md4, md5, ripemd160, sha1, sha224, sha256, sha384, sha512), `hash.key` → the HMAC format;
 * - `ldap`: RFC 2307 `{MD5}`, `{SMD5}`, `{SHA}`, `{SSHA}`, `{SHA256}`… `{SSHA512}` → the templated-digest format;
 * - `pbkdf2`: PHC `$pbkdf2-<digest>$i=…,l=…$<salt>$<hash>` where sha224/sha384 mean SHA-2 (Kratos's `$pbkdf2-sha224$`
 *   means SHA3-224, so these become `$pbkdf2-sha2-224$`); i defaults to 100000.
 * `password.encoding` (utf8, utf16le, ucs2, latin1, binary, ascii) applies to the digest and HMAC algorithms.
 */
export function auth0CustomHash(custom: Obj, base: string): string {
  const algorithm = reqString(custom, "algorithm", base).toLowerCase();
  const hashBase = at(base, "hash");
  const hash = optObject(custom, "hash", base);
  if (hash === undefined) throw unconvertible(hashBase, "hash is missing");
  const value = reqString(hash, "value", hashBase);
  const valuePointer = at(hashBase, "value");
  const password = optObject(custom, "password", base);
  const encoding = passwordEncoding(
    password && optString(password, "encoding", at(base, "password")),
    at(at(base, "password"), "encoding"),
  );
  const utf8Only = () => {
    if (encoding !== "utf8")
      throw unconvertible(
        at(at(base, "password"), "encoding"),
        `${algorithm} is only verified for utf8 passwords`,
      );
  };
  switch (algorithm) {
    case "argon2":
    case "bcrypt":
      utf8Only();
      return value;
    case "pbkdf2":
      utf8Only();
      return pbkdf2FromPhc(value, valuePointer);
    case "ldap":
      return ldapHash(value, valuePointer, encoding);
    case "hmac": {
      const digestField = reqString(hash, "digest", hashBase);
      const digest = digestName(digestField);
      if (digest === undefined)
        throw unconvertible(at(hashBase, "digest"), `unsupported HMAC digest ${digestField}`);
      const mac = decodeField(value, hashEncoding(hash, hashBase), valuePointer);
      const key = optObject(hash, "key", hashBase);
      if (key === undefined) throw unconvertible(at(hashBase, "key"), "the HMAC key is missing");
      const keyBytes = decodeField(
        reqString(key, "value", at(hashBase, "key")),
        fieldEncoding(optString(key, "encoding", at(hashBase, "key")), at(at(hashBase, "key"), "encoding")),
        at(at(hashBase, "key"), "value"),
      );
      return hmacHash(digest, encoding, mac, keyBytes);
    }
    case "md4":
    case "md5":
    case "sha1":
    case "sha256":
    case "sha512": {
      const digestBytes = decodeField(value, hashEncoding(hash, hashBase), valuePointer);
      const salt = optObject(custom, "salt", base);
      const saltBase = at(base, "salt");
      let saltBytes: Uint8Array = Buffer.alloc(0);
      let template = "{PASSWORD}";
      if (salt !== undefined) {
        saltBytes = decodeField(
          reqString(salt, "value", saltBase),
          fieldEncoding(optString(salt, "encoding", saltBase), at(saltBase, "encoding")),
          at(saltBase, "value"),
        );
        const position = optString(salt, "position", saltBase) ?? "prefix";
        if (position !== "prefix" && position !== "suffix")
          throw unconvertible(at(saltBase, "position"), "position must be prefix or suffix");
        template = position === "prefix" ? PREFIX_TEMPLATE : SUFFIX_TEMPLATE;
      }
      return templatedDigest(algorithm, encoding, template, saltBytes, digestBytes);
    }
    default:
      throw unconvertible(at(base, "algorithm"), `idkit cannot verify Auth0's ${algorithm} hashes`);
  }
}

/** `hash.encoding` of the digest algorithms: hex (default) or base64. */
function hashEncoding(hash: Obj, base: string): FieldEncoding {
  const e = optString(hash, "encoding", base)?.toLowerCase() ?? "hex";
  if (e !== "hex" && e !== "base64")
    throw unconvertible(at(base, "encoding"), "encoding must be hex or base64");
  return e;
}

/** A salt's or key's encoding: utf8 (default), hex or base64. */
function fieldEncoding(name: string | undefined, pointer: string): FieldEncoding {
  const e = name?.toLowerCase() ?? "utf8";
  if (e !== "utf8" && e !== "hex" && e !== "base64")
    throw unconvertible(pointer, "encoding must be utf8, hex or base64");
  return e;
}

/** Auth0's PHC PBKDF2 string → Kratos's layout (SHA-1/256/512) or idkit's extension (every other digest). */
function pbkdf2FromPhc(value: string, pointer: string): string {
  const parts = capped(value, pointer).split("$", 6);
  if (parts[0] !== "" || !(parts.length === 5 || parts.length === 4) || !parts[1]?.startsWith("pbkdf2-"))
    throw unconvertible(pointer, "expected $pbkdf2-<digest>$i=<n>,l=<n>$<salt>$<hash>");
  const digest = parts[1].slice("pbkdf2-".length);
  const name = pbkdf2Name(digest);
  if (name === undefined) throw unconvertible(pointer, `idkit cannot verify PBKDF2 with ${digest}`);
  let iterations = 100_000;
  if (parts.length === 5) {
    for (const param of capped(parts[2] as string, pointer, 256).split(",", 4)) {
      const [k, v] = param.split("=", 2);
      if (k === "i") iterations = intField(v, pointer, 1, 100_000_000);
      else if (k !== "l") throw unconvertible(pointer, `unknown PBKDF2 parameter ${k}`);
    }
  }
  const salt = decodeField(parts[parts.length - 2] as string, "base64", pointer);
  const key = decodeField(parts[parts.length - 1] as string, "base64", pointer);
  return pbkdf2Hash(name, iterations, salt, key);
}

/** RFC 2307 schemes by name: [digest, salted]. */
const LDAP: Readonly<Record<string, readonly ["md5" | "sha1" | "sha256" | "sha384" | "sha512", boolean]>> = {
  MD5: ["md5", false],
  SMD5: ["md5", true],
  SHA: ["sha1", false],
  SHA1: ["sha1", false],
  SSHA: ["sha1", true],
  SHA256: ["sha256", false],
  SSHA256: ["sha256", true],
  SHA384: ["sha384", false],
  SSHA384: ["sha384", true],
  SHA512: ["sha512", false],
  SSHA512: ["sha512", true],
};
const DIGEST_BYTES = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 } as const;

/** `{SCHEME}base64` → the templated-digest format (salted: digest ‖ salt, the salt after the password). */
export function ldapHash(
  value: string,
  pointer: string,
  encoding: ReturnType<typeof passwordEncoding> = "utf8",
): string {
  const m = /^\{([A-Za-z0-9]{2,8})\}/.exec(capped(value, pointer));
  const scheme = m === null ? undefined : own(LDAP, (m[1] as string).toUpperCase());
  if (m === null || scheme === undefined)
    throw unconvertible(pointer, "expected an RFC 2307 {SCHEME} idkit verifies");
  const [digest, salted] = scheme;
  const bytes = decodeField(value.slice(m[0].length), "base64", pointer);
  const n = DIGEST_BYTES[digest];
  if (bytes.length < n + (salted ? 1 : 0) || (!salted && bytes.length !== n))
    throw unconvertible(pointer, `the ${m[1]} value has the wrong length`);
  const template = salted ? SUFFIX_TEMPLATE : "{PASSWORD}";
  return templatedDigest(digest, encoding, template, bytes.subarray(n), bytes.subarray(0, n));
}
