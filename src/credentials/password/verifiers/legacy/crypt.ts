import { constantTimeEqual } from "../../encoding.js";
import type { HashVerifier } from "../../hash-verifier.js";
import { allCrypt64 } from "../syntax.js";
import { type CryptPool, defaultCryptPool } from "./crypt-pool.js";
import { defineLegacyVerifier, malformed, outOfBounds } from "./legacy-verifier.js";

/** Highest SHA-crypt `rounds=` idkit verifies (Kratos has no bound; the spec allows 999,999,999). */
export const SHA_CRYPT_MAX_ROUNDS = 1_000_000;
/**
 * Most SHA-crypt work a verification may cost: rounds × max(password bytes, {@link SHA_CRYPT_MIN_WORK_BYTES}).
 * Every round hashes the password once or twice, so the cost grows with its length: 1,000,000 rounds take about
 * 2.5 s with a short password and about 12 s with a 4096-byte one. Passwords of up to 256 bytes verify at any
 * accepted rounds; a longer one only while rounds × its length stays within the bound (at passlib's 656,000
 * rounds: up to 390 bytes), otherwise `verify` is `false` without hashing.
 */
export const SHA_CRYPT_MAX_WORK = 256_000_000;
/** Password length below which SHA-crypt's cost no longer depends on it, in bytes. */
export const SHA_CRYPT_MIN_WORK_BYTES = 256;
const SHA_CRYPT_MIN_ROUNDS = 1000;
const SHA_CRYPT_DEFAULT_ROUNDS = 5000;

type Kind = "md5" | "sha256" | "sha512";
type ParsedCrypt = { salt: string; rounds: number; checksum: string };

const SALT_MAX: Readonly<Record<Kind, number>> = { md5: 8, sha256: 16, sha512: 16 };
const CHECKSUM_LENGTH: Readonly<Record<Kind, number>> = { md5: 22, sha256: 43, sha512: 86 };
const CRYPT64 = /^[./0-9A-Za-z]*$/;

/** True for a non-empty string of ASCII digits (a linear scan: the field may be long and hostile). */
function isDecimal(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Parses what follows the `$<id>$` prefix of a crypt hash: `<salt>$<checksum>`, or for SHA-crypt also
 * `rounds=<N>$<salt>$<checksum>`. Rounds below 1000 are raised to 1000 (Drepper's spec).
 *
 * @throws IdentityError `hash_parameters_out_of_bounds` for rounds over {@link SHA_CRYPT_MAX_ROUNDS} (checked
 * first), `unsupported_hash` for anything malformed.
 */
export function parseCryptBody(kind: Kind, body: string): ParsedCrypt {
  const parts = body.split("$", 4);
  let rounds = SHA_CRYPT_DEFAULT_ROUNDS;
  if (kind !== "md5" && parts.length === 3) {
    const param = parts.shift()!;
    const digits = param.startsWith("rounds=") ? param.slice("rounds=".length) : "";
    if (!isDecimal(digits)) throw malformed("sha-crypt parameter must be rounds=<N>");
    rounds = Number(digits);
    if (rounds > SHA_CRYPT_MAX_ROUNDS)
      throw outOfBounds(`sha-crypt rounds must be at most ${SHA_CRYPT_MAX_ROUNDS}`);
    rounds = Math.max(rounds, SHA_CRYPT_MIN_ROUNDS);
  }
  if (parts.length !== 2) throw malformed(`${kind}-crypt hash must be <salt>$<checksum>`);
  const [salt, checksum] = parts as [string, string];
  if (salt.length > SALT_MAX[kind] || !CRYPT64.test(salt)) {
    throw malformed(`${kind}-crypt salt must be at most ${SALT_MAX[kind]} characters of ./0-9A-Za-z`);
  }
  if (checksum.length !== CHECKSUM_LENGTH[kind] || !CRYPT64.test(checksum)) {
    throw malformed(`${kind}-crypt checksum must be ${CHECKSUM_LENGTH[kind]} characters of ./0-9A-Za-z`);
  }
  return { salt, rounds, checksum };
}

/**
 * Whether `hash` is `prefix` followed by a body {@link parseCryptBody} accepts, checked without splitting or
 * slicing (false sends it to the parser: a rounds value over 7 digits, for instance).
 */
function isValidCrypt(kind: Kind, prefix: string, hash: string): boolean {
  if (typeof hash !== "string" || !hash.startsWith(prefix)) return false;
  let start = prefix.length;
  let dollar = hash.indexOf("$", start);
  if (dollar < 0) return false;
  if (kind !== "md5" && hash.startsWith("rounds=", start)) {
    const digits = dollar - start - 7;
    if (digits < 1 || digits > 7) return false;
    let rounds = 0;
    for (let i = start + 7; i < dollar; i++) {
      const c = hash.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return false;
      rounds = rounds * 10 + c;
    }
    if (rounds > SHA_CRYPT_MAX_ROUNDS) return false;
    start = dollar + 1;
    dollar = hash.indexOf("$", start);
    if (dollar < 0) return false;
  }
  const end = hash.length;
  if (dollar - start > SALT_MAX[kind] || end - dollar - 1 !== CHECKSUM_LENGTH[kind]) return false;
  return allCrypt64(hash, start, dollar) && allCrypt64(hash, dollar + 1, end);
}

function cryptVerifier(
  id: string,
  prefix: string,
  kind: Kind,
  pool: (() => CryptPool) | CryptPool,
): HashVerifier {
  return defineLegacyVerifier<ParsedCrypt>({
    id,
    pattern: new RegExp(`^${prefix.replaceAll("$", "\\$")}`),
    parse: (hash) => parseCryptBody(kind, hash.slice(prefix.length)),
    isValid: (hash) => isValidCrypt(kind, prefix, hash),
    async check(password, { salt, rounds, checksum }) {
      if (kind !== "md5" && rounds * Math.max(password.length, SHA_CRYPT_MIN_WORK_BYTES) > SHA_CRYPT_MAX_WORK)
        return false;
      const job = { kind, password, salt: Buffer.from(salt, "latin1"), rounds };
      const actual = await (typeof pool === "function" ? pool() : pool).run(job);
      return constantTimeEqual(Buffer.from(actual, "latin1"), Buffer.from(checksum, "latin1"));
    },
  });
}

/** Options of {@link createCryptVerifiers}. */
export interface CryptVerifiersOptions {
  /**
   * Where the checksums are computed.
   * @default the process-wide pool of {@link defaultCryptPool}, created on first verification
   */
  pool?: CryptPool;
}

/** The crypt(3) family verifiers, by id. */
export interface CryptVerifiers {
  /** Kratos `$md5-crypt$<salt>$<checksum>` (read as `$1$`); the salt may be empty but must be present. */
  md5crypt: HashVerifier;
  /** Kratos `$sha256-crypt$[rounds=N$]<salt>$<checksum>` (read as `$5$`). */
  sha256crypt: HashVerifier;
  /** Kratos `$sha512-crypt$[rounds=N$]<salt>$<checksum>` (read as `$6$`). */
  sha512crypt: HashVerifier;
  /** Stock `$1$` MD5-crypt (not dispatched by Kratos). */
  md5cryptMcf: HashVerifier;
  /** Stock `$5$` SHA-256-crypt (Kratos answers "unknown hash algorithm"). */
  sha256cryptMcf: HashVerifier;
  /** Stock `$6$` SHA-512-crypt (Kratos answers "unknown hash algorithm"). */
  sha512cryptMcf: HashVerifier;
}

/**
 * Creates the MD5-crypt and SHA-crypt verifiers (Kratos's renamed prefixes and the stock `$1$`/`$5$`/`$6$` ones).
 * `validate` never hashes; `verify` computes in the crypt worker pool, so even 656,000 rounds leave the event
 * loop free. SHA-crypt rounds over {@link SHA_CRYPT_MAX_ROUNDS} are `hash_parameters_out_of_bounds`; a password
 * that would take the work over {@link SHA_CRYPT_MAX_WORK} does not verify (`false`, without hashing).
 */
export function createCryptVerifiers(options: CryptVerifiersOptions = {}): CryptVerifiers {
  const pool = options.pool ?? defaultCryptPool;
  return Object.freeze({
    md5crypt: cryptVerifier("md5crypt", "$md5-crypt$", "md5", pool),
    sha256crypt: cryptVerifier("sha256crypt", "$sha256-crypt$", "sha256", pool),
    sha512crypt: cryptVerifier("sha512crypt", "$sha512-crypt$", "sha512", pool),
    md5cryptMcf: cryptVerifier("md5crypt-mcf", "$1$", "md5", pool),
    sha256cryptMcf: cryptVerifier("sha256crypt-mcf", "$5$", "sha256", pool),
    sha512cryptMcf: cryptVerifier("sha512crypt-mcf", "$6$", "sha512", pool),
  });
}
