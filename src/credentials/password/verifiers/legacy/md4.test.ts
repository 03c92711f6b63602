import { describe, expect, it } from "vitest";
import { hmacMd4, md4 } from "./md4.js";

describe("MD4", () => {
  it("matches the RFC 1320 appendix A.5 test suite (1-block, 2-block and multi-block inputs)", () => {
    const suite: [string, string][] = [
      ["", "31d6cfe0d16ae931b73c59d7e0c089c0"],
      ["a", "bde52cb31de33e46245e05fbdbd6fb24"],
      ["abc", "a448017aaf21d8525fc10ae87aa6729d"],
      ["message digest", "d9130a8164549fe818874806e1c7014b"],
      ["abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"],
      ["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "043f8582f241db351ce627e153e7f0e4"],
      [
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
        "e33b4ddc9c38f2199c3e7b164fcc0536",
      ],
    ];
    for (const [input, hex] of suite)
      expect({ input, hex: md4(Buffer.from(input)).toString("hex") }).toEqual({ input, hex });
  });

  it("HMAC-MD4 gives Kratos's TestCompare/hmac-md4 MAC and hashes over-long keys first (RFC 2104)", () => {
    // Kratos's `$hmac-md4$` vector (TestCompare/hmac-md4) is checked end to end in kratos-vectors.test.ts.
    expect(hmacMd4(Buffer.from("12345"), Buffer.from("test")).toString("hex")).toBe(
      "1d9e28776f88ba6149b449328a85e8b0",
    );
    // A key longer than the block is hashed first: compare with the short key it reduces to.
    const long = Buffer.alloc(100, 7);
    expect(hmacMd4(long, Buffer.from("x"))).toEqual(hmacMd4(md4(long), Buffer.from("x")));
  });
});
