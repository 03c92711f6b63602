/**
 * The `email` and `tel` JSON Schema formats as ory/jsonschema (`formats.go`) checks them for Kratos (spec 2.4).
 *
 * @module
 */
import { parseAddress } from "./mail-address.js";
import { e164IfValid } from "./phone.js";

/** UTF-8 length, as Go's len() counts it; exact only when it matters for `limit`. */
function byteLengthExceeds(s: string, limit: number): boolean {
  if (s.length > limit) return true; // every UTF-16 unit is at least one byte
  if (s.length * 3 <= limit) return false; // and at most three
  return Buffer.byteLength(s, "utf8") > limit;
}

const isLetterDigitOrHyphen = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d;

/**
 * ory/jsonschema `isHostname` of `value.slice(start)`: after dropping one trailing dot, at most 253 bytes of
 * dot-separated labels of 1 to 63 ASCII letters, digits and hyphens, none ending with a hyphen. Like the Go code,
 * only the very first character (not each label's) is checked for a leading hyphen. One pass, no copies.
 */
function isHostnameAt(value: string, start: number): boolean {
  let end = value.length;
  if (end > start && value.charCodeAt(end - 1) === 0x2e) end--;
  // Non-ASCII never passes the label check, so the UTF-16 length bounds the byte length here.
  if (end - start > 253 || end === start || value.charCodeAt(start) === 0x2d) return false;
  let labelStart = start;
  for (let i = start; i <= end; i++) {
    const c = i < end ? value.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const length = i - labelStart;
      if (length < 1 || length > 63 || value.charCodeAt(i - 1) === 0x2d) return false;
      labelStart = i + 1;
    } else if (!isLetterDigitOrHyphen(c)) {
      return false;
    }
  }
  return true;
}

function checkEmailFormat(value: string): boolean {
  if (byteLengthExceeds(value, 254)) return false;
  const at = value.lastIndexOf("@");
  if (at < 0) return false;
  if (byteLengthExceeds(value.slice(0, at), 64)) return false;
  return isHostnameAt(value, at + 1) && "address" in parseAddress(value);
}

// The last few values checked, with their results: the same trait value is checked by the schema's `email`
// format and again by the recovery extension in the same synchronous call.
const RECENT = 4;
const recentValues: (string | undefined)[] = new Array(RECENT).fill(undefined);
const recentResults: boolean[] = new Array(RECENT).fill(false);
let recentNext = 0;

/**
 * ory/jsonschema "email" format (spec 2.4): at most 254 bytes in total and 64 in the local part (before the last
 * `@`), the domain (after the last `@`) an ASCII hostname, so IDN and emoji domains are rejected, and the whole
 * value must parse with Go's `net/mail.ParseAddress`. Unicode is allowed in the local part; the value is checked
 * as given, without trimming or normalisation.
 *
 * @example isEmailFormat("föo@ory.sh") === true
 * @example isEmailFormat("foo@öry.sh") === false
 */
export function isEmailFormat(value: string): boolean {
  if (typeof value !== "string") return checkEmailFormat(value);
  for (let i = 0; i < RECENT; i++) if (recentValues[i] === value) return recentResults[i] as boolean;
  const result = checkEmailFormat(value);
  recentValues[recentNext] = value;
  recentResults[recentNext] = result;
  recentNext = (recentNext + 1) % RECENT;
  return result;
}

/**
 * ory/jsonschema "tel" format (spec 2.4): libphonenumber parse with no default region (so a leading `+` is
 * needed) and `IsValidNumber`.
 *
 * @example isTelFormat("+18004444444") === true
 * @example isTelFormat("12112112") === false
 */
export function isTelFormat(value: string): boolean {
  return e164IfValid(value) !== undefined;
}
