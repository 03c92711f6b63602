import { describe, expect, it } from "vitest";
import { e164IfValid, isViable, parseE164 } from "./phone.js";

// Go's VALID_PHONE_NUMBER_PATTERN, transcribed separately from phonenumbers.go (nyaruka/phonenumbers v1.7.4) in
// its original shape, `{3,}` included. It is only safe to run on short strings in a backtracking engine.
const P =
  "\\-x\\u2010-\\u2015\\u2212\\u30FC\\uFF0D-\\uFF0F \\u00A0\\u00AD\\u200B\\u2060\\u3000()\\uFF08\\uFF09\\uFF3B\\uFF3D.\\[\\]/~\\u2053\\u223C\\uFF5E";
const D = "\\p{Nd}";
const AFTER = "[:\\.\\uFF0E]?[ \\u00A0\\t,-]*";
const EXTN =
  `;ext=(${D}{1,20})|[ \\u00A0\\t,]*(?:e?xt(?:ensi(?:o\\u0301?|\\u00F3))?n?|\\uFF45?\\uFF58\\uFF54\\uFF4E?|\\u0434\\u043E\\u0431|anexo)${AFTER}(${D}{1,20})#?` +
  `|[ \\u00A0\\t,]*(?:[x\\uFF58#\\uFF03~\\uFF5E]|int|\\uFF49\\uFF4E\\uFF54)${AFTER}(${D}{1,9})#?|[- ]+(${D}{1,6})#` +
  `|[ \\u00A0\\t]*(?:,{2}|;)${AFTER}(${D}{1,15})#?|[ \\u00A0\\t]*(?:,)+${AFTER}(${D}{1,9})#?`;
const GO_VALID_PHONE_NUMBER = new RegExp(
  `^(${D}{2}|[+\\uFF0B]*(?:[${P}*]*${D}){3,}[${P}*A-Za-z${D}]*(?:${EXTN})?)$`,
  "iu",
);

/** Deterministic pseudo-random generator (mulberry32), so failures are reproducible. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("isViable (Go isViablePhoneNumber)", () => {
  it("decides the same strings as Go's VALID_PHONE_NUMBER_PATTERN on 20,000 generated inputs", () => {
    const digits = ["1", "2", "7", "٣"];
    const others = [
      "+",
      " ",
      "-",
      "x",
      "X",
      "e",
      "t",
      "n",
      ",",
      ";",
      "=",
      ":",
      ".",
      "#",
      "(",
      ")",
      "a",
      "*",
      "\u00A0",
      "\t",
      "!",
      "доб",
      "ext",
      ",,",
    ];
    const next = rng(42);
    let viable = 0;
    for (let i = 0; i < 20_000; i++) {
      const len = 1 + Math.floor(next() * 14);
      let s = next() < 0.5 ? "+" : "";
      for (let j = 0; j < len; j++) {
        const pool = next() < 0.55 ? digits : others;
        s += pool[Math.floor(next() * pool.length)];
      }
      const expected = s.length >= 2 && GO_VALID_PHONE_NUMBER.test(s);
      if (isViable(s) !== expected) throw new Error(`isViable(${JSON.stringify(s)}) should be ${expected}`);
      if (expected) viable++;
    }
    // Make sure the corpus exercised both outcomes.
    expect(viable).toBeGreaterThan(500);
  });

  it.each([
    ["4445556666", true],
    ["+441932123456", true],
    ["4930123456", true],
    ["2", false],
    ["helloworld", false],
    ["12", true],
    ["+12", false],
    ["+1 650 253 0000;ext=123", true],
    ["+1 650 253 0000 ext: 123", true],
    ["+16502530000@example.com", false],
  ])("%j is viable: %s (phonenumbers_test.go TestIsViablePhoneNumber and more)", (s, expected) => {
    expect(isViable(s)).toBe(expected);
  });

  it("stays fast on 250 characters built to make a backtracking matcher explode", () => {
    const inputs = [`+123${" ".repeat(240)}!`, `+123${",".repeat(240)}!`, `+1${" 1".repeat(120)};`];
    const started = performance.now();
    for (const s of inputs) for (let i = 0; i < 20; i++) isViable(s);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('parseE164 (phonenumbers.Parse(v, "") + IsValidNumber)', () => {
  it.each([
    ["+1 (530) 583-6985 x302/x2303", "+15305836985"], // a second extension is cut, the first stripped
    ["tel:+1-650-253-0000;isub=12345", "+16502530000"],
    ["tel:650-253-0000;phone-context=+1", "+16502530000"],
    ["＋１ ６５０ ２５３ ００００", "+16502530000"], // fullwidth plus and digits
    ["+٤٤ ٢٠ ٧٩٤٦ ٠٩٥٨", "+442079460958"], // Arabic-Indic digits
    ["++1 650 253 0000", "+16502530000"],
  ])("%j gives %j", (input, expected) => {
    expect(parseE164(input)).toBe(expected);
  });

  it.each([
    ["", "the phone number supplied is not a number"],
    ["foobar", "the phone number supplied is not a number"],
    ["12112112", "invalid country code"],
    ["+999 1234 5678", "invalid country code"],
    ["+1234", "the provided number is not a valid phone number"],
    ["1+650 253 0000", "the phone number supplied is not a number"], // a plus inside is not viable
    ["tel:6502530000;phone-context=", "the phone number supplied is not a number"],
    [`+1${"2".repeat(250)}`, "the string supplied is too long to be a phone number"],
  ])("%j fails with %j", (input, error) => {
    expect(parseE164(input)).toEqual({ error });
  });

  it("e164IfValid rejects without a plus and returns the E.164 string otherwise", () => {
    expect(e164IfValid("16502530000")).toBeUndefined();
    expect(e164IfValid("+16502530000")).toBe("+16502530000");
  });
});
