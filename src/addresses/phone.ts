/**
 * Phone parsing with no default region, as Kratos does it with nyaruka/phonenumbers v1.7.4 (a Go port of
 * Google's libphonenumber): `phonenumbers.Parse(value, "")` then `IsValidNumber`, formatted as E.164.
 *
 * The region-independent front of `parseHelper` is reproduced here: extraction of the possible number
 * (including RFC 3966 `;phone-context=`), the viability pattern, extension stripping, the mandatory leading
 * plus and keypad/digit normalisation. The metadata-driven rest (country calling code, national prefix, validity)
 * is delegated to libphonenumber-js with its "max" metadata, fed the normalised `+digits`. libphonenumber-js's
 * own extraction is not used: it trims anything after the last digit, so it would read
 * `user+16502530000@example.com` as a phone number where Google's parser (and Kratos) does not.
 *
 * Kept quirk: nyaruka's UNWANTED_END_CHARS pattern uses Java class intersection (`&&`), which Go's RE2 reads
 * literally, so trailing punctuation is in effect never stripped before the viability check.
 *
 * @module
 */
import type * as LibPhoneNumber from "libphonenumber-js/max";
import { lazyRequire } from "../json/lazy-require.js";

/** libphonenumber-js with its "max" metadata, loaded when the first number reaches it (not at import). */
const libphonenumber = lazyRequire<typeof LibPhoneNumber>("libphonenumber-js/max");

// Error texts of nyaruka/phonenumbers, so that callers can show what Kratos shows.
/** nyaruka/phonenumbers ErrNotANumber. */
export const NOT_A_NUMBER = "the phone number supplied is not a number";
/** nyaruka/phonenumbers ErrInvalidCountryCode. */
export const INVALID_COUNTRY_CODE = "invalid country code";
/** nyaruka/phonenumbers ErrTooShortNSN. */
export const TOO_SHORT_NSN = "the string supplied is too short to be a phone number";
/** nyaruka/phonenumbers ErrNumTooLong. */
export const TOO_LONG = "the string supplied is too long to be a phone number";
/** nyaruka/phonenumbers ErrTooShortAfterIDD. */
export const TOO_SHORT_AFTER_IDD =
  "phone number had an IDD, but after this was not long enough to be a viable phone number";
/** Kratos x.NormalizeIdentifier(v, "sms") when the number parses but is not valid. */
export const NOT_VALID = "the provided number is not a valid phone number";

const MAX_INPUT_STRING_LENGTH = 250;
const DIGIT = "\\p{Nd}";
const PLUS_CHARS = "+\\uFF0B";
const VALID_PUNCTUATION =
  "\\-x\\u2010-\\u2015\\u2212\\u30FC\\uFF0D-\\uFF0F \\u00A0\\u00AD\\u200B\\u2060\\u3000()\\uFF08\\uFF09\\uFF3B\\uFF3D.\\[\\]/~\\u2053\\u223C\\uFF5E";
const VALID_ALPHA = "A-Za-z";

// Extension patterns (EXTN_PATTERNS_FOR_PARSING).
const SEPARATORS_BEFORE_LABEL = "[ \\u00A0\\t,]*";
const CHARS_AFTER_LABEL = "[:\\.\\uFF0E]?[ \\u00A0\\t,\\-]*";
const EXPLICIT_LABELS =
  "(?:e?xt(?:ensi(?:o\\u0301?|\\u00F3))?n?|\\uFF45?\\uFF58\\uFF54\\uFF4E?|\\u0434\\u043E\\u0431|anexo)";
const AMBIGUOUS_LABELS = "(?:[x\\uFF58#\\uFF03~\\uFF5E]|int|\\uFF49\\uFF4E\\uFF54)";
const EXTN_PATTERNS_FOR_PARSING = [
  `;ext=(${DIGIT}{1,20})`,
  `${SEPARATORS_BEFORE_LABEL}${EXPLICIT_LABELS}${CHARS_AFTER_LABEL}(${DIGIT}{1,20})#?`,
  `${SEPARATORS_BEFORE_LABEL}${AMBIGUOUS_LABELS}${CHARS_AFTER_LABEL}(${DIGIT}{1,9})#?`,
  `[\\- ]+(${DIGIT}{1,6})#`,
  `[ \\u00A0\\t]*(?:,{2}|;)${CHARS_AFTER_LABEL}(${DIGIT}{1,15})#?`,
  // Go: `[ \u00A0\t]*(?:,)+[:\.\uFF0E]?[ \u00A0\t,\-]*(\d{1,9})#?`. Same strings, written so that the comma run
  // cannot be split two ways (which costs quadratic time in a backtracking engine).
  `[ \\u00A0\\t]*,(?:,*[:\\.\\uFF0E])?[ \\u00A0\\t,\\-]*(${DIGIT}{1,9})#?`,
].join("|");

// VALID_PHONE_NUMBER_PATTERN is `(?i)^(\d{2}|[+]*(?:[punct*]*\d){3,}[punct*alpha\d]*(?:EXTN)?)$` in Go, whose RE2
// engine runs in linear time. A backtracking engine needs up to cubic time on it for 250 characters of spaces
// or commas, so isViable() below decides the same language in steps: the part up to the third digit, the
// longest run of number characters after it, and an extension that must start inside that run and reach the end.
const TWO_DIGITS = /^\p{Nd}{2}$/u;
const DIGIT_ONLY = /^\p{Nd}$/u;
const THREE_DIGITS = new RegExp(`^[${PLUS_CHARS}]*(?:[${VALID_PUNCTUATION}*]*${DIGIT}){3}`, "iu");
const NUMBER_RUN = new RegExp(`[${VALID_PUNCTUATION}*${VALID_ALPHA}${DIGIT}]*`, "iuy");
const EXTN_FULL = new RegExp(`^(?:${EXTN_PATTERNS_FOR_PARSING})$`, "iu");
const VALID_START_CHAR = new RegExp(`[${PLUS_CHARS}${DIGIT}]`, "u");
const SECOND_NUMBER_START = /[\\/] *x/;
const PLUS_ANYWHERE = /[+\uFF0B]/;
const LEADING_PLUS = /^[+\uFF0B]+/;
const ALPHA_PHONE = /^(?:[^\n]*?[A-Za-z]){3}[^\n]*$/;
const ASCII_DIGITS = /^[0-9]+$/;
const RFC3966_GLOBAL_NUMBER_DIGITS = /^\+[\p{Nd}\-.()]*\p{Nd}[\p{Nd}\-.()]*$/u;
// RFC3966_DOMAINNAME, rewritten without nested ambiguous quantifiers (same language).
const RFC3966_DOMAINNAME =
  /^(?:[A-Za-z\p{Nd}]+(?:-+[A-Za-z\p{Nd}]+)*\.)*[A-Za-z][A-Za-z\p{Nd}]*(?:-+[A-Za-z\p{Nd}]+)*\.?$/u;
const PHONE_CONTEXT = ";phone-context=";

/** ITU E.161 keypad letters (ALPHA_PHONE_MAPPINGS), indexed by `letter - 'A'`. */
const KEYPAD = "22233344455566677778889999";

/** UTF-8 length, as Go's len() counts it. */
function byteLength(s: string): number {
  return s.length * 3 <= MAX_INPUT_STRING_LENGTH ? s.length : Buffer.byteLength(s, "utf8");
}

/** extractPossibleNumber: from the first `+` or digit, cut at a second number (`/x...`). */
function extractPossibleNumber(s: string): string {
  const start = s.search(VALID_START_CHAR);
  if (start < 0) return "";
  const rest = s.slice(start);
  const second = rest.search(SECOND_NUMBER_START);
  return second >= 0 ? rest.slice(0, second) : rest;
}

/** buildNationalNumberForParsing; `undefined` when an RFC 3966 phone-context is present but malformed. */
function buildNationalNumber(s: string): string | undefined {
  let national: string;
  const ctxIndex = s.indexOf(PHONE_CONTEXT);
  if (ctxIndex >= 0) {
    const ctxStart = ctxIndex + PHONE_CONTEXT.length;
    const ctxEnd = s.indexOf(";", ctxStart);
    const context = s.slice(ctxStart, ctxEnd < 0 ? undefined : ctxEnd);
    if (
      context.length === 0 ||
      !(RFC3966_GLOBAL_NUMBER_DIGITS.test(context) || RFC3966_DOMAINNAME.test(context))
    ) {
      return undefined;
    }
  }
  if (ctxIndex > 0) {
    const ctxStart = ctxIndex + PHONE_CONTEXT.length;
    const ctxEnd = s.indexOf(";", ctxStart);
    const context = s.slice(ctxStart, ctxEnd < 0 ? undefined : ctxEnd);
    const telIndex = s.indexOf("tel:");
    national = (context.startsWith("+") ? context : "") + s.slice(telIndex >= 0 ? telIndex + 4 : 0, ctxIndex);
  } else {
    national = extractPossibleNumber(s);
  }
  const isub = national.indexOf(";isub=");
  return isub > 0 ? national.slice(0, isub) : national;
}

/**
 * isViablePhoneNumber: whether Go's VALID_PHONE_NUMBER_PATTERN matches the whole string (see TWO_DIGITS above).
 * Exported for the equivalence test only.
 */
export function isViable(s: string): boolean {
  if (s.length < 2) return false;
  if (TWO_DIGITS.test(s)) return true;
  const head = THREE_DIGITS.exec(s);
  if (head === null) return false;
  const third = head[0].length;
  NUMBER_RUN.lastIndex = third;
  NUMBER_RUN.test(s); // a sticky `*` always matches, possibly empty
  const runEnd = NUMBER_RUN.lastIndex;
  if (runEnd === s.length) return true;
  for (let start = runEnd; start >= third; start--) {
    // A space, NBSP or hyphen can only be consumed by an extension's leading `*`/`+` separator class, so a match
    // from such a start implies a match one character later, unless a digit follows (the `[- ]+\d{1,6}#` form).
    // Skipping those starts keeps this loop linear on long separator runs.
    if (
      isRunSeparator(s.charCodeAt(start)) &&
      !DIGIT_ONLY.test(String.fromCodePoint(s.codePointAt(start + 1) ?? 0))
    ) {
      continue;
    }
    if (EXTN_FULL.test(s.slice(start))) return true;
  }
  return false;
}

/** Space, NBSP and hyphen: separators that an extension can only begin with as part of a leading run. */
function isRunSeparator(c: number): boolean {
  return c === 0x20 || c === 0xa0 || c === 0x2d;
}

/**
 * maybeStripExtension: find the leftmost position from which EXTN_PATTERN matches up to the end and, when what
 * precedes it is viable on its own, drop the extension. Within a run of spaces/NBSPs/hyphens a match implies a
 * match one position later (see isViable), so the matching starts of a run form a suffix of it and are found by
 * bisection: linear where trying every start would be quadratic.
 */
function stripExtension(s: string): string {
  let k = 0;
  while (k < s.length) {
    let at = -1;
    if (isRunSeparator(s.charCodeAt(k))) {
      let end = k;
      while (end + 1 < s.length && isRunSeparator(s.charCodeAt(end + 1))) end++;
      if (EXTN_FULL.test(s.slice(end))) {
        let lo = k;
        let hi = end;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (EXTN_FULL.test(s.slice(mid))) hi = mid;
          else lo = mid + 1;
        }
        at = lo;
      }
      k = end + 1;
    } else {
      if (EXTN_FULL.test(s.slice(k))) at = k;
      k++;
    }
    if (at >= 0) return isViable(s.slice(0, at)) ? s.slice(0, at) : s;
  }
  return s;
}

/**
 * normalize(): with three or more ASCII letters, keypad letters and ASCII digits only; otherwise every decimal
 * digit, Arabic-Indic and fullwidth ones folded to ASCII (other scripts' digits are kept and later fail).
 */
function normalizeDigits(s: string): string {
  let out = "";
  if (ALPHA_PHONE.test(s)) {
    for (const ch of s) {
      const up = ch.toUpperCase();
      const c = up.length === 1 ? up.charCodeAt(0) : 0;
      if (c >= 0x30 && c <= 0x39) out += up;
      else if (c >= 0x41 && c <= 0x5a) out += KEYPAD[c - 0x41];
    }
    return out;
  }
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c >= 0x30 && c <= 0x39) out += ch;
    else if (c >= 0x660 && c <= 0x669) out += String.fromCharCode(c - 0x660 + 0x30);
    else if (c >= 0x6f0 && c <= 0x6f9) out += String.fromCharCode(c - 0x6f0 + 0x30);
    else if (c >= 0xff10 && c <= 0xff19) out += String.fromCharCode(c - 0xff10 + 0x30);
    else if (c > 0x7f && DIGIT_ONLY.test(ch)) out += ch;
  }
  return out;
}

/** A failed parse, with the text of the matching nyaruka/phonenumbers (or Kratos) error. */
export interface PhoneFailure {
  readonly error: string;
}

const failures = new Map<string, PhoneFailure>();
function fail(error: string): PhoneFailure {
  let f = failures.get(error);
  if (f === undefined) {
    f = Object.freeze({ error });
    failures.set(error, f);
  }
  return f;
}

/**
 * `phonenumbers.Parse(value, "")` + `IsValidNumber` + `Format(E164)`: the E.164 string of a valid number, or the
 * failure with Go's error text. Never throws.
 */
export function parseE164(value: string): string | PhoneFailure {
  return parse(value, true);
}

/** A valid number has at most 3 + 17 digits once national prefixes are stripped; this bound leaves ample room. */
const MAX_PLAUSIBLE_DIGITS = 40;

function parse(value: string, exactError: boolean): string | PhoneFailure {
  if (value.length === 0) return fail(NOT_A_NUMBER);
  if (byteLength(value) > MAX_INPUT_STRING_LENGTH) return fail(TOO_LONG);
  const national = buildNationalNumber(value);
  if (national === undefined) return fail(NOT_A_NUMBER);
  // Go checks viability, then that a plus is present (checkRegionForParsing with no region). Both fail the same
  // way; looking for the plus first spares the viability pattern for every e-mail address and username.
  if (!PLUS_ANYWHERE.test(national)) return fail(isViable(national) ? INVALID_COUNTRY_CODE : NOT_A_NUMBER);
  if (!isViable(national)) return fail(NOT_A_NUMBER);
  const number = stripExtension(national);
  const plus = LEADING_PLUS.exec(number);
  // A plus that is not leading leaves the country code unknown: Parse succeeds, IsValidNumber says no.
  if (plus === null) return fail(NOT_VALID);
  const digits = normalizeDigits(number.slice(plus[0].length));
  if (digits.length > 0 && !ASCII_DIGITS.test(digits)) {
    // Digits of other scripts survive normalize() in Go (as 3-byte runes, so the length check passes) and then
    // fail integer parsing: of the country code when they come first, else of the national number.
    return fail(/^[0-9]/.test(digits) ? NOT_VALID : INVALID_COUNTRY_CODE);
  }
  if (digits.length <= 2) return fail(TOO_SHORT_AFTER_IDD);
  // libphonenumber-js needs ~0.1 ms for a few hundred digits; when only validity matters, skip it. (Go reports
  // "too long" or "invalid country code" here depending on the first digits, hence exactError.)
  if (!exactError && digits.length > MAX_PLAUSIBLE_DIGITS) return fail(TOO_LONG);
  const { ParseError, parsePhoneNumberWithError } = libphonenumber();
  try {
    const parsed = parsePhoneNumberWithError(`+${digits}`, { extract: false });
    return parsed.isValid() ? parsed.number : fail(NOT_VALID);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    switch (e.message) {
      case "INVALID_COUNTRY":
        return fail(INVALID_COUNTRY_CODE);
      case "TOO_SHORT":
        return fail(TOO_SHORT_NSN);
      case "TOO_LONG":
        return fail(TOO_LONG);
      default:
        return fail(NOT_A_NUMBER);
    }
  }
}

/** E.164 form of `value` when it parses with no region and is a valid number, else `undefined`. Never throws. */
export function e164IfValid(value: string): string | undefined {
  // Cheap rejection of the common case (no plus at all) before any extraction work.
  if (!PLUS_ANYWHERE.test(value)) return undefined;
  const r = parse(value, false);
  return typeof r === "string" ? r : undefined;
}
