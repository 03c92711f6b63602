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

/**
 * PBKDF2 (RFC 8018) with HMAC-MD4, for Auth0's `$pbkdf2-md4$` imports: Node's OpenSSL 3 has no MD4 outside the
 * legacy provider, so MD4 (RFC 1320) is computed here, in the crypt worker pool. The HMAC's inner and outer key
 * blocks are compressed once; each iteration then costs two compressions. Returns the derived key in base64.
 */
export function pbkdf2Md4Key(
  _deps: CryptDeps,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  keyLength: number,
): string {
  const S = [3, 7, 11, 19, 3, 5, 9, 13, 3, 9, 11, 15];
  const R2 = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];
  const R3 = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];
  const x = new Int32Array(16);
  const compress = (h: Int32Array, block: Uint8Array, at: number): void => {
    for (let j = 0; j < 16; j++) {
      const o = at + j * 4;
      x[j] =
        (block[o] as number) |
        ((block[o + 1] as number) << 8) |
        ((block[o + 2] as number) << 16) |
        ((block[o + 3] as number) << 24);
    }
    let a = h[0] as number;
    let b = h[1] as number;
    let c = h[2] as number;
    let d = h[3] as number;
    for (let j = 0; j < 48; j++) {
      const round = j >> 4;
      const k = round === 0 ? j : round === 1 ? (R2[j & 15] as number) : (R3[j & 15] as number);
      const f = round === 0 ? (b & c) | (~b & d) : round === 1 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const add = round === 0 ? 0 : round === 1 ? 0x5a827999 : 0x6ed9eba1;
      const s = S[round * 4 + (j & 3)] as number;
      const t = (a + f + (x[k] as number) + add) | 0;
      const rotated = (t << s) | (t >>> (32 - s));
      a = d;
      d = c;
      c = b;
      b = rotated;
    }
    h[0] = ((h[0] as number) + a) | 0;
    h[1] = ((h[1] as number) + b) | 0;
    h[2] = ((h[2] as number) + c) | 0;
    h[3] = ((h[3] as number) + d) | 0;
  };
  /** MD4 of `message`, continuing from `state` after `prefix` bytes already compressed. */
  const finish = (state: Int32Array, prefix: number, message: Uint8Array): Uint8Array => {
    const h = Int32Array.from(state);
    const total = prefix + message.length;
    const padded = new Uint8Array((((message.length + 8) >> 6) + 1) * 64);
    padded.set(message);
    padded[message.length] = 0x80;
    const bits = total * 8;
    const end = padded.length - 8;
    for (let i = 0; i < 4; i++) padded[end + i] = (bits >>> (8 * i)) & 0xff;
    const high = Math.floor(bits / 0x100000000);
    for (let i = 0; i < 4; i++) padded[end + 4 + i] = (high >>> (8 * i)) & 0xff;
    for (let at = 0; at < padded.length; at += 64) compress(h, padded, at);
    const out = new Uint8Array(16);
    for (let i = 0; i < 16; i++) out[i] = ((h[i >> 2] as number) >>> (8 * (i & 3))) & 0xff;
    return out;
  };
  const IV = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476);
  const key = new Uint8Array(64);
  key.set(password.length > 64 ? finish(IV, 0, password) : password);
  const pad = (byte: number): Int32Array => {
    const block = key.map((k) => k ^ byte);
    const h = Int32Array.from(IV);
    compress(h, block, 0);
    return h;
  };
  const inner = pad(0x36);
  const outer = pad(0x5c);
  const hmac = (message: Uint8Array): Uint8Array => finish(outer, 64, finish(inner, 64, message));
  const out = new Uint8Array(keyLength);
  for (let block = 1, done = 0; done < keyLength; block++, done += 16) {
    const first = new Uint8Array(salt.length + 4);
    first.set(salt);
    first.set(
      [(block >>> 24) & 0xff, (block >>> 16) & 0xff, (block >>> 8) & 0xff, block & 0xff],
      salt.length,
    );
    let u = hmac(first);
    const t = Uint8Array.from(u);
    for (let i = 1; i < iterations; i++) {
      u = hmac(u);
      for (let j = 0; j < 16; j++) t[j] = (t[j] as number) ^ (u[j] as number);
    }
    out.set(t.subarray(0, Math.min(16, keyLength - done)), done);
  }
  key.fill(0);
  return Buffer.from(out).toString("base64");
}
