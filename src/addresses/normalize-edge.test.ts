import { describe, expect, it } from "vitest";
import {
  canonicalize,
  gracefulNormalization,
  NormalizationError,
  normalizeEmailIdentifier,
  normalizeEmailStrict,
  normalizePhoneStrict,
  toE164IfValidPhone,
} from "./index.js";

// The second half of normalize.test.ts (invisible runes, phones, strict email, Go semantics). Expected values come from the idkit spec section 2.5/2.8 and from Kratos's own tests, cited per block
// (x/normalize_test.go and identity/extension_*_test.go in ory/kratos). Go's behaviour that the Kratos tests do
// not pin down is marked "Go semantics" and was derived from golang.org/x/text/secure/precis and net/mail.

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a NormalizationError, nothing was thrown");
}

describe("gracefulNormalization: spec 2.8 case 2 invisible runes", () => {
  it.each([
    ["ad\u200Bmin@ory.sh", "admin@ory.sh"],
    ["a\u200Bd\u200Dmi\u00ADn@ory.sh", "admin@ory.sh"],
    ["\uFEFFadmin\u2060@ory.sh", "admin@ory.sh"],
    ["ad\u202Emin@ory.sh", "admin@ory.sh"],
    ["ad\u200Bmin", "admin"],
    ["a\u200Cd\u034Fm\u3164i\uFE0Fn", "admin"],
    ["\u202Ead\u2060min\u00AD", "admin"],
  ])("%j becomes %j", (input, expected) => {
    expect(gracefulNormalization(input)).toBe(expected);
  });

  it("two differently poisoned copies of one email collapse to one identifier", () => {
    expect(gracefulNormalization("ad\u200Bmin@ory.sh")).toBe(gracefulNormalization("ad\u202Emin@ory.sh"));
  });

  it("Cyrillic \\u0430dmin stays distinct from admin, as an email and as a username", () => {
    expect(gracefulNormalization("\u0430dmin")).toBe("\u0430dmin");
    expect(gracefulNormalization("\u0430dmin")).not.toBe(gracefulNormalization("admin"));
    expect(gracefulNormalization("\u0430dmin@ory.sh")).not.toBe(gracefulNormalization("admin@ory.sh"));
  });

  it("emoji identifiers: foo😀@ory.sh and Foo🥳🖐baR", () => {
    expect(gracefulNormalization("foo😀@ory.sh")).toBe("foo😀@ory.sh");
    expect(gracefulNormalization("Foo🥳🖐baR")).toBe("foo🥳🖐bar");
  });

  it("Unicode lower-casing: FÖÖ@ory.sh becomes föö@ory.sh and foobär is kept", () => {
    expect(gracefulNormalization("FÖÖ@ory.sh")).toBe("föö@ory.sh");
    expect(gracefulNormalization("foobär")).toBe("foobär");
  });

  it("spec 2.3: FOO@ory.sh becomes foo@ory.sh", () => {
    expect(gracefulNormalization("FOO@ory.sh")).toBe("foo@ory.sh");
  });

  it("spec 2.8 case 4: a no-validate code address FOO.@docomo.ne.jp is stored as foo.@docomo.ne.jp", () => {
    expect(gracefulNormalization("FOO.@docomo.ne.jp")).toBe("foo.@docomo.ne.jp");
    // The strict path would refuse it: net/mail rejects a trailing dot in the local part.
    expect(() => normalizeEmailStrict("FOO.@docomo.ne.jp")).toThrow(NormalizationError);
  });

  it("spec 2.8 case 10: recovery values are lower-cased (UPPER...@ory.sh)", () => {
    const id = "UPPER2B4F7A1C-0D3E-4A5B-8C9D-0E1F2A3B4C5D@ory.sh";
    expect(normalizeEmailIdentifier(id)).toBe(id.toLowerCase());
  });
});

// Spec 2.8 cases 3, 6 and 7 (identity/extension_*_test.go in ory/kratos) and the numbers of the brief.
describe("phone numbers: spec 2.8 cases 3, 6, 7", () => {
  it.each([
    ["+49 176 671 11 638", "+4917667111638"],
    ["+33 6 12 34 56 78", "+33612345678"],
    ["+68672098006", "+68672098006"],
    ["+1 (645) 333-1111", "+16453331111"],
    ["+18004444444", "+18004444444"],
    ["+442087599036", "+442087599036"],
    ["+380634872774", "+380634872774"],
    ["+1 650-253-0000", "+16502530000"],
    ["+1 (650) 253-0000", "+16502530000"],
    ["+600136866982", "+60136866982"],
  ])("%j is valid and becomes %j", (input, expected) => {
    expect(toE164IfValidPhone(input)).toBe(expected);
    expect(normalizePhoneStrict(input)).toBe(expected);
    expect(gracefulNormalization(input)).toBe(expected);
  });

  it.each([["12112112"], ["+1234"], ["foobar"], ["invalid-phone"], ["+12 345 67890123"]])(
    "%j is not a valid number: kept by the graceful path, rejected by the strict one",
    (input) => {
      expect(toE164IfValidPhone(input)).toBeUndefined();
      expect(() => normalizePhoneStrict(input)).toThrow(NormalizationError);
      expect(gracefulNormalization(input)).toBe(canonicalize(input));
    },
  );

  it("spec 2.3: a raw +49 0176 67111638 and its normalised form compare equal after normalisation", () => {
    expect(gracefulNormalization("+49 0176 67111638")).toBe("+4917667111638");
    expect(normalizePhoneStrict("+49 0176 67111638")).toBe("+4917667111638");
  });

  it("strict phone errors carry the Go error text", () => {
    expect((thrown(() => normalizePhoneStrict("12112112")) as Error).message).toBe("invalid country code");
    expect((thrown(() => normalizePhoneStrict("+1234")) as Error).message).toBe(
      "the provided number is not a valid phone number",
    );
    expect((thrown(() => normalizePhoneStrict("foobar")) as Error).message).toBe(
      "the phone number supplied is not a number",
    );
  });

  it("strict phone: fullwidth digits are width-folded, invisible runes are rejected", () => {
    expect(normalizePhoneStrict("＋１ ６５０ ２５３ ００００")).toBe("+16502530000");
    expect((thrown(() => normalizePhoneStrict("+1 650\u200B253 0000")) as Error).message).toBe(
      "precis: disallowed rune encountered",
    );
  });

  it("libphonenumber quirks kept from Go: extensions are dropped, tel: URIs and leading text are accepted", () => {
    expect(toE164IfValidPhone("+1 650 253 0000 ext. 123")).toBe("+16502530000");
    expect(toE164IfValidPhone("tel:+1-650-253-0000")).toBe("+16502530000");
    expect(toE164IfValidPhone("tel:650-253-0000;phone-context=+1")).toBe("+16502530000");
    expect(toE164IfValidPhone("call +1 650-253-0000")).toBe("+16502530000");
  });

  it("Go semantics: trailing junk and e-mail addresses are not phone numbers", () => {
    // Google's parser keeps trailing characters and then fails the viability check; libphonenumber-js's own
    // extraction would cut them off and read these as +16502530000.
    expect(toE164IfValidPhone("+16502530000!")).toBeUndefined();
    expect(toE164IfValidPhone("user+16502530000@example.com")).toBeUndefined();
    expect(gracefulNormalization("User+16502530000@Example.com")).toBe("user+16502530000@example.com");
  });

  it("Go semantics: vanity numbers with three or more letters map to keypad digits", () => {
    expect(toE164IfValidPhone("+1-800-FLOWERS")).toBe("+18003569377");
  });
});

describe("normalizeEmailStrict", () => {
  it("accepts Unicode local parts and lower-cases them", () => {
    expect(normalizeEmailStrict("FÖÖ@ory.sh")).toBe("föö@ory.sh");
    expect(normalizeEmailStrict("foo😀@ory.sh")).toBe("foo😀@ory.sh");
  });

  it("returns the addr-spec of a name-addr and unquotes a quoted local part (net/mail.ParseAddress)", () => {
    expect(normalizeEmailStrict("Foo Bar <FOO@bar.com>")).toBe("foo@bar.com");
    expect(normalizeEmailStrict("foo@bar.com (Foo)")).toBe("foo@bar.com");
    expect(normalizeEmailStrict('"John Doe"@example.com')).toBe("john doe@example.com");
  });

  it.each([
    ["zero-width space U+200B", "ad\u200Bmin@ory.sh"],
    ["zero-width joiner U+200D", "ad\u200Dmin@ory.sh"],
    ["soft hyphen U+00AD", "ad\u00ADmin@ory.sh"],
    ["right-to-left override U+202E", "ad\u202Emin@ory.sh"],
    ["Hangul filler U+3164", "ad\u3164min@ory.sh"],
    ["variation selector U+FE0F", "ad\uFE0Fmin@ory.sh"],
    ["control character U+0007", "ad\u0007min@ory.sh"],
  ])("fails on a disallowed rune: %s", (_name, input) => {
    const e = thrown(() => normalizeEmailStrict(input));
    expect(e).toBeInstanceOf(NormalizationError);
    expect((e as Error).message).toBe("precis: disallowed rune encountered");
  });

  it("fails the Bidi Rule on mixed right-to-left and left-to-right input (x/normalize.go)", () => {
    expect((thrown(() => normalizeEmailStrict("דוד@example.com")) as Error).message).toBe(
      "bidirule: failed Bidi Rule",
    );
  });

  it("fails a contextual rule: a middle dot outside l·l", () => {
    expect((thrown(() => normalizeEmailStrict("a\u00B7b@example.com")) as Error).message).toBe(
      "precis: contextual rule violated",
    );
    expect(normalizeEmailStrict("l\u00B7l@example.com")).toBe("l\u00B7l@example.com");
  });

  it.each([
    ["foobar", "mail: missing '@' or angle-addr"],
    ["foo@", "mail: missing '@' or angle-addr"],
    ["@bar", "mail: missing word in phrase: mail: invalid string"],
    ["a@b@c", 'mail: expected single address, got "@c"'],
    ["a b@c.com", "mail: no angle-addr"],
    ["foo.@docomo.ne.jp", "mail: missing '@' or angle-addr"],
    ["   ", "precis: transformation resulted in empty string"],
  ])("rejects %j with %j", (input, message) => {
    const e = thrown(() => normalizeEmailStrict(input));
    expect(e).toBeInstanceOf(NormalizationError);
    expect((e as Error).message).toBe(message);
  });

  it("NormalizationError is an Error named NormalizationError", () => {
    const e = thrown(() => normalizeEmailStrict("foobar"));
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).name).toBe("NormalizationError");
  });
});

// Behaviour of golang.org/x/text/secure/precis that Kratos inherits without testing it.
describe("canonicalize: Go semantics", () => {
  it("trims Unicode White_Space like strings.TrimSpace, including U+0085 and U+3000", () => {
    expect(canonicalize("\u0085\u3000Alice\u2028")).toBe("alice");
  });

  it("does not trim U+FEFF (not White_Space) but deletes it, so an inner space survives the fallback", () => {
    expect(canonicalize("\uFEFF alice")).toBe(" alice");
    expect(gracefulNormalization("\uFEFF alice")).toBe("alice");
  });

  it("keeps inner spaces (FreeformClass allows them) and maps non-ASCII spaces to ASCII ones", () => {
    expect(canonicalize("Alice  Smith")).toBe("alice  smith");
    expect(canonicalize("Jörg\u00A0Müller")).toBe("jörg müller");
  });

  it("lower-cases before NFKC in the strict path: a mathematical capital keeps its case", () => {
    expect(canonicalize("\u{1D400}lice")).toBe("Alice");
    expect(gracefulNormalization("\u{1D400}lice")).toBe("alice");
  });

  it("maps every capital sigma to σ on the strict path and uses final sigma on the fallback", () => {
    expect(canonicalize("ΟΔΟΣ")).toBe("οδοσ");
    expect(canonicalize("ΟΔΟΣ\u200B")).toBe("οδος");
  });

  it("deletes old Hangul jamo, including those NFKC makes from compatibility jamo", () => {
    expect(canonicalize("a\u1100b")).toBe("ab");
    expect(canonicalize("ㅋㅋ")).toBe("");
    expect(canonicalize("한국")).toBe("한국");
  });

  it("drops the CONTEXTO code points only when the fallback runs", () => {
    expect(canonicalize("l\u00B7l")).toBe("l\u00B7l");
    expect(canonicalize("a\u00B7b")).toBe("ab");
  });

  it("replaces ASCII control characters by nothing", () => {
    expect(canonicalize("Ali\u0000ce\u007F")).toBe("alice");
  });
});
