import { describe, expect, it } from "vitest";
import { createPasswordPolicy, type PasswordPolicyOptions, resolvePasswordPolicyOptions } from "./index.js";
import { expectInvalidConfiguration } from "./test-helpers.js";

describe("password policy options", () => {
  it("applies Kratos's defaults", () => {
    expect(resolvePasswordPolicyOptions()).toEqual({
      minLength: 8,
      maxBytes: undefined,
      identifierSimilarityCheck: true,
      commonPasswordCheck: true,
      breachedPasswordChecker: undefined,
      maxBreaches: 0,
      ignoreCheckerErrors: true,
    });
    expect(Object.isFrozen(resolvePasswordPolicyOptions({}))).toBe(true);
  });

  it("keeps valid options", () => {
    const checker = async () => 0;
    expect(
      resolvePasswordPolicyOptions({
        minLength: 6,
        maxBytes: 72,
        identifierSimilarityCheck: false,
        commonPasswordCheck: false,
        breachedPasswordChecker: checker,
        maxBreaches: 100,
        ignoreCheckerErrors: false,
      }),
    ).toEqual({
      minLength: 6,
      maxBytes: 72,
      identifierSimilarityCheck: false,
      commonPasswordCheck: false,
      breachedPasswordChecker: checker,
      maxBreaches: 100,
      ignoreCheckerErrors: false,
    });
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ["minLength below 6", { minLength: 5 }, /passwordPolicy\.minLength/],
    ["fractional minLength", { minLength: 8.5 }, /passwordPolicy\.minLength/],
    ["string minLength", { minLength: "8" }, /passwordPolicy\.minLength/],
    ["maxBytes of 0", { maxBytes: 0 }, /passwordPolicy\.maxBytes/],
    [
      "maxBytes below the default minLength",
      { maxBytes: 7 },
      /passwordPolicy\.maxBytes: must not be smaller/,
    ],
    ["maxBytes below minLength", { minLength: 20, maxBytes: 19 }, /passwordPolicy\.maxBytes/],
    ["negative maxBreaches", { maxBreaches: -1 }, /passwordPolicy\.maxBreaches/],
    ["maxBreaches over 100", { maxBreaches: 101 }, /passwordPolicy\.maxBreaches/],
    ["checker that is no function", { breachedPasswordChecker: "hibp" }, /breachedPasswordChecker/],
    ["non-boolean flag", { identifierSimilarityCheck: "yes" }, /identifierSimilarityCheck/],
    ["non-boolean commonPasswordCheck", { commonPasswordCheck: 1 }, /commonPasswordCheck/],
    ["non-boolean ignoreCheckerErrors", { ignoreCheckerErrors: null }, /ignoreCheckerErrors/],
    ["unknown option", { minLenght: 10 }, /minLenght/],
    ["options that are no object", "strict", /passwordPolicy/],
  ];

  for (const [name, options, reason] of bad) {
    it(`rejects ${name}`, () => {
      expectInvalidConfiguration(() => createPasswordPolicy(options as PasswordPolicyOptions), reason);
    });
  }

  it("accepts maxBytes equal to minLength", () => {
    expect(() => createPasswordPolicy({ minLength: 8, maxBytes: 8 })).not.toThrow();
  });
});
