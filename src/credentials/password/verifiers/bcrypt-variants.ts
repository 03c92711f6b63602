import { createHash } from "node:crypto";
import { constantTimeEqual, decodeBase64Strict } from "../encoding.js";
import type { HashVerifier } from "../hash-verifier.js";
import { MAX_SALT_BYTES } from "../limits.js";
import { loadBcrypt } from "../native.js";
import { type BcryptHash, isValidBcryptAt, parseBcryptHash } from "./bcrypt.js";
import { malformed, outOfBounds, tryParse } from "./hash-params.js";
import { paddedBytes } from "./syntax.js";

/** bcrypt of `password` (a string or bytes) with the parsed hash's salt and cost, compared in constant time. */
async function bcryptMatches(password: string | Buffer, parsed: BcryptHash): Promise<boolean> {
  const { hash } = await loadBcrypt();
  const computed = await hash(password, { salt: parsed.salt, cost: parsed.cost, version: "2b" });
  return constantTimeEqual(Buffer.from(computed.slice(-31)), Buffer.from(parsed.encodedHash));
}

const DJANGO = "bcrypt_sha256$";

/**
 * Parses Django's `bcrypt_sha256$<bcrypt hash>` (`BCryptSHA256PasswordHasher`): the bcrypt hash follows the
 * prefix as bcrypt writes it (`$2b$12$…`).
 *
 * @throws IdentityError as `parseBcryptHash`.
 */
export function parseDjangoBcryptSha256(hash: string): BcryptHash {
  if (!hash.startsWith(DJANGO)) throw malformed("bcrypt_sha256", "expected bcrypt_sha256$ and a bcrypt hash");
  return parseBcryptHash(hash.slice(DJANGO.length));
}

/**
 * Django's `bcrypt_sha256` (Clerk's `bcrypt_sha256_django`; passlib's `django_bcrypt_sha256`): bcrypt of the
 * lowercase hex SHA-256 of the UTF-8 password, so passwords over 72 bytes count in full. Cost ≤ 15, as bcrypt.
 */
export const djangoBcryptSha256Verifier: HashVerifier = Object.freeze({
  id: "bcrypt_sha256",
  matches: (hash: string) => typeof hash === "string" && hash.startsWith(DJANGO),
  validate(hash: string): void {
    if (!(typeof hash === "string" && hash.startsWith(DJANGO) && isValidBcryptAt(hash, DJANGO.length)))
      parseDjangoBcryptSha256(hash);
  },
  async verify(password: string, hash: string): Promise<boolean> {
    const parsed = tryParse(parseDjangoBcryptSha256, hash);
    if (parsed === undefined) return false;
    return bcryptMatches(createHash("sha256").update(password, "utf8").digest("hex"), parsed);
  },
});

const PEPPERED = "$bcrypt-peppered$";

/** A parsed peppered bcrypt hash. */
export interface PepperedBcryptHash extends BcryptHash {
  pepper: Buffer;
}

/**
 * Parses `$bcrypt-peppered$<B64 pepper>$<bcrypt hash>` (idkit's layout of Clerk's `bcrypt_peppered`, Devise's
 * `pepper`): strict padded base64, the pepper at most 1024 bytes, then a bcrypt hash (cost ≤ 15).
 *
 * @throws IdentityError `unsupported_hash` when malformed, `hash_parameters_out_of_bounds` when over the bounds.
 */
export function parsePepperedBcrypt(hash: string): PepperedBcryptHash {
  if (!hash.startsWith(PEPPERED)) throw malformed("bcrypt-peppered", "expected $bcrypt-peppered$");
  const rest = hash.slice(PEPPERED.length);
  const at = rest.indexOf("$");
  if (at < 0) throw malformed("bcrypt-peppered", "expected $bcrypt-peppered$<pepper>$<bcrypt hash>");
  if (at > 4 * MAX_SALT_BYTES)
    throw outOfBounds("bcrypt-peppered", `the pepper is over ${MAX_SALT_BYTES} bytes`);
  const pepper = decodeBase64Strict(rest.slice(0, at));
  if (pepper === undefined) throw malformed("bcrypt-peppered", "the pepper is not strict padded base64");
  if (pepper.length > MAX_SALT_BYTES)
    throw outOfBounds("bcrypt-peppered", `the pepper is over ${MAX_SALT_BYTES} bytes`);
  return { ...parseBcryptHash(rest.slice(at)), pepper };
}

/** Whether {@link parsePepperedBcrypt} accepts `hash`, checked without decoding (false sends it to the parser). */
function isValidPepperedBcrypt(hash: string): boolean {
  if (typeof hash !== "string" || !hash.startsWith(PEPPERED)) return false;
  const at = hash.indexOf("$", PEPPERED.length);
  if (at < 0 || at - PEPPERED.length > 4 * MAX_SALT_BYTES) return false;
  const bytes = paddedBytes(hash, PEPPERED.length, at, true);
  return bytes >= 0 && bytes <= MAX_SALT_BYTES && isValidBcryptAt(hash, at);
}

/** bcrypt of the UTF-8 password followed by a pepper (Devise's `pepper`, Clerk's `bcrypt_peppered`). */
export const pepperedBcryptVerifier: HashVerifier = Object.freeze({
  id: "bcrypt-peppered",
  matches: (hash: string) => typeof hash === "string" && hash.startsWith(PEPPERED),
  validate(hash: string): void {
    if (!isValidPepperedBcrypt(hash)) parsePepperedBcrypt(hash);
  },
  async verify(password: string, hash: string): Promise<boolean> {
    const parsed = tryParse(parsePepperedBcrypt, hash);
    if (parsed === undefined) return false;
    return bcryptMatches(Buffer.concat([Buffer.from(password, "utf8"), parsed.pepper]), parsed);
  },
});
