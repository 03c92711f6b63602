// Frozen copy of src/addresses/formats.ts as of commit ef03307 (before the ASCII fast paths of issue 9): the oracle
// that test/address-fast-path.test.ts compares the current code with. Do not edit.
/**
 * The `email` and `tel` JSON Schema formats as ory/jsonschema (`formats.go`) checks them for Kratos (spec 2.4).
 *
 * @module
 */

import { e164IfValid } from "../../src/addresses/phone.js";
import { parseAddress } from "./mail-address.js";

/** UTF-8 length, as Go's len() counts it; exact only when it matters for `limit`. */
function byteLengthExceeds(s: string, limit: number): boolean {
  if (s.length > limit) return true; // every UTF-16 unit is at least one byte
  if (s.length * 3 <= limit) return false; // and at most three
  return Buffer.byteLength(s, "utf8") > limit;
}

/**
 * ory/jsonschema `isHostname`: after dropping one trailing dot, at most 253 bytes of dot-separated labels of 1 to
 * 63 ASCII letters, digits and hyphens, none ending with a hyphen. Like the Go code, only the very first
 * character (not each label's) is checked for a leading hyphen.
 */
function isHostname(value: string): boolean {
  const s = value.endsWith(".") ? value.slice(0, -1) : value;
  if (s.length > 253) return false;
  for (const label of s.split(".")) {
    if (label.length < 1 || label.length > 63) return false;
    if (s.startsWith("-") || label.endsWith("-")) return false;
    if (!/^[A-Za-z0-9-]+$/.test(label)) return false;
  }
  return true;
}

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
  if (byteLengthExceeds(value, 254)) return false;
  const at = value.lastIndexOf("@");
  if (at < 0) return false;
  if (byteLengthExceeds(value.slice(0, at), 64)) return false;
  if (!isHostname(value.slice(at + 1))) return false;
  return "address" in parseAddress(value);
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
