/**
 * MD4 (RFC 1320) and HMAC-MD4 (RFC 2104) in plain TypeScript, because Node's OpenSSL 3 only offers MD4 through the
 * legacy provider, which is usually not loaded. Only used to verify imported `$hmac-md4$` hashes.
 */

const S = [3, 7, 11, 19, 3, 5, 9, 13, 3, 9, 11, 15] as const;
const ROUND2_ORDER = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15] as const;
const ROUND3_ORDER = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15] as const;

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** The 16-byte MD4 digest of `message`. */
export function md4(message: Uint8Array): Buffer {
  const bitLength = message.length * 8;
  const padded = Buffer.alloc((((message.length + 8) >> 6) + 1) * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  padded.writeUInt32LE(bitLength >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor(bitLength / 0x100000000), padded.length - 4);

  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const x = new Array<number>(16);
  for (let block = 0; block < padded.length; block += 64) {
    for (let j = 0; j < 16; j++) x[j] = padded.readUInt32LE(block + j * 4);
    let [a, b, c, d] = h as [number, number, number, number];
    for (let j = 0; j < 48; j++) {
      const round = j >> 4;
      const k = round === 0 ? j : round === 1 ? ROUND2_ORDER[j & 15]! : ROUND3_ORDER[j & 15]!;
      const f = round === 0 ? (b & c) | (~b & d) : round === 1 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const constant = round === 0 ? 0 : round === 1 ? 0x5a827999 : 0x6ed9eba1;
      const t = rotl((a + f + x[k]! + constant) | 0, S[round * 4 + (j & 3)]!);
      [a, b, c, d] = [d, t, b, c];
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
  }
  const out = Buffer.alloc(16);
  h.forEach((word, i) => {
    out.writeUInt32LE(word >>> 0, i * 4);
  });
  return out;
}

/** HMAC-MD4 (RFC 2104, 64-byte block), as Go's `hmac.New(md4.New, key)`. */
export function hmacMd4(key: Uint8Array, message: Uint8Array): Buffer {
  const block = Buffer.alloc(64);
  block.set(key.length > 64 ? md4(key) : key);
  const inner = Buffer.alloc(64);
  const outer = Buffer.alloc(64);
  for (let i = 0; i < 64; i++) {
    inner[i] = block[i]! ^ 0x36;
    outer[i] = block[i]! ^ 0x5c;
  }
  return md4(Buffer.concat([outer, md4(Buffer.concat([inner, message]))]));
}
