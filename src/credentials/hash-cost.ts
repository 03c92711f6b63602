import { parseArgon2Hash } from "./password/verifiers/argon2.js";
import { parseBcryptHash } from "./password/verifiers/bcrypt.js";
import { parseDjangoBcryptSha256, parsePepperedBcrypt } from "./password/verifiers/bcrypt-variants.js";
import { parseFirescryptHash } from "./password/verifiers/firescrypt.js";
import { tryParse } from "./password/verifiers/hash-params.js";
import { parseCryptBody } from "./password/verifiers/legacy/crypt.js";
import { parsePhpass, parseSymfonySha512 } from "./password/verifiers/legacy/phpass.js";
import { parsePbkdf2Hash } from "./password/verifiers/pbkdf2.js";
import { parsePbkdf2ExtHash } from "./password/verifiers/pbkdf2-ext.js";
import { parseScryptHash } from "./password/verifiers/scrypt.js";
import { findVerifier } from "./password/verify-password.js";

/**
 * Unit costs of one verification, in milliseconds on the reference machine (2-core x86-64 VM, Node 20, idkit's
 * verifiers as shipped; process CPU time of sequential verifications, medians of interleaved runs, each family
 * measured as a share of argon2id m=47104 t=1 p=1, November 2026). Only ratios between estimates are used, so the
 * absolute speed of a host does not matter; the relative speed of two hash families does, and varies by up to
 * ~30 % between CPUs (SHA extensions, memory bandwidth).
 */
const UNIT_MS = Object.freeze({
  /** argon2 (any variant), per KiB of memory per pass after the first (m=47104, t=1 ≈ 16 ms). */
  argon2KibPass: 0.0004,
  /** The first pass costs this much less than the others (t=2 m=19456 measured ≈ 0.9–1.0 of t=1 m=47104). */
  argon2FirstPassDiscount: 0.15,
  /** Extra share per argon2 lane beyond the first (p=4 measured ≈ 1.28× p=1 at the same m and t). */
  argon2Lane: 0.09,
  /** bcrypt, per 2^cost rounds (cost 6 ≈ 0.23 of m=47104 argon2id, cost 8 ≈ 0.85). */
  bcryptRound: 0.057,
  /** scrypt and Firebase scrypt, per N × r × p (N=4096, r=8 ≈ 0.5 of m=47104 argon2id). */
  scryptBlock: 0.00025,
  /** MD5-crypt: 1000 fixed MD5 rounds plus a crypt-worker round trip (≈ 0.11 of m=47104 argon2id). */
  md5Crypt: 1.8,
  /** phpass, per MD5 iteration in the crypt worker (2^13 ≈ 26 ms; measured with bench/worst-case-verification.ts). */
  phpassRound: 0.0032,
  /** Symfony's SHA-512 encoder, per iteration in the crypt worker (5000 ≈ 23 ms). */
  symfonyRound: 0.0045,
});

/**
 * PBKDF2 per iteration and output block (ms), by node digest, and each digest's output length (bytes): a 32-byte
 * key takes 2 blocks of SHA-1, 1 of SHA-256 (20,000 iterations ≈ 0.25 of m=47104 argon2id with SHA-256, ≈ 0.5
 * with SHA-512 or SHA-1).
 */
const PBKDF2_ITERATION_MS: Readonly<Record<string, readonly [ms: number, digestBytes: number]>> =
  Object.freeze({
    sha1: [0.0002, 20],
    sha256: [0.00022, 32],
    sha512: [0.00044, 64],
    "sha3-224": [0.0008, 28],
    "sha3-384": [0.001, 48],
    /** PBKDF2-HMAC-MD4 in plain TypeScript in the crypt worker pool (1,000,000 iterations ≈ 1.4 s). */
    md4: [0.0014, 16],
  });

/** SHA-crypt per round (ms), computed in the crypt worker pool (5000 rounds ≈ 0.6–0.8 of m=47104 argon2id). */
const SHA_CRYPT_ROUND_MS: Readonly<Record<string, number>> = Object.freeze({
  sha256: 0.0019,
  sha512: 0.0023,
});

const CRYPT_KIND: Readonly<Record<string, readonly ["md5" | "sha256" | "sha512", string]>> = Object.freeze({
  md5crypt: ["md5", "$md5-crypt$"],
  sha256crypt: ["sha256", "$sha256-crypt$"],
  sha512crypt: ["sha512", "$sha512-crypt$"],
  "md5crypt-mcf": ["md5", "$1$"],
  "sha256crypt-mcf": ["sha256", "$5$"],
  "sha512crypt-mcf": ["sha512", "$6$"],
});

/**
 * Digest work per input byte (ms), for the templated digests and HMACs: Node's native digests, MD4 in plain
 * TypeScript (1 MiB buffers on the reference VM, November 2026). A 1 KiB template of `{PASSWORD}` with a 4096-character
 * UTF-16 password hashes ~840 KB: ~17 ms of MD4, ~1 ms of SHA-256.
 */
const DIGEST_BYTE_MS: Readonly<Record<string, number>> = Object.freeze({
  md4: 2.1e-5,
  md5: 2.2e-6,
  sha1: 1.1e-6,
  sha224: 1e-6,
  sha256: 1e-6,
  sha384: 2.4e-6,
  sha512: 2.2e-6,
  ripemd160: 6e-6,
});
const DIGEST_HEAD = /^\$(hmac-)?(md4|md5|sha1|sha224|sha256|sha384|sha512|ripemd160)(?:-(utf16le|latin1))?\$/;
/** HMAC's fixed work over the password: the key block and the outer hash, in bytes (generous). */
const HMAC_OVERHEAD_BYTES = 256;

/**
 * A templated digest (`$<digest>[-<encoding>]$pf=<template>$<salt>$…`, Kratos's and idkit's) or HMAC: the bytes the
 * digest reads (the template with `{SALT}` and `{PASSWORD}` substituted, as `applySaltTemplate` does) × its per-byte
 * cost. `password` (the one being checked) gives the password's byte length in the hash's encoding; without it, 0.
 */
function digestCost(hash: string, password: string | undefined): number {
  const head = DIGEST_HEAD.exec(hash.slice(0, 32));
  if (head === null) return 0;
  const perByte = DIGEST_BYTE_MS[head[2] as string] ?? 0;
  const pw = password === undefined ? 0 : Buffer.byteLength(password, (head[3] ?? "utf8") as BufferEncoding);
  if (head[1] !== undefined) return (pw + HMAC_OVERHEAD_BYTES) * perByte;
  const rest = hash.slice(head[0].length);
  if (!rest.startsWith("pf=")) return pw * perByte;
  const [template = "", salt = ""] = rest.slice(3).split("$", 2);
  const text = Buffer.from(template, "base64").toString("latin1");
  const saltBytes = Buffer.from(salt, "base64").length;
  let bytes = 0;
  for (let i = 0; i < text.length; ) {
    if (text.startsWith("{SALT}", i)) [bytes, i] = [bytes + saltBytes, i + 6];
    else if (text.startsWith("{PASSWORD}", i)) [bytes, i] = [bytes + pw, i + 10];
    else [bytes, i] = [bytes + 1, i + 1];
  }
  return bytes * perByte;
}

/**
 * Estimates what verifying a password against `hash` costs, in milliseconds on the reference machine (see
 * `UNIT_MS`), from the hash's format and cost parameters. Used to make a failed login against a cheap hash cost as
 * much as one against the configured hasher's hash (`login-timing.ts`).
 *
 * - argon2 ∝ m × (t − 0.15) (× a little per extra lane), bcrypt ∝ 2^cost, PBKDF2 ∝ iterations × output blocks (per
 *   digest), scrypt and Firebase scrypt ∝ N × r × p, SHA-crypt ∝ rounds, MD5-crypt a constant.
 * - Templated digests and HMACs (`$md4$pf=…`, `$sha256-utf16le$pf=…`, `$hmac-…$`) ∝ the bytes digested: the
 *   substituted template with `password`'s length (a 1 KiB `{PASSWORD}` template and a long password cost tens of
 *   ms); without `password`, the template alone. LDAP and the other digest formats cost microseconds: `0`.
 * - A hash the verifiers reject before any work (unknown format, malformed, over the parameter bounds) costs
 *   nothing: `0`. So does any value that is not a string.
 *
 * Never throws. The result is finite and ≥ 0.
 */
export function estimateVerifyCost(hash: unknown, password?: string): number {
  if (typeof hash !== "string") return 0;
  const verifier = findVerifier(hash);
  if (verifier === undefined) return 0;
  try {
    verifier.validate(hash);
  } catch {
    return 0;
  }
  const cost = costOf(verifier.id, hash) ?? 0;
  if (cost !== 0 || !DIGEST_IDS.has(verifier.id)) return cost;
  return digestCost(hash, typeof password === "string" ? password : undefined);
}

/** Verifier ids of the templated-digest and HMAC formats (Kratos's and idkit's extension). */
const DIGEST_IDS: ReadonlySet<string> = new Set(["md5", "sha", "hmac", "digest", "hmac-ext"]);

function costOf(id: string, hash: string): number | undefined {
  switch (id) {
    case "argon2id":
    case "argon2i":
    case "argon2d": {
      const a = tryParse(parseArgon2Hash, hash);
      if (a === undefined) return undefined;
      const passes = a.timeCost - UNIT_MS.argon2FirstPassDiscount;
      return a.memoryCost * passes * UNIT_MS.argon2KibPass * (1 + UNIT_MS.argon2Lane * (a.parallelism - 1));
    }
    case "bcrypt": {
      const b = tryParse(parseBcryptHash, hash);
      return b && 2 ** b.cost * UNIT_MS.bcryptRound;
    }
    case "pbkdf2": {
      const p = tryParse(parsePbkdf2Hash, hash);
      if (p === undefined) return undefined;
      const [ms, digestBytes] = PBKDF2_ITERATION_MS[p.digest] ?? [0.001, 32];
      return p.iterations * Math.ceil(p.hash.length / digestBytes) * ms;
    }
    case "pbkdf2-ext": {
      const p = tryParse(parsePbkdf2ExtHash, hash);
      if (p === undefined) return undefined;
      const [ms, digestBytes] = PBKDF2_ITERATION_MS[p.digest] ?? [0.0005, 32];
      return p.iterations * Math.ceil(p.hash.length / digestBytes) * ms;
    }
    case "bcrypt_sha256": {
      const b = tryParse(parseDjangoBcryptSha256, hash);
      return b && 2 ** b.cost * UNIT_MS.bcryptRound;
    }
    case "bcrypt-peppered": {
      const b = tryParse(parsePepperedBcrypt, hash);
      return b && 2 ** b.cost * UNIT_MS.bcryptRound;
    }
    case "phpass": {
      const p = tryParse(parsePhpass, hash);
      return p && p.rounds * UNIT_MS.phpassRound;
    }
    case "sha512-symfony": {
      const p = tryParse(parseSymfonySha512, hash);
      return p && p.rounds * UNIT_MS.symfonyRound;
    }
    case "scrypt": {
      const s = tryParse(parseScryptHash, hash);
      return s && s.N * s.r * s.p * UNIT_MS.scryptBlock;
    }
    case "firebasescrypt": {
      const s = tryParse(parseFirescryptHash, hash);
      return s && s.N * s.r * s.p * UNIT_MS.scryptBlock;
    }
  }
  const crypt = CRYPT_KIND[id];
  if (crypt === undefined) return 0; // digest-class formats: microseconds
  const [kind, prefix] = crypt;
  if (kind === "md5") return UNIT_MS.md5Crypt;
  const parsed = tryParse((h) => parseCryptBody(kind, h.slice(prefix.length)), hash);
  return parsed && parsed.rounds * (SHA_CRYPT_ROUND_MS[kind] ?? 0);
}
