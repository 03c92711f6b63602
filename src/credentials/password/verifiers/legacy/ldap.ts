import { createHash } from "node:crypto";
import { constantTimeEqual, decodeBase64Padded } from "../../encoding.js";
import { paddedBytes } from "../syntax.js";
import { defineLegacyVerifier, malformed } from "./legacy-verifier.js";
import { checkSaltedDigest, isValidSaltedDigestAt, parseSaltedDigest, type SaltedDigest } from "./ssha.js";

/** Parses `{<tag>}<B64 digest>` (`{MD5}`, `{SHA}`): lenient padded base64 of exactly `length` bytes. */
export function parseUnsaltedLdap(hash: string, tag: string, length: number): Buffer {
  const digest = decodeBase64Padded(hash.slice(tag.length + 2));
  if (digest === undefined) throw malformed(`{${tag}} digest is not padded base64`);
  if (digest.length !== length) throw malformed(`{${tag}} digest must be ${length} bytes`);
  return digest;
}

function unsaltedLdapVerifier(id: string, tag: string, algorithm: string, length: number) {
  const head = `{${tag}}`;
  return defineLegacyVerifier<Buffer>({
    id,
    pattern: new RegExp(`^\\{${tag}\\}`),
    isValid: (hash) =>
      typeof hash === "string" &&
      hash.startsWith(head) &&
      paddedBytes(hash, head.length, hash.length, false) === length,
    parse: (hash) => parseUnsaltedLdap(hash, tag, length),
    check: (password, digest) => constantTimeEqual(createHash(algorithm).update(password).digest(), digest),
  });
}

/** RFC 2307 `{MD5}<B64 MD5(password)>` (not in Kratos; OpenLDAP, passlib `ldap_md5`). */
export const ldapMd5Verifier = unsaltedLdapVerifier("ldap-md5", "MD5", "md5", 16);

/** RFC 2307 `{SHA}<B64 SHA-1(password)>` (not in Kratos; OpenLDAP, passlib `ldap_sha1`). */
export const ldapShaVerifier = unsaltedLdapVerifier("ldap-sha", "SHA", "sha1", 20);

/**
 * RFC 2307 `{SMD5}<B64(MD5(password ‖ salt) ‖ salt)>` (not in Kratos; passlib `ldap_salted_md5`); salt ≥ 1 byte,
 * lenient padded base64, as Kratos does for `{SSHA}`.
 */
export const ldapSmd5Verifier = defineLegacyVerifier<SaltedDigest>({
  id: "ldap-smd5",
  pattern: /^\{SMD5\}/,
  parse: (hash) => parseSaltedDigest(hash.slice("{SMD5}".length), "md5", 16),
  isValid: (hash) =>
    typeof hash === "string" && hash.startsWith("{SMD5}") && isValidSaltedDigestAt(hash, 6, 16),
  check: checkSaltedDigest,
});
