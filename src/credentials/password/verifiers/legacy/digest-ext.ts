import { createHash, createHmac } from "node:crypto";
import { constantTimeEqual, decodeBase64Strict } from "../../encoding.js";
import type { HashVerifier } from "../../hash-verifier.js";
import { MAX_SALT_BYTES } from "../../limits.js";
import { DOLLARS, splitDollars } from "../syntax.js";
import { isValidHmacFields } from "./hmac.js";
import { malformed, outOfBounds } from "./legacy-verifier.js";
import { hmacMd4, md4 } from "./md4.js";
import { applySaltTemplate, isValidSaltTemplateFields, parseSaltTemplateFields } from "./salt-template.js";

/**
 * idkit's extensions of Kratos's templated-digest (`$md5$pf=…`, `$sha1$pf=…`) and HMAC (`$hmac-sha1$…`) formats:
 * more digests (MD4, SHA-224, SHA-384, RIPEMD-160) and a password encoding other than UTF-8 (`-utf16le`,
 * `-latin1`), for Auth0's `custom_password_hash` (its `password.encoding`) and Clerk's `hmac_sha256_utf16_b64`.
 * The layouts are Kratos's; only the head differs, and no head here is one Kratos dispatches:
 *
 * - `$<digest>[-<encoding>]$pf=<B64 template>$<B64 salt>$<B64 digest>`
 * - `$hmac-<digest>[-<encoding>]$<B64 of the lowercase hex MAC>$<B64 key>`
 */

/** Digest length in bytes. sha224 and sha384 are SHA-2 here (as in Kratos's HMAC, unlike its PBKDF2). */
const DIGEST_LENGTH: Readonly<Record<string, number>> = Object.freeze({
  md4: 16,
  md5: 16,
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
  ripemd160: 20,
});
/** The heads Kratos already dispatches (its own verifiers keep them). */
const KRATOS_DIGESTS = new Set(["md5", "sha1", "sha256", "sha512"]);
const KRATOS_HMACS = new Set(["md4", "md5", "sha1", "sha224", "sha256", "sha384", "sha512"]);

const DIGEST_HEAD = /^\$(md4|md5|sha1|sha224|sha256|sha384|sha512|ripemd160)(?:-(utf16le|latin1))?\$/;
const HMAC_HEAD = /^\$hmac-(md4|md5|sha1|sha224|sha256|sha384|sha512|ripemd160)(?:-(utf16le|latin1))?\$/;

type Head = { algorithm: string; encoding: BufferEncoding; rest: string };

/** The digest and password encoding of a head, or `undefined` when Kratos's own verifier owns the hash. */
function readHead(pattern: RegExp, kratos: ReadonlySet<string>, hash: string): Head | undefined {
  const m = pattern.exec(hash.slice(0, 32));
  if (m === null) return undefined;
  const algorithm = m[1] as string;
  const encoding = (m[2] ?? "utf8") as BufferEncoding;
  if (m[2] === undefined && kratos.has(algorithm)) return undefined;
  return { algorithm, encoding, rest: hash.slice(m[0].length) };
}

function digestOf(algorithm: string, input: Buffer): Buffer {
  return algorithm === "md4" ? md4(input) : createHash(algorithm).update(input).digest();
}

function macOf(algorithm: string, key: Buffer, input: Buffer): Buffer {
  return algorithm === "md4" ? hmacMd4(key, input) : createHmac(algorithm, key).update(input).digest();
}

/** Parses a templated digest of idkit's extension (what `verify` uses). */
export function parseDigestExt(hash: string) {
  const head = readHead(DIGEST_HEAD, KRATOS_DIGESTS, hash);
  if (head === undefined) throw malformed("not a templated digest hash of idkit's extension");
  const parts = head.rest.split("$", 4);
  if (parts.length !== 3) throw malformed("expected $<digest>[-<encoding>]$pf=<template>$<salt>$<digest>");
  const length = DIGEST_LENGTH[head.algorithm] as number;
  return { ...head, ...parseSaltTemplateFields(parts[0]!, parts[1]!, parts[2]!, length) };
}

const LOWER_HEX = /^[0-9a-f]*$/;

/** Parses an HMAC of idkit's extension (what `verify` uses). */
export function parseHmacExt(hash: string) {
  const head = readHead(HMAC_HEAD, KRATOS_HMACS, hash);
  if (head === undefined) throw malformed("not an HMAC hash of idkit's extension");
  const parts = head.rest.split("$", 3);
  if (parts.length !== 2) throw malformed("expected $hmac-<digest>[-<encoding>]$<B64 hex MAC>$<B64 key>");
  const length = DIGEST_LENGTH[head.algorithm] as number;
  const hexDigest = decodeBase64Strict(parts[0]!);
  if (hexDigest === undefined) throw malformed("hmac digest is not strict padded base64");
  if (hexDigest.length !== length * 2 || !LOWER_HEX.test(hexDigest.toString("latin1")))
    throw malformed(`hmac digest must be the base64 of ${length * 2} lowercase hex characters`);
  const key = decodeBase64Strict(parts[1]!);
  if (key === undefined) throw malformed("hmac key is not strict padded base64");
  if (key.length > MAX_SALT_BYTES)
    throw outOfBounds(`hmac key is ${key.length} bytes, over ${MAX_SALT_BYTES}`);
  return { ...head, hexDigest, key };
}

/** Digest length by head name (between the first two `$`) of the heads each extension owns. */
function headLengths(prefix: string, kratos: ReadonlySet<string>): ReadonlyMap<string, number> {
  const out = new Map<string, number>();
  for (const [algorithm, length] of Object.entries(DIGEST_LENGTH)) {
    if (!kratos.has(algorithm)) out.set(`${prefix}${algorithm}`, length);
    for (const encoding of ["utf16le", "latin1"]) out.set(`${prefix}${algorithm}-${encoding}`, length);
  }
  return out;
}

const DIGEST_HEADS = headLengths("", KRATOS_DIGESTS);
const HMAC_HEADS = headLengths("hmac-", KRATOS_HMACS);

/** The digest length of `hash`'s head when `heads` owns it and the string has `dollars` `$` in all, else 0. */
function ownedLength(hash: string, heads: ReadonlyMap<string, number>, dollars: number): number {
  if (typeof hash !== "string" || !hash.startsWith("$") || !splitDollars(hash, dollars)) return 0;
  return heads.get(hash.slice(1, DOLLARS[1])) ?? 0;
}

/** Whether `parseDigestExt` accepts `hash`, checked without decoding. */
function isValidDigestExt(hash: string): boolean {
  const length = ownedLength(hash, DIGEST_HEADS, 4);
  return length > 0 && isValidSaltTemplateFields(hash, 1, length);
}

/** Whether `parseHmacExt` accepts `hash`, checked without decoding. */
function isValidHmacExt(hash: string): boolean {
  const length = ownedLength(hash, HMAC_HEADS, 3);
  return length > 0 && isValidHmacFields(hash, length);
}

/** Builds a verifier whose check gets the password as a string (to encode it as the hash says). */
function define<P>(
  id: string,
  matches: (hash: string) => boolean,
  parse: (hash: string) => P,
  isValid: (hash: string) => boolean,
  check: (password: string, parsed: P) => boolean,
): HashVerifier {
  return Object.freeze({
    id,
    matches,
    validate(hash: string): void {
      if (!isValid(hash)) parse(hash);
    },
    async verify(password: string, hash: string): Promise<boolean> {
      try {
        return check(password, parse(hash)) === true;
      } catch {
        return false;
      }
    },
  });
}

/** `$md4$pf=…`, `$sha224$pf=…`, `$sha256-utf16le$pf=…`…: one digest of the substituted template (inline). */
export const digestExtVerifier = define(
  "digest",
  (hash) => typeof hash === "string" && readHead(DIGEST_HEAD, KRATOS_DIGESTS, hash) !== undefined,
  parseDigestExt,
  isValidDigestExt,
  (password, { algorithm, encoding, template, salt, digest }) => {
    const input = applySaltTemplate(template, salt, Buffer.from(password, encoding));
    return constantTimeEqual(digestOf(algorithm, input), digest);
  },
);

/** `$hmac-ripemd160$…`, `$hmac-sha256-utf16le$…`…: one HMAC of the encoded password (inline). */
export const hmacExtVerifier = define(
  "hmac-ext",
  (hash) => typeof hash === "string" && readHead(HMAC_HEAD, KRATOS_HMACS, hash) !== undefined,
  parseHmacExt,
  isValidHmacExt,
  (password, { algorithm, encoding, key, hexDigest }) => {
    const mac = macOf(algorithm, key, Buffer.from(password, encoding));
    return constantTimeEqual(Buffer.from(mac.toString("hex"), "latin1"), hexDigest);
  },
);
