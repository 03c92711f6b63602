import { IdentityError } from "../../../errors/index.js";
import { MAX_KEY_BYTES, MAX_SALT_BYTES } from "../limits.js";

/**
 * The shortest derived key (tag) a stored hash may carry, in bytes (RFC 9106's minimum tag length).
 * Kratos accepts an empty key for argon2 and scrypt, which then matches every password; we refuse it.
 */
export const MIN_KEY_BYTES = 4;

/** A hash that cannot be parsed: `IdentityError("unsupported_hash")` with the specific reason. */
export function malformed(format: string, reason: string): IdentityError {
  return new IdentityError("unsupported_hash", { reason: `${format}: ${reason}` });
}

/** A cost parameter over the bounds: `IdentityError("hash_parameters_out_of_bounds")`. */
export function outOfBounds(format: string, reason: string): IdentityError {
  return new IdentityError("hash_parameters_out_of_bounds", { reason: `${format}: ${reason}` });
}

/**
 * Splits on `$` (the leading `$` gives an empty first part) and insists on exactly `count` parts. Stops splitting
 * after `count + 1` parts, so a hash made of millions of `$` costs no more than a well-formed one.
 */
export function splitHash(format: string, hash: string, count: number): string[] {
  const parts = hash.split("$", count + 1);
  if (parts.length !== count) throw malformed(format, `expected ${count - 1} "$"-separated fields`);
  return parts;
}

/** Longest parameter list looked at (`m=1048576,t=10,p=16` is 19 characters), checked before the regex runs. */
const MAX_PARAMS_LENGTH = 128;
const paramPatterns = new Map<string, RegExp>();

/**
 * Parses `k1=<n>,k2=<n>,…` with exactly these keys in this order and unsigned decimal values (no sign, no
 * spaces, nothing after the last value). A number too large for any bound is returned as is, so the bounds
 * check reports it. A list over 128 characters is malformed without running the regex.
 */
export function parseParams<K extends string>(
  format: string,
  text: string,
  keys: readonly K[],
): Record<K, number> {
  const source = `^${keys.map((k) => `${k}=([0-9]+)`).join(",")}$`;
  let pattern = paramPatterns.get(source);
  if (pattern === undefined) {
    pattern = new RegExp(source);
    paramPatterns.set(source, pattern);
  }
  const match = text.length > MAX_PARAMS_LENGTH ? null : pattern.exec(text);
  if (match === null)
    throw malformed(format, `parameters must read ${keys.map((k) => `${k}=<n>`).join(",")}`);
  const out = {} as Record<K, number>;
  keys.forEach((k, i) => {
    out[k] = Number(match[i + 1]);
  });
  return out;
}

/** Throws `hash_parameters_out_of_bounds` unless `min <= value <= max`. */
export function checkRange(format: string, name: string, value: number, min: number, max: number): void {
  if (!(value >= min && value <= max)) throw outOfBounds(format, `${name}=${value} not in [${min}, ${max}]`);
}

/** Runs a strict base64 decoder on one field and throws `unsupported_hash` naming the field when it fails. */
export function decodeField(
  format: string,
  name: string,
  text: string,
  decode: (s: string) => Buffer | undefined,
): Buffer {
  const bytes = decode(text);
  if (bytes === undefined) throw malformed(format, `${name} is not strict base64`);
  return bytes;
}

/** Throws `unsupported_hash` when a decoded derived key is shorter than {@link MIN_KEY_BYTES}. */
export function checkKeyLength(format: string, key: Uint8Array): void {
  if (key.length < MIN_KEY_BYTES)
    throw malformed(format, `the hash must hold at least ${MIN_KEY_BYTES} bytes`);
}

/**
 * Throws `hash_parameters_out_of_bounds` when a decoded field is longer than `max` bytes: every length that
 * multiplies the work of a verification is capped (salts, keys, templates).
 */
export function checkFieldBytes(format: string, name: string, bytes: Uint8Array, max: number): void {
  if (bytes.length > max) throw outOfBounds(format, `${name} is ${bytes.length} bytes, over ${max}`);
}

/** {@link checkFieldBytes} with {@link MAX_SALT_BYTES}. */
export function checkSaltBytes(format: string, name: string, bytes: Uint8Array): void {
  checkFieldBytes(format, name, bytes, MAX_SALT_BYTES);
}

/** {@link checkFieldBytes} with {@link MAX_KEY_BYTES}. */
export function checkKeyBytes(format: string, name: string, bytes: Uint8Array): void {
  checkFieldBytes(format, name, bytes, MAX_KEY_BYTES);
}

/** Throws `hash_parameters_out_of_bounds` when `work` (a product of cost parameters) is over `max`. */
export function checkWork(format: string, what: string, work: number, max: number): void {
  if (!(work <= max)) throw outOfBounds(format, `${what} = ${work}, over ${max}`);
}

/** Parses with `parse`, returning `undefined` instead of throwing (for `verify`, which never throws on bad input). */
export function tryParse<T>(parse: (hash: string) => T, hash: string): T | undefined {
  try {
    return parse(hash);
  } catch {
    return undefined;
  }
}
