import { describe, expect, it } from "vitest";
import { bidiGroup, bidiRuleValid } from "./bidi.js";

const group = (ch: string) => bidiGroup(ch.codePointAt(0) ?? 0, ch);

// Bidi_Class values from the Unicode 15.0 UCD (extracted/DerivedBidiClass.txt).
describe("bidiGroup", () => {
  it.each([
    ["a", 0, "L"],
    ["ö", 0, "L"],
    ["한", 0, "L"],
    ["\u0CBF", 0, "L (a Kannada Mn whose Bidi_Class is L)"],
    ["א", 1, "R"],
    ["م", 1, "AL"],
    ["\u0663", 2, "AN"],
    ["7", 3, "EN"],
    ["\u06F3", 3, "EN (Extended Arabic-Indic digits are EN)"],
    ["\u0301", 4, "NSM"],
    ["@", 5, "ON"],
    [".", 5, "CS"],
    ["+", 5, "ES"],
    ["😀", 5, "ON"],
    [" ", 6, "WS"],
  ])("%j is group %i (%s)", (ch, expected) => {
    expect(group(ch)).toBe(expected);
  });
});

// RFC 5893 as golang.org/x/text/secure/bidirule.Valid applies it (secure/bidirule/bidirule_test.go in golang/text
// has the same shape of cases).
describe("bidiRuleValid", () => {
  it.each([["föo@ory.sh"], ["foo😀@ory.sh"], ["e\u0301"], ["דוד"], ["محمد٣"], ["א1"], ["abc123"], [""]])(
    "%j passes",
    (s) => {
      expect(bidiRuleValid(s)).toBe(true);
    },
  );

  it.each([
    ["1föo", "starts with EN"],
    ["_föo", "starts with a neutral"],
    ["\u0301a", "starts with NSM"],
    ["jörg müller", "contains WS"],
    ["föo.", "LTR ending in a neutral"],
    ["aliceא", "R inside an LTR string"],
    ["דוד@example.com", "L inside an RTL string"],
    ["א1\u0661", "EN and AN together"],
  ])("%j fails: %s", (s) => {
    expect(bidiRuleValid(s)).toBe(false);
  });
});
