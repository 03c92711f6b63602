/**
 * The hash validation of idkit before its fast path (commit 2e761bd), kept as the oracle of
 * `hash-validate-fast.test.ts`: every verifier's `validate` was its full parser (the one `verify` still uses), the
 * legacy ones behind their prefix test, and `findVerifier` dispatched with a head regex. The parsers themselves are
 * imported (they are unchanged and are what verification runs); only the glue that `validate` and `findVerifier`
 * used to be is copied here.
 */

import type { HashVerifier } from "../src/credentials/password/hash-verifier.js";
import { MAX_HASH_LENGTH } from "../src/credentials/password/limits.js";
import { parseArgon2Hash } from "../src/credentials/password/verifiers/argon2.js";
import { parseBcryptHash } from "../src/credentials/password/verifiers/bcrypt.js";
import {
  parseDjangoBcryptSha256,
  parsePepperedBcrypt,
} from "../src/credentials/password/verifiers/bcrypt-variants.js";
import { parseFirescryptHash } from "../src/credentials/password/verifiers/firescrypt.js";
import { malformed } from "../src/credentials/password/verifiers/hash-params.js";
import { parseCryptBody } from "../src/credentials/password/verifiers/legacy/crypt.js";
import { parseDigestExt, parseHmacExt } from "../src/credentials/password/verifiers/legacy/digest-ext.js";
import { parseHmac } from "../src/credentials/password/verifiers/legacy/hmac.js";
import { parseUnsaltedLdap } from "../src/credentials/password/verifiers/legacy/ldap.js";
import { parseMd5 } from "../src/credentials/password/verifiers/legacy/md5.js";
import { parsePhpass, parseSymfonySha512 } from "../src/credentials/password/verifiers/legacy/phpass.js";
import { parseSha } from "../src/credentials/password/verifiers/legacy/sha.js";
import { parseSaltedDigest, parseSsha } from "../src/credentials/password/verifiers/legacy/ssha.js";
import { parsePbkdf2Hash } from "../src/credentials/password/verifiers/pbkdf2.js";
import { parsePbkdf2ExtHash } from "../src/credentials/password/verifiers/pbkdf2-ext.js";
import { parseScryptHash } from "../src/credentials/password/verifiers/scrypt.js";
import { VERIFIERS } from "../src/credentials/password/verify-password.js";
import { IdentityError } from "../src/errors/index.js";

type Validate = (hash: string) => void;

/** The old argon2 `validate`: the parser, then the variant of the verifier. */
const argon2 =
  (variant: string): Validate =>
  (hash) => {
    const parsed = parseArgon2Hash(hash);
    if (parsed.variant !== variant) throw malformed(variant, "variant mismatch");
  };

/** The old `defineLegacyVerifier` `validate`: the prefix test, then the parser. */
const legacy =
  (id: string, parse: Validate): Validate =>
  (hash) => {
    const verifier = VERIFIERS.find((v) => v.id === id) as HashVerifier;
    if (!verifier.matches(hash)) throw new IdentityError("unsupported_hash", { reason: `not a ${id} hash` });
    parse(hash);
  };

const crypt = (id: string, prefix: string, kind: "md5" | "sha256" | "sha512"): Validate =>
  legacy(id, (hash) => parseCryptBody(kind, hash.slice(prefix.length)));

/** The old `validate` of every verifier, by id. */
export const OLD_VALIDATE: Readonly<Record<string, Validate>> = {
  bcrypt: parseBcryptHash,
  argon2id: argon2("argon2id"),
  argon2i: argon2("argon2i"),
  argon2d: argon2("argon2d"),
  pbkdf2: parsePbkdf2Hash,
  scrypt: parseScryptHash,
  firebasescrypt: parseFirescryptHash,
  "pbkdf2-ext": parsePbkdf2ExtHash,
  bcrypt_sha256: parseDjangoBcryptSha256,
  "bcrypt-peppered": parsePepperedBcrypt,
  md5crypt: crypt("md5crypt", "$md5-crypt$", "md5"),
  sha256crypt: crypt("sha256crypt", "$sha256-crypt$", "sha256"),
  sha512crypt: crypt("sha512crypt", "$sha512-crypt$", "sha512"),
  ssha: legacy("ssha", parseSsha),
  sha: legacy("sha", parseSha),
  md5: legacy("md5", parseMd5),
  hmac: legacy("hmac", parseHmac),
  "md5crypt-mcf": crypt("md5crypt-mcf", "$1$", "md5"),
  "sha256crypt-mcf": crypt("sha256crypt-mcf", "$5$", "sha256"),
  "sha512crypt-mcf": crypt("sha512crypt-mcf", "$6$", "sha512"),
  "ldap-md5": legacy("ldap-md5", (hash) => parseUnsaltedLdap(hash, "MD5", 16)),
  "ldap-smd5": legacy("ldap-smd5", (hash) => parseSaltedDigest(hash.slice("{SMD5}".length), "md5", 16)),
  "ldap-sha": legacy("ldap-sha", (hash) => parseUnsaltedLdap(hash, "SHA", 20)),
  digest: parseDigestExt,
  "hmac-ext": parseHmacExt,
  phpass: legacy("phpass", parsePhpass),
  "sha512-symfony": legacy("sha512-symfony", parseSymfonySha512),
};

const HEAD = /^(?:\$[^$]{0,32}\$|\{[A-Z0-9]{1,16}\})/;
const byHead = new Map<string, HashVerifier>();

/** The old `findVerifier`, its head regex and cache included. */
export function oldFindVerifier(hash: string): HashVerifier | undefined {
  if (typeof hash !== "string" || hash.length > MAX_HASH_LENGTH) return undefined;
  const head = HEAD.exec(hash.slice(0, 64))?.[0];
  const cached = head === undefined ? undefined : byHead.get(head);
  if (cached?.matches(hash)) return cached;
  const found = VERIFIERS.find((v) => v.matches(hash));
  if (found && head !== undefined && byHead.size < 256) byHead.set(head, found);
  return found;
}

/** The old `validateImportedHash`. */
export function oldValidateImportedHash(hash: string): void {
  if (typeof hash === "string" && hash.length > MAX_HASH_LENGTH)
    throw new IdentityError("unsupported_hash", {
      reason: `the hash is longer than ${MAX_HASH_LENGTH} characters`,
    });
  const verifier = oldFindVerifier(hash);
  if (verifier === undefined)
    throw new IdentityError("unsupported_hash", {
      reason: "The imported password does not match any known hash format.",
    });
  (OLD_VALIDATE[verifier.id] as Validate)(hash);
}
