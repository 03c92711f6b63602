import { own, unconvertible } from "./record.js";

/**
 * Builders of idkit hash strings from a vendor's hash fields, and the decoders they need. Every builder only
 * rearranges bytes: the result is checked by `validateImportedHash` when the body is imported, so a value that is
 * wrong in a way only the verifier sees is an `unsupported_hash` there, at the credential's pointer.
 */

/** Longest encoded field decoded here, in characters (far above any real salt, key or digest). */
const MAX_FIELD = 8192;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** A byte encoding a vendor uses for a hash field. */
export type FieldEncoding = "hex" | "base64" | "utf8";

/** Decodes `text` in `encoding` (base64 accepts the URL-safe alphabet and missing padding). */
export function decodeField(text: string, encoding: FieldEncoding, pointer: string): Buffer {
  if (text.length > MAX_FIELD) throw unconvertible(pointer, "the field is too long");
  if (encoding === "utf8") return Buffer.from(text, "utf8");
  if (encoding === "hex") {
    if (!HEX.test(text)) throw unconvertible(pointer, "not hex");
    return Buffer.from(text, "hex");
  }
  const s = text.replace(/[\r\n]/g, "");
  if (s.length % 4 === 1 || !(B64.test(s) || B64URL.test(s))) throw unconvertible(pointer, "not base64");
  return Buffer.from(s, s.includes("-") || s.includes("_") ? "base64url" : "base64");
}

/** Standard base64 with padding. */
export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
/** Standard base64 without padding. */
export const b64raw = (bytes: Uint8Array): string => b64(bytes).replace(/=+$/, "");

/** A non-UTF-8 password encoding idkit can verify (Node's names: `ascii` and `binary` are `latin1`, `ucs2` is `utf16le`). */
export type PasswordEncoding = "utf8" | "utf16le" | "latin1";

/** Reads a vendor's name of a password encoding. */
export function passwordEncoding(name: string | undefined, pointer: string): PasswordEncoding {
  switch (name?.toLowerCase()) {
    case undefined:
    case "utf8":
    case "utf-8":
      return "utf8";
    case "utf16le":
    case "utf-16le":
    case "ucs2":
    case "ucs-2":
      return "utf16le";
    case "latin1":
    case "binary":
    case "ascii":
      return "latin1";
    default:
      throw unconvertible(pointer, `unknown password encoding ${name}`);
  }
}

const suffix = (encoding: PasswordEncoding) => (encoding === "utf8" ? "" : `-${encoding}`);

/** The digests of the templated and HMAC formats. */
export const DIGESTS = ["md4", "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "ripemd160"] as const;
export type Digest = (typeof DIGESTS)[number];

/** A digest name as vendors write it (`SHA-256`, `sha256`, `RSA-SHA256`…), or `undefined`. */
export function digestName(name: string): Digest | undefined {
  if (name.length > 64) return undefined;
  const n = name
    .toLowerCase()
    .replace(/^rsa-/, "")
    .replace(/withrsaencryption$/, "")
    .replace(/-/g, "");
  const d = n === "rmd160" ? "ripemd160" : n;
  return (DIGESTS as readonly string[]).includes(d) ? (d as Digest) : undefined;
}

/** `{SALT}` / `{PASSWORD}` templates of a salt before or after the password. */
export const PREFIX_TEMPLATE = "{SALT}{PASSWORD}";
export const SUFFIX_TEMPLATE = "{PASSWORD}{SALT}";

/**
 * A templated digest: Kratos's `$md5$` / `$sha1|256|512$pf=…` layout, and idkit's extension of it to MD4, SHA-224,
 * SHA-384 and RIPEMD-160 and to UTF-16LE / Latin-1 passwords (`$<digest>[-<encoding>]$pf=…`).
 */
export function templatedDigest(
  digest: Digest,
  encoding: PasswordEncoding,
  template: string,
  salt: Uint8Array,
  value: Uint8Array,
): string {
  const pf = b64(Buffer.from(template, "utf8"));
  return `$${digest}${suffix(encoding)}$pf=${pf}$${b64(salt)}$${b64(value)}`;
}

/** An HMAC: Kratos's `$hmac-<digest>$<b64 of the hex MAC>$<b64 key>`, with idkit's `-<encoding>` extension. */
export function hmacHash(
  digest: Digest,
  encoding: PasswordEncoding,
  mac: Uint8Array,
  key: Uint8Array,
): string {
  const hex = Buffer.from(Buffer.from(mac).toString("hex"), "latin1");
  return `$hmac-${digest}${suffix(encoding)}$${b64(hex)}$${b64(key)}`;
}

/** PBKDF2 digests by idkit format name: Kratos's for SHA-1/256/512, idkit's `sha2-224` etc. for the others. */
const PBKDF2_NAMES: Readonly<Record<string, string>> = Object.freeze({
  sha1: "sha1",
  sha256: "sha256",
  sha512: "sha512",
  sha224: "sha2-224",
  sha384: "sha2-384",
  sha512224: "sha512-224",
  sha512256: "sha512-256",
  md5: "md5",
  md4: "md4",
  ripemd160: "ripemd160",
  rmd160: "ripemd160",
  sha3224: "sha3-224",
  sha3256: "sha3-256",
  sha3384: "sha3-384",
  sha3512: "sha3-512",
});

/** The idkit PBKDF2 format name of a digest as vendors write it (SHA-2 meaning), or `undefined`. */
export function pbkdf2Name(name: string): string | undefined {
  if (name.length > 64) return undefined;
  const n = name
    .toLowerCase()
    .replace(/^rsa-/, "")
    .replace(/withrsaencryption$/, "")
    .replace(/[-_/]/g, "");
  return own(PBKDF2_NAMES, n);
}

/** `$pbkdf2-<name>$i=<n>,l=<key bytes>$<salt>$<key>` (unpadded base64). */
export function pbkdf2Hash(name: string, iterations: number, salt: Uint8Array, key: Uint8Array): string {
  return `$pbkdf2-${name}$i=${iterations},l=${key.length}$${b64raw(salt)}$${b64raw(key)}`;
}

/** Kratos's `$scrypt$ln=<N>,r=<r>,p=<p>$<salt>$<key>` (N itself, padded base64). */
export function scryptHash(N: number, r: number, p: number, salt: Uint8Array, key: Uint8Array): string {
  return `$scrypt$ln=${N},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
}

/** Kratos's `$firescrypt$ln=<mem cost>,r=<rounds>,p=1$<salt>$<hash>$<separator>$<signer key>` (padded base64). */
export function firescryptHash(
  memCost: number,
  rounds: number,
  salt: Uint8Array,
  hash: Uint8Array,
  separator: Uint8Array,
  signerKey: Uint8Array,
): string {
  return `$firescrypt$ln=${memCost},r=${rounds},p=1$${b64(salt)}$${b64(hash)}$${b64(separator)}$${b64(signerKey)}`;
}

/** A decimal integer field (a number, or digits in a string) in `[min, max]`. */
export function intField(value: unknown, pointer: string, min: number, max: number): number {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^[0-9]{1,10}$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw unconvertible(pointer, `must be an integer in [${min}, ${max}]`);
  return n;
}
