import type { CryptDeps } from "./crypt64.js";

/**
 * Iterated-digest checksums computed in the crypt worker pool (thousands of digests per verification).
 * MUST stay self-contained (no reference outside their bodies and `deps`): their source text is serialised into
 * the crypt worker.
 */

/**
 * phpass (`$P$` / `$H$`, WordPress, phpBB): hash = MD5(salt ‖ password), then `rounds` times hash = MD5(hash ‖
 * password); the 16 bytes in phpass's base64 (crypt64, low byte first), 22 characters.
 */
export function phpassChecksum(
  deps: CryptDeps,
  password: Uint8Array,
  salt: Uint8Array,
  rounds: number,
): string {
  const { createHash, crypt64Encode } = deps;
  let hash = createHash("md5").update(salt).update(password).digest();
  for (let i = 0; i < rounds; i++) hash = createHash("md5").update(hash).update(password).digest();
  return crypt64Encode(hash, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
}

/**
 * Symfony's legacy `MessageDigestPasswordEncoder` with SHA-512: salted = password ‖ "{" ‖ salt ‖ "}" (the password
 * alone for an empty salt); digest = SHA-512(salted), then `rounds` − 1 times digest = SHA-512(digest ‖ salted);
 * base64 of the 64 bytes.
 */
export function symfonySha512Checksum(
  deps: CryptDeps,
  password: Uint8Array,
  salt: Uint8Array,
  rounds: number,
): string {
  const { createHash } = deps;
  const open = new Uint8Array([0x7b]);
  const close = new Uint8Array([0x7d]);
  const parts = salt.length === 0 ? [password] : [password, open, salt, close];
  const first = createHash("sha512");
  for (const p of parts) first.update(p);
  let digest = first.digest();
  for (let i = 1; i < rounds; i++) {
    const round = createHash("sha512").update(digest);
    for (const p of parts) round.update(p);
    digest = round.digest();
  }
  return digest.toString("base64");
}
