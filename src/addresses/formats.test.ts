import { describe, expect, it } from "vitest";
import { isEmailFormat, isTelFormat } from "./index.js";

// Spec 2.4 (ory/jsonschema formats.go); the [test] cases are from identity/extension_credentials_test.go and
// identity/extension_verification_test.go in ory/kratos.
describe("isEmailFormat: spec 2.4", () => {
  it("spec 2.4: foo@öry.sh is invalid (IDN domain)", () => {
    expect(isEmailFormat("foo@öry.sh")).toBe(false);
  });

  it("spec 2.4: bar@o😶ry.sh is invalid (emoji domain)", () => {
    expect(isEmailFormat("bar@o😶ry.sh")).toBe(false);
  });

  it("spec 2.4: föo@ory.sh is valid (Unicode local part)", () => {
    expect(isEmailFormat("föo@ory.sh")).toBe(true);
  });

  it("spec 2.4: foo😀@ory.sh is valid (emoji local part)", () => {
    expect(isEmailFormat("foo😀@ory.sh")).toBe(true);
  });

  it("spec 2.3/2.8 case 5: foobar is invalid", () => {
    expect(isEmailFormat("foobar")).toBe(false);
  });

  it.each([
    ["foo@ory.sh"],
    ["FOO@ory.sh"],
    ["first.last+tag@sub.example.com"],
    ['"john doe"@example.com'],
    ['"a@b"@example.com'],
    [" foo@example.com"], // net/mail skips leading spaces and the local-part limit still holds
    ["x@a.-b.com"], // ory/jsonschema only checks the first character of the whole hostname for a hyphen
  ])("%j is valid", (value) => {
    expect(isEmailFormat(value)).toBe(true);
  });

  it.each([
    ["foo@", "empty domain"],
    ["@bar.com", "empty local part"],
    ["a@b@c.com", "unquoted @ in the local part"],
    ["a b@c.com", "space in the local part"],
    ["foo.@docomo.ne.jp", "trailing dot in the local part"],
    [".foo@example.com", "leading dot in the local part"],
    ["fo..o@example.com", "double dot in the local part"],
    ["foo@exa_mple.com", "underscore in the domain"],
    ["foo@-example.com", "domain starting with a hyphen"],
    ["foo@example-.com", "label ending with a hyphen"],
    ["foo@example..com", "empty label"],
    ["foo@[127.0.0.1]", "domain literal (not a hostname)"],
    ["Foo <foo@example.com>", "name-addr form (the domain ends with '>')"],
    ["foo@example.com.", "trailing dot (isHostname allows it, net/mail does not)"],
    ["foo@example.com ", "trailing space"],
    ["", "empty string"],
  ])("%j is invalid: %s", (value) => {
    expect(isEmailFormat(value)).toBe(false);
  });

  it("the local part may be 64 bytes but not 65", () => {
    expect(isEmailFormat(`${"a".repeat(64)}@example.com`)).toBe(true);
    expect(isEmailFormat(`${"a".repeat(65)}@example.com`)).toBe(false);
  });

  it("the local-part limit counts UTF-8 bytes: 32 ö are 64 bytes, 33 are 66", () => {
    expect(isEmailFormat(`${"ö".repeat(32)}@example.com`)).toBe(true);
    expect(isEmailFormat(`${"ö".repeat(33)}@example.com`)).toBe(false);
  });

  it("the whole address may be 254 bytes but not 255", () => {
    const domain = (n: number) => `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(n)}`;
    expect(isEmailFormat(`${"x".repeat(10)}@${domain(60)}`).valueOf()).toBe(true); // 10 + 1 + 243 = 254
    expect(isEmailFormat(`${"x".repeat(11)}@${domain(60)}`)).toBe(false); // 255
  });
});

describe("isTelFormat: spec 2.4", () => {
  it("spec 2.4: 12112112 is invalid (no leading + and no default region)", () => {
    expect(isTelFormat("12112112")).toBe(false);
  });

  it.each([
    ["+1 650-253-0000"],
    ["+1 (650) 253-0000"],
    ["+600136866982"],
    ["+33 6 12 34 56 78"],
    ["+68672098006"],
    ["+49 176 671 11 638"],
    ["+1 (645) 333-1111"],
    ["+442087599036"],
    ["+18004444444"],
    ["+380634872774"],
  ])("%j is a valid tel (spec 2.8 cases 3, 6, 7, 8)", (value) => {
    expect(isTelFormat(value)).toBe(true);
  });

  it.each([
    ["+1234"],
    ["foobar"],
    ["invalid-phone"],
    ["+12 345 67890123"],
    [""],
    ["+"],
    ["+999 123 456 789"],
  ])("%j is not a valid tel", (value) => {
    expect(isTelFormat(value)).toBe(false);
  });
});
