/**
 * Validating an imported hash (`validateImportedHash`: find the format, check its syntax and cost bounds, run no
 * hashing), per format, against a plain regular expression test of the same string ("raw": the cheapest syntax
 * check one could write for that format, without cost bounds), in the same run.
 *
 * Figures per format: `<format>_validate_us` (per call, median of interleaved rounds), `<format>_raw_us` and
 * `<format>_ratio` (validate ÷ raw, median of per-round ratios). Goal: bcrypt ≤ 0.5 µs; every bulk-import format
 * a small multiple of its regex. `dispatch_<format>_us`: `findVerifier` alone.
 */
import { findVerifier, validateImportedHash } from "../src/credentials/password/verify-password.js";
import { check, compare, hashVector, round } from "./util.js";

interface Case {
  key: string;
  hash: string;
  /** The raw reference: a regular expression of the format's syntax (no bounds, no trailing-bit checks). */
  raw: RegExp;
}

const B64 = "[A-Za-z0-9+/]";
const CRYPT = "[./0-9A-Za-z]";

const CASES: readonly Case[] = [
  { key: "bcrypt", hash: hashVector("$2a$").hash, raw: new RegExp(`^\\$2[abzy]?\\$\\d\\d\\$${CRYPT}{53}$`) },
  {
    key: "argon2id",
    hash: hashVector("$argon2id$").hash,
    raw: new RegExp(`^\\$argon2id\\$v=19\\$m=\\d+,t=\\d+,p=\\d+\\$${B64}+\\$${B64}+$`),
  },
  {
    key: "argon2i",
    hash: hashVector("$argon2i$").hash,
    raw: new RegExp(`^\\$argon2i\\$v=19\\$m=\\d+,t=\\d+,p=\\d+\\$${B64}+\\$${B64}+$`),
  },
  {
    key: "pbkdf2_sha256",
    hash: hashVector("$pbkdf2-sha256$").hash,
    raw: new RegExp(`^\\$pbkdf2-sha\\d+\\$i=\\d+,l=\\d+\\$${B64}+\\$${B64}+$`),
  },
  {
    key: "pbkdf2_sha2_384",
    hash: "$pbkdf2-sha2-384$i=100000,l=48$MfjFC8uwXKwMRB2o$7aGnFU2RbDRoWF2mSYWt90dwCq3f01WrBIF/7XpKUXWcfY6wAl1CuzrOFF0gVRaO",
    raw: new RegExp(`^\\$pbkdf2-sha2-384\\$i=\\d+,l=\\d+\\$${B64}+\\$${B64}+$`),
  },
  {
    key: "scrypt",
    hash: hashVector("$scrypt$").hash,
    raw: new RegExp(`^\\$scrypt\\$ln=\\d+,r=\\d+,p=\\d+\\$${B64}+=*\\$${B64}+=*$`),
  },
  {
    key: "firescrypt",
    hash: hashVector("$firescrypt$").hash,
    raw: new RegExp(`^\\$firescrypt\\$ln=\\d+,r=\\d+,p=\\d+(?:\\$${B64}+=*){4}$`),
  },
  { key: "ssha", hash: hashVector("{SSHA}").hash, raw: new RegExp(`^\\{SSHA\\}${B64}+=*$`) },
  { key: "ssha512", hash: hashVector("{SSHA512}").hash, raw: new RegExp(`^\\{SSHA512\\}${B64}+=*$`) },
  {
    key: "sha256_pf",
    hash: hashVector("$sha256$").hash,
    raw: new RegExp(`^\\$sha256\\$pf=${B64}+=*\\$${B64}*=*\\$${B64}+=*$`),
  },
  { key: "md5", hash: hashVector("$md5$CY9").hash, raw: new RegExp(`^\\$md5\\$${B64}+=*$`) },
  {
    key: "hmac_sha256",
    hash: hashVector("$hmac-sha256$").hash,
    raw: new RegExp(`^\\$hmac-sha256\\$${B64}+=*\\$${B64}*=*$`),
  },
  {
    key: "md5_crypt",
    hash: hashVector("$md5-crypt$").hash,
    raw: new RegExp(`^\\$md5-crypt\\$${CRYPT}{0,8}\\$${CRYPT}{22}$`),
  },
  {
    key: "sha512_crypt",
    hash: hashVector("$sha512-crypt$").hash,
    raw: new RegExp(`^\\$sha512-crypt\\$(?:rounds=\\d+\\$)?${CRYPT}{0,16}\\$${CRYPT}{86}$`),
  },
  {
    key: "sha512_crypt_mcf",
    hash: hashVector("$sha512-crypt$").hash.replace("$sha512-crypt$", "$6$"),
    raw: new RegExp(`^\\$6\\$(?:rounds=\\d+\\$)?${CRYPT}{0,16}\\$${CRYPT}{86}$`),
  },
  { key: "phpass", hash: "$P$BLa0EdsApXfoVvBEn3zxwFGb3NBFzK1", raw: new RegExp(`^\\$[PH]\\$${CRYPT}{31}$`) },
];

/**
 * Runs every case: validate against the raw regex, interleaved; then `findVerifier` alone for a few formats.
 * Each round times 20,000 calls of each side.
 */
export async function hashValidateBenchmark(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const options = { rounds: 9, calls: 20_000, warmup: 50_000 };
  for (const { key, hash, raw } of CASES) {
    check(raw.test(hash), `${key}: the raw regex accepts the sample`);
    check(findVerifier(hash) !== undefined, `${key}: a verifier handles the sample`);
    validateImportedHash(hash); // throws (and fails the bench) when the sample is not a valid hash
    let sink = 0;
    const result = await compare(
      {
        sync: true,
        run: () => {
          validateImportedHash(hash);
          sink++;
        },
      },
      {
        sync: true,
        run: () => {
          if (raw.test(hash)) sink++;
        },
      },
      options,
    );
    check(sink > 0, "the loops ran");
    out[`${key}_validate_us`] = round(result.aMs * 1000);
    out[`${key}_raw_us`] = round(result.bMs * 1000);
    out[`${key}_ratio`] = round(result.ratio, 2);
  }
  for (const { key, hash, raw } of CASES.filter((c) => ["bcrypt", "argon2id", "ssha"].includes(c.key))) {
    const result = await compare(
      { sync: true, run: () => findVerifier(hash) },
      { sync: true, run: () => raw.test(hash) },
      options,
    );
    out[`dispatch_${key}_us`] = round(result.aMs * 1000);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    JSON.stringify({ bench: "hash_validate", node: process.version, ...(await hashValidateBenchmark()) }),
  );
}
