import { constantTimeEqual, decodeBase64Strict } from "../../encoding.js";
import { MAX_SALT_BYTES } from "../../limits.js";
import { allCrypt64, crypt64At, DOLLARS, digitsValue, paddedBytes, splitDollars } from "../syntax.js";
import { defaultCryptPool } from "./crypt-pool.js";
import { defineLegacyVerifier, malformed, outOfBounds } from "./legacy-verifier.js";

const ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const CRYPT64 = /^[./0-9A-Za-z]*$/;

/** Highest phpass cost idkit verifies: 2^19 MD5 iterations (passlib's default; WordPress uses 2^13). */
export const PHPASS_MAX_LOG2 = 19;
/** phpass's own lower bound on the cost (its `crypt_private` refuses fewer than 2^7 iterations). */
const PHPASS_MIN_LOG2 = 7;
/**
 * Most iterated-digest work a verification may cost, as iterations × max(password bytes, 256) (each iteration
 * digests the password once): a longer password only verifies while the product stays within it.
 */
export const ITERATED_MAX_WORK = 2 ** PHPASS_MAX_LOG2 * 256;

type ParsedPhpass = { rounds: number; salt: string; checksum: string };

/**
 * Parses `$P$` / `$H$` + one cost character (log2 of the iterations, as its index in `./0-9A-Za-z`) + 8 salt
 * characters + 22 checksum characters (34 in all). The cost is read and bounded first.
 *
 * @throws IdentityError `hash_parameters_out_of_bounds` for a cost over 2^19, `unsupported_hash` otherwise.
 */
export function parsePhpass(hash: string): ParsedPhpass {
  if (hash.length < 4) throw malformed("phpass: the cost character is missing");
  const log2 = ITOA64.indexOf(hash.charAt(3));
  if (log2 < 0) throw malformed("phpass: the cost character is not in ./0-9A-Za-z");
  if (log2 > 30 || log2 < PHPASS_MIN_LOG2) throw malformed(`phpass: cost 2^${log2} is not in [2^7, 2^30]`);
  if (log2 > PHPASS_MAX_LOG2) throw outOfBounds(`phpass: cost 2^${log2} is over 2^${PHPASS_MAX_LOG2}`);
  if (hash.length !== 34 || !CRYPT64.test(hash.slice(4)))
    throw malformed("phpass: expected $P$ + cost + 8 salt and 22 checksum characters of ./0-9A-Za-z");
  return { rounds: 2 ** log2, salt: hash.slice(4, 12), checksum: hash.slice(12) };
}

/** Whether {@link parsePhpass} accepts `hash` (and the pattern matches), checked without slicing. */
function isValidPhpass(hash: string): boolean {
  if (typeof hash !== "string" || hash.length !== 34 || !hash.startsWith("$")) return false;
  const kind = hash.charCodeAt(1);
  if ((kind !== 0x50 && kind !== 0x48) || !hash.startsWith("$", 2)) return false; // P, H
  const log2 = crypt64At(hash, 3);
  return log2 >= PHPASS_MIN_LOG2 && log2 <= PHPASS_MAX_LOG2 && allCrypt64(hash, 4, 34);
}

/**
 * Portable phpass hashes (`$P$`, and phpBB's `$H$`): WordPress, phpBB, Drupal 6 (Clerk's `phpass` and
 * `md5_phpass`). Computed in the crypt worker pool.
 */
export const phpassVerifier = defineLegacyVerifier<ParsedPhpass>({
  id: "phpass",
  pattern: /^\$[PH]\$/,
  parse: parsePhpass,
  isValid: isValidPhpass,
  async check(password, { rounds, salt, checksum }) {
    if (rounds * Math.max(password.length, 256) > ITERATED_MAX_WORK) return false;
    const job = { kind: "phpass" as const, password, salt: Buffer.from(salt, "latin1"), rounds };
    const actual = await defaultCryptPool().run(job);
    return constantTimeEqual(Buffer.from(actual, "latin1"), Buffer.from(checksum, "latin1"));
  },
});

/** Highest iteration count of a Symfony SHA-512 hash (Symfony's default is 5000). */
export const SYMFONY_MAX_ITERATIONS = 100_000;

type ParsedSymfony = { rounds: number; salt: Buffer; digest: Buffer };

/**
 * Parses `$sha512-symfony$i=<iterations>$<B64 salt>$<B64 digest>` (strict padded base64; the salt is the bytes
 * Symfony put between `{` and `}`, possibly empty). Iterations are read and bounded first.
 *
 * @throws IdentityError `hash_parameters_out_of_bounds` for iterations over 100,000 or a salt over 1024 bytes,
 *   `unsupported_hash` otherwise.
 */
export function parseSymfonySha512(hash: string): ParsedSymfony {
  const parts = hash.split("$", 6);
  if (parts.length !== 5) throw malformed("sha512-symfony: expected $sha512-symfony$i=<n>$<salt>$<digest>");
  const it = /^i=([0-9]{1,10})$/.exec(parts[2]!);
  if (it === null) throw malformed("sha512-symfony: parameters must read i=<n>");
  const rounds = Number(it[1]);
  if (rounds < 1) throw malformed("sha512-symfony: i must be at least 1");
  if (rounds > SYMFONY_MAX_ITERATIONS)
    throw outOfBounds(`sha512-symfony: i=${rounds} is over ${SYMFONY_MAX_ITERATIONS}`);
  const salt = decodeBase64Strict(parts[3]!);
  if (salt === undefined) throw malformed("sha512-symfony: salt is not strict padded base64");
  if (salt.length > MAX_SALT_BYTES) throw outOfBounds(`sha512-symfony: salt is over ${MAX_SALT_BYTES} bytes`);
  const digest = decodeBase64Strict(parts[4]!);
  if (digest === undefined || digest.length !== 64)
    throw malformed("sha512-symfony: the digest must be 64 bytes of strict padded base64");
  return { rounds, salt, digest };
}

const SYMFONY = "$sha512-symfony$";

/** Whether {@link parseSymfonySha512} accepts `hash` (and the pattern matches), checked without decoding. */
function isValidSymfonySha512(hash: string): boolean {
  if (typeof hash !== "string" || !hash.startsWith(SYMFONY) || !splitDollars(hash, 4)) return false;
  if (!hash.startsWith("i=", SYMFONY.length)) return false;
  const rounds = digitsValue(hash, SYMFONY.length + 2, DOLLARS[2] as number);
  const salt = paddedBytes(hash, (DOLLARS[2] as number) + 1, DOLLARS[3] as number, true);
  const digest = paddedBytes(hash, (DOLLARS[3] as number) + 1, DOLLARS[4] as number, true);
  return (
    rounds >= 1 && rounds <= SYMFONY_MAX_ITERATIONS && salt >= 0 && salt <= MAX_SALT_BYTES && digest === 64
  );
}

/** Symfony's legacy SHA-512 `MessageDigestPasswordEncoder` (Clerk's `sha512_symfony`), in the crypt worker pool. */
export const symfonySha512Verifier = defineLegacyVerifier<ParsedSymfony>({
  id: "sha512-symfony",
  pattern: /^\$sha512-symfony\$/,
  parse: parseSymfonySha512,
  isValid: isValidSymfonySha512,
  async check(password, { rounds, salt, digest }) {
    if (rounds * Math.max(password.length + salt.length + 2, 256) > SYMFONY_MAX_ITERATIONS * 256)
      return false;
    const actual = await defaultCryptPool().run({ kind: "symfony-sha512", password, salt, rounds });
    return constantTimeEqual(Buffer.from(actual, "base64"), digest);
  },
});
