import type { CryptDeps } from "./crypt64.js";

/**
 * The SHA-crypt checksum (Ulrich Drepper, "Unix crypt using SHA-256 and SHA-512"): 43 (`sha256`) or 86 (`sha512`)
 * crypt64 characters. `salt` is at most 16 characters and `rounds` the effective count (already clamped to ≥ 1000
 * when `rounds=` was given); the caller bounds both.
 *
 * MUST stay self-contained (no reference outside its body and `deps`): its source text is serialised into the crypt
 * worker.
 */
export function shaCryptChecksum(
  deps: CryptDeps,
  algorithm: "sha256" | "sha512",
  password: Uint8Array,
  salt: Uint8Array,
  rounds: number,
): string {
  const { createHash, crypt64Encode } = deps;
  const size = algorithm === "sha256" ? 32 : 64;
  const b = createHash(algorithm).update(password).update(salt).update(password).digest();
  const ctxA = createHash(algorithm).update(password).update(salt);
  for (let n = password.length; n > 0; n -= size) ctxA.update(b.subarray(0, Math.min(size, n)));
  for (let i = password.length; i > 0; i >>>= 1) ctxA.update((i & 1) !== 0 ? b : password);
  let a = ctxA.digest();

  const ctxP = createHash(algorithm);
  for (let i = 0; i < password.length; i++) ctxP.update(password);
  const dp = ctxP.digest();
  const p = Buffer.alloc(password.length);
  for (let i = 0; i < p.length; i += size) dp.copy(p, i, 0, Math.min(size, p.length - i));

  const ctxS = createHash(algorithm);
  for (let i = 0; i < 16 + (a[0] as number); i++) ctxS.update(salt);
  const s = ctxS.digest().subarray(0, salt.length);

  for (let i = 0; i < rounds; i++) {
    const round = createHash(algorithm);
    round.update((i & 1) !== 0 ? p : a);
    if (i % 3 !== 0) round.update(s);
    if (i % 7 !== 0) round.update(p);
    round.update((i & 1) !== 0 ? a : p);
    a = round.digest();
  }
  const order =
    algorithm === "sha256"
      ? [
          20, 10, 0, 11, 1, 21, 2, 22, 12, 23, 13, 3, 14, 4, 24, 5, 25, 15, 26, 16, 6, 17, 7, 27, 8, 28, 18,
          29, 19, 9, 30, 31,
        ]
      : [
          42, 21, 0, 1, 43, 22, 23, 2, 44, 45, 24, 3, 4, 46, 25, 26, 5, 47, 48, 27, 6, 7, 49, 28, 29, 8, 50,
          51, 30, 9, 10, 52, 31, 32, 11, 53, 54, 33, 12, 13, 55, 34, 35, 14, 56, 57, 36, 15, 16, 58, 37, 38,
          17, 59, 60, 39, 18, 19, 61, 40, 41, 20, 62, 63,
        ];
  return crypt64Encode(a, order);
}
