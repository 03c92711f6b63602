import { describe, expect, it } from "vitest";
import {
  canonicalize,
  gracefulNormalization,
  NormalizationError,
  normalizeEmailIdentifier,
  normalizeIdentifier,
} from "./index.js";

// Expected values come from the idkit spec section 2.5/2.8 and from Kratos's own tests, cited per block
// (x/normalize_test.go and identity/extension_*_test.go in ory/kratos). Go's behaviour that the Kratos tests do
// not pin down is marked "Go semantics" and was derived from golang.org/x/text/secure/precis and net/mail.

describe("canonicalize: spec 2.5 examples", () => {
  it('spec 2.5: "  EXAMPLE@DOMAIN.COM  " becomes example@domain.com', () => {
    expect(canonicalize("  EXAMPLE@DOMAIN.COM  ")).toBe("example@domain.com");
  });

  it('spec 2.5: "alice\\u200B@example.com" becomes alice@example.com', () => {
    expect(canonicalize("alice\u200B@example.com")).toBe("alice@example.com");
  });

  it("spec 2.5: fullwidth ａｌｉｃｅ becomes alice", () => {
    expect(canonicalize("ａｌｉｃｅ")).toBe("alice");
  });

  it("spec 2.5: the ffi ligature in oﬃce becomes office", () => {
    expect(canonicalize("oﬃce")).toBe("office");
  });

  it("spec 2.5: emoji survive, Foo🥳🖐baR becomes foo🥳🖐bar", () => {
    expect(canonicalize("Foo🥳🖐baR")).toBe("foo🥳🖐bar");
  });

  it("spec 2.5: Cyrillic а (U+0430) is not folded to Latin a", () => {
    expect(canonicalize("\u0430dmin")).toBe("\u0430dmin");
    expect(canonicalize("\u0430dmin")).not.toBe(canonicalize("admin"));
  });
});

describe("gracefulNormalization: spec 2.5 examples", () => {
  it("spec 2.5: +1 650-253-0000 becomes +16502530000", () => {
    expect(gracefulNormalization("+1 650-253-0000")).toBe("+16502530000");
  });

  it("spec 2.5: +1 (650) 253-0000 becomes +16502530000", () => {
    expect(gracefulNormalization("+1 (650) 253-0000")).toBe("+16502530000");
  });

  it("spec 2.5: +600136866982 becomes +60136866982 (national-prefix 0 dropped)", () => {
    expect(gracefulNormalization("+600136866982")).toBe("+60136866982");
  });

  it("spec 2.5: invalid-phone is unchanged", () => {
    expect(gracefulNormalization("invalid-phone")).toBe("invalid-phone");
  });

  // TestGracefulNormalization in x/normalize_test.go (ory/kratos).
  it.each([
    ["  EXAMPLE@DOMAIN.COM  ", "example@domain.com"],
    ["  username  ", "username"],
  ])("x/normalize_test.go TestGracefulNormalization: %j becomes %j", (input, expected) => {
    expect(gracefulNormalization(input)).toBe(expected);
  });
});

describe("normalizeIdentifier: spec 2.5 strict variants", () => {
  it('spec 2.5: NormalizeIdentifier(v, "email") returns the bare, lower-cased addr-spec', () => {
    expect(normalizeIdentifier("  EXAMPLE@DOMAIN.COM  ", "email")).toBe("example@domain.com");
  });

  it('spec 2.5: NormalizeIdentifier(v, "email") fails on a disallowed rune (no fallback)', () => {
    expect(() => normalizeIdentifier("alice\u200B@example.com", "email")).toThrow(NormalizationError);
  });

  it('spec 2.5: NormalizeIdentifier(v, "sms") returns E.164', () => {
    expect(normalizeIdentifier("+1 650-253-0000", "sms")).toBe("+16502530000");
  });

  it('spec 2.5: NormalizeIdentifier(v, "sms") fails on an invalid number', () => {
    expect(() => normalizeIdentifier("invalid-phone", "sms")).toThrow(NormalizationError);
  });

  it('spec 2.5: NormalizeIdentifier(v, "username") is graceful canonicalize', () => {
    expect(normalizeIdentifier("  UsERNaME\u200B ", "username")).toBe("username");
  });

  it("spec 2.5: any other kind is graceful canonicalize too, and never throws", () => {
    expect(normalizeIdentifier(" Foo\u00ADBar ", "webauthn")).toBe("foobar");
  });

  // TestNormalizeIdentifier in x/normalize_test.go (ory/kratos).
  it.each([
    ["  EXAMPLE@DOMAIN.COM  ", "email", "example@domain.com"],
    ["+1 650-253-0000", "sms", "+16502530000"],
    ["+256 730 691 099", "sms", "+256730691099"],
    ["  username  ", "username", "username"],
  ])("x/normalize_test.go TestNormalizeIdentifier: %j as %s becomes %j", (input, kind, expected) => {
    expect(normalizeIdentifier(input, kind)).toBe(expected);
  });
});

// TestNormalizeEmailIdentifier in x/normalize_test.go (ory/kratos); NormalizeEmailIdentifier is used for
// recovery addresses (spec 2.3).
describe("normalizeEmailIdentifier: x/normalize_test.go TestNormalizeEmailIdentifier", () => {
  it.each([
    ["  EXAMPLE@DOMAIN.COM  ", "example@domain.com"],
    ["user@domain.com", "user@domain.com"],
    ["invalid-email", "invalid-email"],
    ["alice\u200B@example.com", "alice@example.com"],
    ["alice\u200C@example.com", "alice@example.com"],
    ["alice\u200D@example.com", "alice@example.com"],
    ["Alice\u00AD@example.com", "alice@example.com"],
    ["alice\uFEFF@example.com", "alice@example.com"],
    ["alice\u2060@example.com", "alice@example.com"],
    ["alice\u180E@example.com", "alice@example.com"],
    ["\u202Aalice@example.com\u202C", "alice@example.com"],
    ["al\u200Bice\u200C@ex\u200Dample.com", "alice@example.com"],
    ["ａｌｉｃｅ@example.com", "alice@example.com"],
    ["oﬃce@example.com", "office@example.com"],
  ])("%j becomes %j", (input, expected) => {
    expect(normalizeEmailIdentifier(input)).toBe(expected);
  });
});

// TestNormalizeOtherIdentifier in x/normalize_test.go (ory/kratos): usernames go through the same profile.
describe("canonicalize: x/normalize_test.go TestNormalizeOtherIdentifier", () => {
  it.each([
    ["  username  ", "username"],
    ["user123", "user123"],
    ["  ", ""],
    [" UsERNaME ", "username"],
    ["al\u200Bice", "alice"],
    ["al\u200Cice", "alice"],
    ["al\u200Dice", "alice"],
    ["al\u00ADice", "alice"],
    ["al\uFEFFice", "alice"],
    ["al\u2060ice", "alice"],
    ["al\u180Eice", "alice"],
    ["ａｌｉｃｅ", "alice"],
  ])("%j becomes %j", (input, expected) => {
    expect(canonicalize(input)).toBe(expected);
  });
});

// TestNormalizePhoneIdentifier in x/normalize_test.go (ory/kratos), through GracefulNormalization.
describe("gracefulNormalization: x/normalize_test.go TestNormalizePhoneIdentifier", () => {
  it.each([
    ["+1 650-253-0000", "+16502530000"],
    ["+1 (650) 253-0000", "+16502530000"],
    ["+44 20 7946 0958", "+442079460958"],
    ["+49 176 671 11 638", "+4917667111638"],
    ["+600136866982", "+60136866982"],
    ["+256 730 691 099", "+256730691099"],
    ["+256730691099", "+256730691099"],
    ["invalid-phone", "invalid-phone"],
  ])("%j becomes %j", (input, expected) => {
    expect(gracefulNormalization(input)).toBe(expected);
  });
});

// TestNormalize_DefaultIgnorableBypass in x/normalize_test.go (ory/kratos): default-ignorable code points outside
// category Cf must be deleted too, on the username, e-mail and phone paths.
describe("x/normalize_test.go TestNormalize_DefaultIgnorableBypass", () => {
  it.each([
    ["Hangul Filler U+3164", "\u3164"],
    ["Hangul Choseong Filler U+115F", "\u115F"],
    ["Hangul Jungseong Filler U+1160", "\u1160"],
    ["Khmer Vowel Inherent AQ U+17B4", "\u17B4"],
    ["Khmer Vowel Inherent AA U+17B5", "\u17B5"],
    ["Combining Grapheme Joiner U+034F", "\u034F"],
    ["Reserved U+2065", "\u2065"],
    ["Variation Selector-16 U+FE0F", "\uFE0F"],
    ["Mongolian Free Variation Selector One U+180B", "\u180B"],
    ["Variation Selector-17 U+E0100", "\u{E0100}"],
  ])("%s is deleted", (_name, rune) => {
    expect(canonicalize(`alic${rune}e`)).toBe("alice");
    expect(normalizeEmailIdentifier(`alic${rune}e@example.com`)).toBe("alice@example.com");
    expect(gracefulNormalization(`alic${rune}e`)).toBe("alice");
    expect(gracefulNormalization(`alic${rune}e@example.com`)).toBe("alice@example.com");
    expect(gracefulNormalization(`+1 650-253${rune}-0000`)).toBe("+16502530000");
  });
});

// TestNormalize_PoisonedRuneStillFolds in x/normalize_test.go (ory/kratos): the fallback still lower-cases and
// width-folds after deleting the rune.
describe("x/normalize_test.go TestNormalize_PoisonedRuneStillFolds", () => {
  it.each([
    ["uppercase + zero-width space", "ALICE\u200BSMITH", "alicesmith"],
    ["fullwidth + zero-width space", "ＡＬＩＣＥ\u200Bsmith", "alicesmith"],
    ["uppercase + soft hyphen", "FOO\u00ADBAR", "foobar"],
    ["fullwidth letters in email + ZWSP", "ＡＬ\u200BICE@example.com", "alice@example.com"],
  ])("%s collapses onto %j", (_name, input, baseline) => {
    expect(canonicalize(input)).toBe(baseline);
    expect(canonicalize(input)).toBe(canonicalize(baseline));
  });
});

// TestNormalize_EmojiPreserved and TestNormalize_RTLScripts in x/normalize_test.go (ory/kratos).
describe("x/normalize_test.go emoji and RTL scripts", () => {
  it("an emoji is preserved and keeps the identifier distinct", () => {
    expect(canonicalize("alice🎉")).toBe("alice🎉");
    expect(canonicalize("alice🎉")).not.toBe(canonicalize("alice"));
  });

  it.each([
    ["pure Hebrew username", "דוד", "דוד"],
    ["pure Arabic username", "محمد", "محمد"],
    ["pure Hebrew email", "דוד@example.com", "דוד@example.com"],
    ["pure Arabic email", "محمد@example.com", "محمد@example.com"],
    ["mixed LTR+Hebrew username", "aliceא", "aliceא"],
    ["mixed LTR+Hebrew email", "alice.דוד@example.com", "alice.דוד@example.com"],
    ["uppercase mixed lowercases", "ALICEא", "aliceא"],
  ])("%s: %j becomes %j", (_name, input, expected) => {
    expect(canonicalize(input)).toBe(expected);
  });

  it("bidi control characters are still stripped", () => {
    expect(normalizeEmailIdentifier("\u202Aalice@example.com\u202C")).toBe("alice@example.com");
  });
});
