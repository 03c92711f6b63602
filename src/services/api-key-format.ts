import { randomInt } from "node:crypto";

/**
 * The API key format (`docs/machine-identities.md#the-key-format`), after GitHub's tokens:
 *
 *     <prefix>_<key id: 20 base62><secret: 43 base62><checksum: 6 base62>
 *
 * e.g. `idk_4Gm0f...`. The key id makes the lookup one primary-key probe; the secret carries 43 × log2(62) ≈ 256.03
 * bits from the CSPRNG; the checksum is the CRC32 of everything before it (prefix included), in base62, so a
 * mistyped or truncated key is refused before any storage read, and secret scanners can match the prefix and
 * check the checksum to rule out false positives.
 */

export const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Characters of the key id (≈ 119 bits, drawn from the CSPRNG). */
export const KEY_ID_LENGTH = 20;
/** Characters of the secret: 62^43 > 2^256. */
export const SECRET_LENGTH = 43;
/** Characters of the checksum: 62^6 > 2^32. */
export const CHECKSUM_LENGTH = 6;
/** Characters after `<prefix>_`. */
export const BODY_LENGTH = KEY_ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;
/** A prefix: 2 to 20 characters, a lower-case letter first, then lower-case letters and digits. */
export const PREFIX_PATTERN = /^[a-z][a-z0-9]{1,19}$/;
const KEY_ID_PATTERN = /^[0-9A-Za-z]{20}$/;
/** The default prefix of keys. */
export const DEFAULT_API_KEY_PREFIX = "idk";

/** Whether `value` has the shape of a key id (20 base62 characters). */
export function isApiKeyId(value: unknown): value is string {
  return typeof value === "string" && KEY_ID_PATTERN.test(value);
}

/** `length` characters of base62, each uniform (`randomInt` rejects biased draws). */
export function randomBase62(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib and GitHub's tokens) of an ASCII string's char codes (low 8 bits). */
export function crc32(text: string): number {
  let crc = -1;
  for (let i = 0; i < text.length; i++) {
    crc = (CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ -1) >>> 0;
}

/** A 32-bit unsigned integer as 6 base62 digits, zero-padded. */
export function checksumOf(text: string): string {
  let n = crc32(text);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** A new key: its id, its secret and the full string handed to the caller once. */
export function generateApiKey(prefix: string): { id: string; secret: string; key: string } {
  const id = randomBase62(KEY_ID_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  const head = `${prefix}_${id}${secret}`;
  return { id, secret, key: head + checksumOf(head) };
}

/** The value of each base62 character by char code, -1 for any other. */
const BASE62_VALUE = (() => {
  const map = new Int8Array(128).fill(-1);
  for (let i = 0; i < 62; i++) map[BASE62.charCodeAt(i)] = i;
  return map;
})();

/**
 * Splits a presented key into its id and secret, or `undefined` when it is not a well-formed key of this prefix:
 * not a string, another length or prefix, a character outside base62, or a checksum that does not match. Pure and
 * O(length), bounded before any work (the length is checked first); never throws, whatever the value.
 */
export function parseApiKey(value: unknown, prefix: string): { id: string; secret: string } | undefined {
  if (typeof value !== "string") return undefined;
  const start = prefix.length + 1;
  if (value.length !== start + BODY_LENGTH) return undefined;
  if (!value.startsWith(prefix) || value.charCodeAt(prefix.length) !== 95 /* _ */) return undefined;
  const checked = value.length - CHECKSUM_LENGTH;
  let crc = -1;
  for (let i = 0; i < checked; i++) {
    const c = value.charCodeAt(i);
    if (i >= start && (c >= 128 || (BASE62_VALUE[c] as number) < 0)) return undefined;
    crc = (CRC_TABLE[(crc ^ c) & 0xff] as number) ^ (crc >>> 8);
  }
  let sum = 0;
  for (let i = checked; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const digit = c < 128 ? (BASE62_VALUE[c] as number) : -1;
    if (digit < 0) return undefined;
    sum = sum * 62 + digit;
  }
  if (sum !== (crc ^ -1) >>> 0) return undefined;
  return {
    id: value.slice(start, start + KEY_ID_LENGTH),
    secret: value.slice(start + KEY_ID_LENGTH, checked),
  };
}

/**
 * The source (a string, not a `RegExp`) of a regular expression that matches this prefix's keys in text, for a
 * secret scanner's custom pattern (the checksum then rules out false positives; see `docs/machine-identities.md`).
 * In JavaScript: `new RegExp(apiKeyPattern("idk"), "g")`. For `idk`: `\bidk_[0-9A-Za-z]{69}\b`.
 */
export function apiKeyPattern(prefix: string): string {
  return `\\b${prefix}_[0-9A-Za-z]{${BODY_LENGTH}}\\b`;
}
