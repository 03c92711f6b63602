import { describe, expect, it } from "vitest";
import {
  constantTimeEqual,
  decodeBase64Padded,
  decodeBase64RawStrict,
  decodeBase64Strict,
} from "./encoding.js";

describe("strict base64", () => {
  it("decodes canonical padded input", () => {
    expect(decodeBase64Strict("Zm9vYg==")?.toString()).toBe("foob");
    expect(decodeBase64Strict("")?.length).toBe(0);
  });
  it("rejects non-zero padding bits, missing padding and foreign characters", () => {
    expect(decodeBase64Strict("Zm9vYh==")).toBeUndefined(); // 'h' leaves non-zero trailing bits
    expect(decodeBase64Strict("Zm9vYg")).toBeUndefined();
    expect(decodeBase64Strict("Zm9v-g==")).toBeUndefined();
    expect(decodeBase64Strict("Zm9vYg=")).toBeUndefined();
  });
  it("raw variant refuses padding and trailing bits", () => {
    expect(decodeBase64RawStrict("Zm9vYg")?.toString()).toBe("foob");
    expect(decodeBase64RawStrict("Zm9vYg==")).toBeUndefined();
    expect(decodeBase64RawStrict("Zm9vYh")).toBeUndefined();
    expect(decodeBase64RawStrict("Zm9vY")).toBeUndefined();
  });
  it("lenient padded variant ignores trailing bits but still needs padding", () => {
    expect(decodeBase64Padded("Zm9vYh==")?.toString()).toBe("foob");
    expect(decodeBase64Padded("Zm9vYh")).toBeUndefined();
  });
  it("constantTimeEqual compares bytes", () => {
    expect(constantTimeEqual(Buffer.from("ab"), Buffer.from("ab"))).toBe(true);
    expect(constantTimeEqual(Buffer.from("ab"), Buffer.from("ac"))).toBe(false);
    expect(constantTimeEqual(Buffer.from("ab"), Buffer.from("abc"))).toBe(false);
  });
});
