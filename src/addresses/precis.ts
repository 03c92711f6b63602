/**
 * The two PRECIS (RFC 8264) profiles of Kratos's `x/normalize.go`, rebuilt on JavaScript's Unicode support:
 *
 * - the **email profile** (`precis.NewFreeform(FoldWidth, LowerCase(), DisallowEmpty, BidiRule, Norm(NFKC),
 *   Disallow(Bidi_Control | Other_Default_Ignorable | C | Noncharacter))`), used by every identifier;
 * - the **phone profile** (`precis.NewFreeform(FoldWidth)`), used before strict phone parsing.
 *
 * Enforcement follows golang.org/x/text/secure/precis `buffers.enforce`: pure-ASCII input takes a fast path
 * (ASCII lower-casing and a control-character check, no Bidi Rule); other input is width-folded, lower-cased
 * (without Greek final-sigma handling), NFKC-normalised, checked against the Bidi Rule, then every code point is
 * checked against the FreeformClass and the contextual rules of RFC 5892 Appendix A.
 *
 * Known differences from Go, all outside realistic identifiers:
 * - "unassigned" and the other properties follow the runtime's ICU (Unicode 17.0 on Node 20.20), while Kratos's
 *   x/text tables are Unicode 15.0: code points added since are allowed here and disallowed by Kratos;
 * - width folding is left to NFKC in the email profile (the result is the same: lower-casing commutes with it);
 *   the phone profile only folds U+3000 and the fullwidth ASCII block U+FF01..U+FF5E;
 * - ZERO WIDTH (NON-)JOINER are always rejected; the email profile rejects them anyway (they are Cf), and in the
 *   phone profile RFC 5892's virama context could only matter for a string that is not a phone number.
 *
 * @module
 */
import { bidiRuleValid } from "./bidi.js";

/** A PRECIS enforcement failure, with the text of the matching golang.org/x/text error. */
export interface PrecisFailure {
  readonly message: string;
}

/** golang.org/x/text/secure/precis errDisallowedRune. */
export const DISALLOWED_RUNE: PrecisFailure = Object.freeze({
  message: "precis: disallowed rune encountered",
});
/** golang.org/x/text/secure/precis errContext. */
export const CONTEXT_VIOLATED: PrecisFailure = Object.freeze({ message: "precis: contextual rule violated" });
/** golang.org/x/text/secure/bidirule ErrInvalid. */
export const BIDI_RULE_FAILED: PrecisFailure = Object.freeze({ message: "bidirule: failed Bidi Rule" });
/** golang.org/x/text/secure/precis errEmptyString. */
export const EMPTY_STRING: PrecisFailure = Object.freeze({
  message: "precis: transformation resulted in empty string",
});

// Code points the FreeformClass disallows outright (RFC 8264 section 9 with RFC 5892's exceptions): controls and
// every other general category C (format, surrogate, private use, unassigned), line/paragraph separators (they
// fall through every allowed category), Default_Ignorable_Code_Point (the "PrecisIgnorableProperties", which
// covers Kratos's Other_Default_Ignorable list and U+3164, U+115F, U+1160, U+17B4/5, U+034F, U+180B, U+FE0F,
// U+E0100, U+2065...), noncharacters, old Hangul jamo (Hangul_Syllable_Type L, V, T) and the DISALLOWED entries of
// RFC 5892 section 2.6. Kratos's extra Disallow set (Bidi_Control, Other_Default_Ignorable, C, Noncharacter) is a
// subset of this.
const DISALLOWED_SOURCE =
  "\\p{C}\\p{Zl}\\p{Zp}\\p{Default_Ignorable_Code_Point}\\p{Noncharacter_Code_Point}" +
  "\\u1100-\\u11FF\\uA960-\\uA97C\\uD7B0-\\uD7C6\\uD7CB-\\uD7FB" +
  "\\u0640\\u07FA\\u302E\\u302F\\u3031-\\u3035\\u303B";
// CONTEXTO code points: allowed only when RFC 5892 Appendix A's rule holds. Go marks all but KATAKANA MIDDLE DOT
// as "disallowed unless the rule passes", so the graceful fallback deletes them.
const CONTEXT_SOURCE = "\\u00B7\\u0375\\u05F3\\u05F4\\u0660-\\u0669\\u06F0-\\u06F9";

const DISALLOWED = new RegExp(`[${DISALLOWED_SOURCE}]`, "u");
const NOT_IN_FREEFORM = new RegExp(`[${DISALLOWED_SOURCE}${CONTEXT_SOURCE}]`, "gu");
const CONTEXT_CHAR = new RegExp(`[${CONTEXT_SOURCE}\\u30FB]`, "u");
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;
const ASCII = /^[^\u0080-\uFFFF]*$/;
// Only ever applied to ASCII strings, where everything outside the printable range is a control character.
const ASCII_CONTROL = /[^\x20-\x7E]/g;
const GREEK = /^\p{Script=Greek}$/u;
const HEBREW = /^\p{Script=Hebrew}$/u;
const JAPANESE = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;
const FULLWIDTH_ASCII = /[\u3000\uFF01-\uFF5E]/g;

/** Go's unicode.IsSpace: the White_Space property (so U+0085 counts, U+FEFF does not, unlike String#trim). */
function isSpace(c: number): boolean {
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go's strings.TrimSpace: removes leading and trailing Unicode White_Space. */
export function trimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** cases.Lower(language.Und, cases.HandleFinalSigma(false)): capital sigma always becomes U+03C3. */
function lowerNoFinalSigma(s: string): string {
  return (s.includes("\u03A3") ? s.replaceAll("\u03A3", "\u03C3") : s).toLowerCase();
}

/**
 * RFC 5892 Appendix A rules as golang.org/x/text/secure/precis checks them (context.go), for the CONTEXTO code
 * points: MIDDLE DOT between two `l`, GREEK KERAIA before a Greek letter, HEBREW GERESH/GERSHAYIM after a Hebrew
 * letter, KATAKANA MIDDLE DOT only in a string with some Hiragana/Katakana/Han, and no mix of Arabic-Indic with
 * Extended Arabic-Indic digits.
 */
function contextRulesHold(s: string): boolean {
  const chars = Array.from(s);
  let arabicIndic = false;
  let extendedArabicIndic = false;
  let needsJapanese = false;
  for (let i = 0; i < chars.length; i++) {
    const cp = chars[i]?.codePointAt(0) ?? 0;
    const before = chars[i - 1];
    const after = chars[i + 1];
    if (cp === 0xb7) {
      if (before !== "l" || after !== "l") return false;
    } else if (cp === 0x375) {
      if (after === undefined || !GREEK.test(after)) return false;
    } else if (cp === 0x5f3 || cp === 0x5f4) {
      if (before === undefined || !HEBREW.test(before)) return false;
    } else if (cp === 0x30fb) {
      needsJapanese = true;
    } else if (cp >= 0x660 && cp <= 0x669) {
      if (extendedArabicIndic) return false;
      arabicIndic = true;
    } else if (cp >= 0x6f0 && cp <= 0x6f9) {
      if (arabicIndic) return false;
      extendedArabicIndic = true;
    }
  }
  return !needsJapanese || JAPANESE.test(s);
}

/** FreeformClass membership of every code point plus the contextual rules; `undefined` when all pass. */
function checkFreeform(s: string): PrecisFailure | undefined {
  if (DISALLOWED.test(s)) return DISALLOWED_RUNE;
  if (CONTEXT_CHAR.test(s) && !contextRulesHold(s)) return CONTEXT_VIOLATED;
  return undefined;
}

/**
 * Strict email-profile enforcement of an already trimmed string (Kratos `applyPRECIS(emailProfile, v, false)`
 * after its TrimSpace). Returns the canonical string, or the failure.
 */
export function enforceEmailProfile(trimmed: string): string | PrecisFailure {
  if (PRINTABLE_ASCII.test(trimmed)) return trimmed.length === 0 ? EMPTY_STRING : trimmed.toLowerCase();
  if (ASCII.test(trimmed)) return DISALLOWED_RUNE; // ASCII with a control character
  const s = lowerNoFinalSigma(trimmed).normalize("NFKC");
  if (!bidiRuleValid(s)) return BIDI_RULE_FAILED;
  return checkFreeform(s) ?? s;
}

/**
 * For a string `c` that {@link enforceEmailProfile} returned: whether enforcing the profile on `trimSpace(c)`
 * gives `c` back, decided without running it. True when trimming and lower-casing leave `c` as it is: then NFKC
 * does too (c is NFKC output, and NFKC is idempotent), the Bidi Rule and the FreeformClass checks see the very
 * string that already passed them, and the ASCII path lower-cases a printable ASCII `c` to itself. (It is not
 * always so: NFKC maps U+1D400 MATHEMATICAL BOLD CAPITAL A to a capital A, which a second pass lower-cases.)
 */
export function isStableProfileOutput(c: string): boolean {
  return trimSpace(c) === c && lowerNoFinalSigma(c) === c;
}

/**
 * Kratos's graceful fallback for a trimmed string the email profile rejected: NFKC, delete every code point the
 * profile does not allow (FreeformClass, including the CONTEXTO code points, minus Kratos's Disallow set), then
 * lower-case with `cases.Lower(language.Und)` (final sigma handled, like String#toLowerCase). The result is not
 * trimmed again.
 */
export function gracefulEmailProfile(trimmed: string): string {
  if (ASCII.test(trimmed)) return trimmed.replace(ASCII_CONTROL, "").toLowerCase();
  return trimmed.normalize("NFKC").replace(NOT_IN_FREEFORM, "").toLowerCase();
}

/**
 * Strict phone-profile enforcement of a trimmed string (`precis.NewFreeform(precis.FoldWidth)`): width fold,
 * NFC, FreeformClass check. No case mapping, no Bidi Rule, empty strings pass.
 */
export function enforcePhoneProfile(trimmed: string): string | PrecisFailure {
  if (PRINTABLE_ASCII.test(trimmed)) return trimmed;
  if (ASCII.test(trimmed)) return DISALLOWED_RUNE;
  const s = trimmed
    .replace(FULLWIDTH_ASCII, (c) => (c === "\u3000" ? " " : String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
    .normalize("NFC");
  return checkFreeform(s) ?? s;
}
