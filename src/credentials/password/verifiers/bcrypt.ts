import { constantTimeEqual } from "../encoding.js";
import type { HashVerifier } from "../hash-verifier.js";
import { loadBcrypt } from "../native.js";
import { checkRange, malformed, tryParse } from "./hash-params.js";
import { allCrypt64, dollarAt } from "./syntax.js";

/** Highest bcrypt cost accepted in a stored hash (Kratos `hash/hash_limits.go`): cost 15 is about 2 s. */
export const BCRYPT_MAX_COST = 15;
/** Lowest cost bcrypt defines. */
export const BCRYPT_MIN_COST = 4;

const FORMAT = "bcrypt";
const PREFIX = /^\$2[abzy]?\$/;
const HEADER = /^\$2[abzy]?\$([0-9]{2})\$/;
const BODY = /^[./A-Za-z0-9]{53}$/;
const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const STD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** A parsed bcrypt hash. */
export interface BcryptHash {
  /** Work factor (log2 of the rounds). */
  cost: number;
  /** The 16 salt bytes. */
  salt: Buffer;
  /** The 31-character encoded hash part, as stored. */
  encodedHash: string;
}

function decodeBcryptBase64(s: string): Buffer {
  let std = "";
  for (const ch of s) std += STD_ALPHABET[BCRYPT_ALPHABET.indexOf(ch)];
  return Buffer.from(std, "base64");
}

function encodeBcryptBase64(bytes: Buffer): string {
  let out = "";
  for (const ch of bytes.toString("base64").replace(/=+$/, ""))
    out += BCRYPT_ALPHABET[STD_ALPHABET.indexOf(ch)];
  return out;
}

/**
 * Parses `$2[abzy]?$NN$<22 salt><31 hash>` (59 characters for `$2$`, 60 otherwise).
 * The cost is read and bounded first, as Kratos does (Go `bcrypt.Cost`), so an overlong cost is reported as out of
 * bounds whatever follows. Like Go, unused trailing bits of the salt are ignored; a hash part with non-zero trailing
 * bits is refused, since Go (which compares the whole encoded string) would never match it.
 *
 * @throws IdentityError `unsupported_hash` when malformed, `hash_parameters_out_of_bounds` when cost > 15.
 */
export function parseBcryptHash(hash: string): BcryptHash {
  const header = HEADER.exec(hash);
  if (header === null) throw malformed(FORMAT, "expected $2a$NN$ followed by salt and hash");
  const cost = Number(header[1]);
  if (cost < BCRYPT_MIN_COST || cost > 31) throw malformed(FORMAT, `cost ${cost} is not in [4, 31]`);
  checkRange(FORMAT, "cost", cost, BCRYPT_MIN_COST, BCRYPT_MAX_COST);
  const body = hash.slice(header[0].length);
  if (!BODY.test(body)) throw malformed(FORMAT, "salt and hash must be 53 bcrypt base64 characters");
  const encodedHash = body.slice(22);
  const raw = decodeBcryptBase64(encodedHash);
  if (encodeBcryptBase64(raw) !== encodedHash) throw malformed(FORMAT, "the hash has non-zero trailing bits");
  return { cost, salt: decodeBcryptBase64(body.slice(0, 22)), encodedHash };
}

/**
 * Whether `hash.slice(from)` is a bcrypt hash {@link parseBcryptHash} accepts, checked without allocating:
 * `$2[abzy]?$NN$`, a cost in [4, 15], 53 characters of `./0-9A-Za-z` whose last has zero trailing bits (its index
 * in the alphabet `./A-Za-z0-9` is a multiple of 4). The salt's unused trailing bits are ignored, as the parser
 * does. Exactly the strings the parser accepts.
 */
export function isValidBcryptAt(hash: string, from: number): boolean {
  if (typeof hash !== "string" || hash.charCodeAt(from) !== 0x24 || hash.charCodeAt(from + 1) !== 0x32)
    return false;
  let at = from + 2;
  const minor = hash.charCodeAt(at);
  if (minor === 0x61 || minor === 0x62 || minor === 0x7a || minor === 0x79) at++; // a b z y
  if (hash.length - at !== 57 || !dollarAt(hash, at) || !dollarAt(hash, at + 3)) return false;
  const tens = hash.charCodeAt(at + 1) - 48;
  const units = hash.charCodeAt(at + 2) - 48;
  if (tens < 0 || tens > 9 || units < 0 || units > 9) return false;
  const cost = tens * 10 + units;
  if (cost < BCRYPT_MIN_COST || cost > BCRYPT_MAX_COST || !allCrypt64(hash, at + 4, at + 57)) return false;
  return (BCRYPT_ALPHABET.indexOf(hash.charAt(at + 56)) & 3) === 0;
}

/**
 * Verifies `$2$`, `$2a$`, `$2b$`, `$2y$` and `$2z$` hashes (`$2x$`, crypt_blowfish's sign-extension bug marker, is
 * not dispatched, like Kratos). The minor version is not interpreted: all are computed as `$2b$` by
 * `@node-rs/bcrypt`, re-hashing with the stored salt and cost and comparing the encoded hash in constant time, as
 * Go's `bcrypt.CompareHashAndPassword` does.
 *
 * Deliberate deviation from Kratos: a password longer than 72 bytes is not an error here. bcrypt's own semantics
 * apply (only the first 72 bytes count), so a hash imported from a system that silently truncated still verifies.
 * Creating bcrypt hashes of such passwords is refused by the bcrypt hasher instead.
 */
export const bcryptVerifier: HashVerifier = Object.freeze({
  id: FORMAT,
  matches: (hash: string) => PREFIX.test(hash),
  validate(hash: string): void {
    if (!isValidBcryptAt(hash, 0)) parseBcryptHash(hash);
  },
  async verify(password: string, hash: string): Promise<boolean> {
    const parsed = tryParse(parseBcryptHash, hash);
    if (parsed === undefined) return false;
    const { hash: bcryptHash } = await loadBcrypt();
    const computed = await bcryptHash(password, { salt: parsed.salt, cost: parsed.cost, version: "2b" });
    return constantTimeEqual(Buffer.from(computed.slice(-31)), Buffer.from(parsed.encodedHash));
  },
});
