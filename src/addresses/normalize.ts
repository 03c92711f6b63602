/**
 * Identifier and address normalisation, after Kratos's `x/normalize.go` (spec 2.5): PRECIS canonicalisation with
 * a graceful fallback for identifiers, strict variants for e-mail and SMS channels, and E.164 phone numbers.
 *
 * Everything here runs for every identifier on every write, so pure-ASCII input never touches Unicode
 * normalisation or the property-escape regular expressions (see precis.ts).
 *
 * @module
 */
import { parseAddress } from "./mail-address.js";
import { e164IfValid, parseE164 } from "./phone.js";
import {
  enforceEmailProfile,
  enforcePhoneProfile,
  gracefulEmailProfile,
  isStableProfileOutput,
  type PrecisFailure,
  trimSpace,
} from "./precis.js";

/**
 * Thrown by the strict normalisations ({@link normalizeEmailStrict}, {@link normalizePhoneStrict} and
 * {@link normalizeIdentifier} with `"email"`/`"sms"`). The message is the text of the Go error Kratos reports
 * (`precis: disallowed rune encountered`, `mail: missing @ in addr-spec`, `invalid country code`...).
 */
export class NormalizationError extends Error {
  override name = "NormalizationError";
}

/**
 * PRECIS "email profile" canonicalisation with the graceful fallback (spec 2.5 canonicalize, Kratos
 * `canonicalizeIdentifier`): trim Unicode white space, then FreeformClass with width folding, lower-casing, NFKC
 * and the Bidi Rule; when that rejects the input, NFKC, delete every disallowed code point, lower-case. Never throws.
 *
 * @example canonicalize("  EXAMPLE@DOMAIN.COM  ") === "example@domain.com"
 * @example canonicalize("alice\u200B@example.com") === "alice@example.com"
 */
export function canonicalize(value: string): string {
  const trimmed = trimSpace(value);
  return canonicalFromProfile(trimmed, enforceEmailProfile(trimmed));
}

/** {@link canonicalize}'s last step, given the trimmed value and the email profile's strict result for it. */
export function canonicalFromProfile(trimmed: string, strict: string | PrecisFailure): string {
  return typeof strict === "string" ? strict : gracefulEmailProfile(trimmed);
}

/**
 * Whether {@link canonicalize} leaves `s` as it is, decided without running it for the common case: non-empty
 * printable ASCII without capitals or a space at either end (trimSpace keeps it, the profile's ASCII path
 * lower-cases it to itself). `false` means "not known", not "changed".
 */
function isCanonicalAscii(s: string): boolean {
  const n = s.length;
  if (n === 0 || s.charCodeAt(0) === 0x20 || s.charCodeAt(n - 1) === 0x20) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || (c >= 0x41 && c <= 0x5a)) return false;
  }
  return true;
}

/**
 * Kratos `x.GracefulNormalization`, used for credential identifiers and stored addresses: {@link canonicalize};
 * if the result parses (no default region) as a valid phone number, its E.164 form; otherwise canonicalize again.
 * Never throws.
 *
 * @example gracefulNormalization("+1 (650) 253-0000") === "+16502530000"
 * @example gracefulNormalization("FOO@ory.sh") === "foo@ory.sh"
 */
export function gracefulNormalization(value: string): string {
  const trimmed = trimSpace(value);
  const strict = enforceEmailProfile(trimmed);
  return gracefulFromCanonical(canonicalFromProfile(trimmed, strict), typeof strict === "string");
}

/**
 * {@link gracefulNormalization} given `canonicalize(value)`; `fromProfile` when that is the email profile's own
 * output (not the graceful fallback's).
 */
export function gracefulFromCanonical(canonical: string, fromProfile: boolean): string {
  // Kratos re-runs the phone profile (width fold, trim) before formatting; on canonical output that cannot
  // change the parsed number, so the E.164 form is taken directly.
  const phone = e164IfValid(canonical);
  if (phone !== undefined) return phone;
  const same = (fromProfile && isStableProfileOutput(canonical)) || isCanonicalAscii(canonical);
  return same ? canonical : canonicalize(canonical);
}

/**
 * Strict e-mail normalisation, Kratos `NormalizeIdentifier(v, "email")`: the PRECIS email profile without the
 * fallback (any disallowed code point, contextual-rule or Bidi Rule violation throws), then Go's
 * `net/mail.ParseAddress`. Returns the bare addr-spec (already lower-cased by the profile); a display name or
 * comment around it is dropped and a quoted local part is unquoted.
 *
 * @throws NormalizationError with Go's error text.
 * @example normalizeEmailStrict("  EXAMPLE@DOMAIN.COM  ") === "example@domain.com"
 */
export function normalizeEmailStrict(value: string): string {
  return emailFromProfile(enforceEmailProfile(trimSpace(value)));
}

/** {@link normalizeEmailStrict} given the email profile's strict result for the trimmed value. */
export function emailFromProfile(canonical: string | PrecisFailure): string {
  if (typeof canonical !== "string") throw new NormalizationError(canonical.message);
  const parsed = parseAddress(canonical);
  if ("error" in parsed) throw new NormalizationError(parsed.error);
  return parsed.address;
}

/**
 * Strict phone normalisation, Kratos `NormalizeIdentifier(v, "sms")`: trim, PRECIS FreeformClass with width
 * folding, then libphonenumber parsing with no default region (a leading `+` is required) and `IsValidNumber`.
 * Returns E.164.
 *
 * @throws NormalizationError with Go's error text (`the provided number is not a valid phone number`...).
 * @example normalizePhoneStrict("+49 176 671 11 638") === "+4917667111638"
 */
export function normalizePhoneStrict(value: string): string {
  const folded = enforcePhoneProfile(trimSpace(value));
  if (typeof folded !== "string") throw new NormalizationError(folded.message);
  const parsed = parseE164(folded);
  if (typeof parsed !== "string") throw new NormalizationError(parsed.error);
  return parsed;
}

/**
 * Kratos `NormalizeIdentifier(value, format)`: `"email"` is {@link normalizeEmailStrict}, `"sms"` is
 * {@link normalizePhoneStrict}, anything else (`"username"`...) is {@link canonicalize}.
 *
 * @throws NormalizationError for `"email"` and `"sms"` only.
 */
export function normalizeIdentifier(value: string, kind: string): string {
  switch (kind) {
    case "email":
      return normalizeEmailStrict(value);
    case "sms":
      return normalizePhoneStrict(value);
    default:
      return canonicalize(value);
  }
}

/**
 * E.164 form of `value` when it parses with no default region (libphonenumber `Parse(value, "")`) as a valid
 * number, else `undefined`. The value is not canonicalised first. Never throws.
 *
 * @example toE164IfValidPhone("+600136866982") === "+60136866982"
 * @example toE164IfValidPhone("12112112") === undefined
 */
export function toE164IfValidPhone(value: string): string | undefined {
  return e164IfValid(value);
}

/**
 * Kratos `NormalizeEmailIdentifier`, used for recovery addresses: the graceful canonicalisation (lower-cased,
 * trimmed, invisible code points deleted). Identical to {@link canonicalize}; kept as its own name because Kratos
 * calls it separately. Never throws.
 */
export function normalizeEmailIdentifier(value: string): string {
  return canonicalize(value);
}
