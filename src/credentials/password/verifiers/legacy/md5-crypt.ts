import type { CryptDeps } from "./crypt64.js";

/**
 * The MD5-crypt (`$1$`, Poul-Henning Kamp's FreeBSD algorithm) checksum: the 22 crypt64 characters after the salt.
 * `salt` is the raw salt text (at most 8 characters, already cut at `$`).
 *
 * MUST stay self-contained (no reference outside its body and `deps`): its source text is serialised into the crypt
 * worker.
 */
export function md5CryptChecksum(deps: CryptDeps, password: Uint8Array, salt: Uint8Array): string {
  const { createHash, crypt64Encode } = deps;
  const b = createHash("md5").update(password).update(salt).update(password).digest();
  const ctx = createHash("md5").update(password).update("$1$").update(salt);
  for (let n = password.length; n > 0; n -= 16) ctx.update(b.subarray(0, Math.min(16, n)));
  // PHK's quirk: for each bit of the length, a NUL byte for 1 and the first password byte for 0.
  for (let i = password.length; i > 0; i >>>= 1)
    ctx.update((i & 1) !== 0 ? new Uint8Array(1) : password.subarray(0, 1));
  let a = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const round = createHash("md5");
    round.update((i & 1) !== 0 ? password : a);
    if (i % 3 !== 0) round.update(salt);
    if (i % 7 !== 0) round.update(password);
    round.update((i & 1) !== 0 ? a : password);
    a = round.digest();
  }
  return crypt64Encode(a, [12, 6, 0, 13, 7, 1, 14, 8, 2, 15, 9, 3, 5, 10, 4, 11]);
}
