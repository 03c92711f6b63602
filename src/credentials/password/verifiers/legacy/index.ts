import type { HashVerifier } from "../../hash-verifier.js";
import { createCryptVerifiers } from "./crypt.js";
import { digestExtVerifier, hmacExtVerifier } from "./digest-ext.js";
import { hmacVerifier } from "./hmac.js";
import { ldapMd5Verifier, ldapShaVerifier, ldapSmd5Verifier } from "./ldap.js";
import { md5Verifier } from "./md5.js";
import { phpassVerifier, symfonySha512Verifier } from "./phpass.js";
import { shaVerifier } from "./sha.js";
import { sshaVerifier } from "./ssha.js";

export {
  type CryptVerifiers,
  type CryptVerifiersOptions,
  createCryptVerifiers,
  SHA_CRYPT_MAX_ROUNDS,
} from "./crypt.js";
export {
  type CryptJob,
  type CryptPool,
  type CryptPoolOptions,
  createCryptPool,
  defaultCryptPool,
} from "./crypt-pool.js";
export { digestExtVerifier, hmacExtVerifier } from "./digest-ext.js";
export { hmacVerifier } from "./hmac.js";
export { ldapMd5Verifier, ldapShaVerifier, ldapSmd5Verifier } from "./ldap.js";
export { md5Verifier } from "./md5.js";
export { phpassVerifier, symfonySha512Verifier } from "./phpass.js";
export { shaVerifier } from "./sha.js";
export { sshaVerifier } from "./ssha.js";

const crypt = createCryptVerifiers();

/**
 * Verifiers for legacy formats, in Kratos's dispatch order (`hash/hash_comparator.go`: md5crypt, sha256crypt,
 * sha512crypt, ssha, sha, md5, hmac) followed by idkit's extras: stock `$1$`/`$5$`/`$6$` crypt and the RFC 2307
 * `{MD5}`, `{SMD5}`, `{SHA}` schemes, then the vendor formats of `idkit/migrate` (templated digests and HMACs with
 * more digests and password encodings, phpass, Symfony's SHA-512). No two of them match the same hash. The crypt ones compute in the shared
 * crypt worker pool, started on the first crypt verification.
 */
export const LEGACY_VERIFIERS: readonly HashVerifier[] = Object.freeze([
  crypt.md5crypt,
  crypt.sha256crypt,
  crypt.sha512crypt,
  sshaVerifier,
  shaVerifier,
  md5Verifier,
  hmacVerifier,
  crypt.md5cryptMcf,
  crypt.sha256cryptMcf,
  crypt.sha512cryptMcf,
  ldapMd5Verifier,
  ldapSmd5Verifier,
  ldapShaVerifier,
  digestExtVerifier,
  hmacExtVerifier,
  phpassVerifier,
  symfonySha512Verifier,
]);
