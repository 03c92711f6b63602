import type { HashVerifier } from "../../hash-verifier.js";

/** Verifiers for legacy formats (md5, sha, ssha, hmac, crypt family, LDAP). Filled in by the legacy module. */
export const LEGACY_VERIFIERS: readonly HashVerifier[] = [];
