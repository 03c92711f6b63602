import { describe, expect, it } from "vitest";
import { isIdentityError } from "../../errors/index.js";
import { decodeBase64Padded, decodeBase64RawStrict, decodeBase64Strict } from "./encoding.js";
import { validateImportedHash, verifyPassword } from "./verify-password.js";

// idkit issue 7, item 16b. Go's base64 decoders skip CR and LF anywhere, `Strict()` ones included (Go
// `encoding/base64`: "the input is still malleable, as new line characters (CR and LF) are still ignored"), and
// Kratos decodes every base64 field of its formats with them (hash/hash_comparator.go). So a hash whose base64 was
// line-wrapped verifies in Kratos; it does here too.
//
// Vectors made with Python 3.11's hashlib (sha1, sha512, md5, pbkdf2_hmac, scrypt), hmac and base64.encodebytes,
// which wraps MIME-style at 76 characters and ends with "\n" (the {SSHA} one with "\r\n" line ends; for the
// unpadded PBKDF2 fields the "=" were removed). Password "test123"; salts bytes(range(100, 160)) etc.
const WRAPPED: Array<[string, string]> = [
  [
    "{SSHA512}, LF",
    "{SSHA512}N/7kzvgLkdR5oWqqqIG2JzX98OOGaFICB7uoAV9+ayZbRXAYgPBNMWsnQBBbPsoJe0+Zd8IxduRI\nQppXfBGCcQECAwQFBgcICQoLDA0ODxA=\n",
  ],
  [
    "{SSHA}, CRLF",
    "{SSHA}sn53uspCv40K4M8TY5hSssobNkBkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4SFhoeI\r\niYqLjI2Oj5CRkpOUlZaXmJmam5ydnp8=\r\n",
  ],
  [
    "pbkdf2-sha256 (Go RawStdEncoding.Strict)",
    "$pbkdf2-sha256$i=1000,l=64$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo+QkZKTlJWWl5iZmpuc\nnZ6f\n$P7Gxm83FEokFhR+RJA/x6a1jPDebI9+e/OrYsPDZUX7fyvYHtHaYlKfOiNzY7pZ5v5GmSHmn9RNe\nyWEOkn0fog\n",
  ],
  [
    "hmac-sha256 (both fields wrapped)",
    "$hmac-sha256$NWM5YTMwNDgwMGUwMTYzOWE1YjBhYmIxYTE3M2VmZDQxZDlmNzBjYWNlMzBhZTc5ZmYxMDYyMTQy\nNDkxNTgxMg==\n$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4\nOTo7PD0+P0BBQkNERUZHSElKS0xNTk8=\n",
  ],
  [
    "md5 with a pf= template (salt wrapped)",
    "$md5$pf=e1NBTFR9e1BBU1NXT1JEfQ==$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo+QkZKTlJWWl5iZmpuc\nnZ6f\n$l36VRvZR3jh6a9BEdmYDEQ==",
  ],
  [
    "scrypt N=16 r=8 p=1 (Go StdEncoding.Strict)",
    "$scrypt$ln=16,r=8,p=1$ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOEhYaHiImKi4yNjo+QkZKTlJWWl5iZmpuc\nnZ6f\n$y3H4UetlNbMf4LcY7FzlQLTt/7Vj3S9g5iSqf8rA80ashDOJnXBbc8/qUWI0XQFtQgaAGlLcsppp\nTRyJdfEJzQ==\n",
  ],
];

describe("base64 fields with line breaks verify as in Kratos", () => {
  it.each(WRAPPED)("%s: validates and verifies; a wrong password does not", async (_, hash) => {
    expect(() => validateImportedHash(hash)).not.toThrow();
    await expect(verifyPassword("test123", hash)).resolves.toBe(true);
    await expect(verifyPassword("test124", hash)).resolves.toBe(false);
  });

  it("each decoder skips CR and LF anywhere, padding included, and nothing else", () => {
    expect(decodeBase64Strict("Zm9v\r\nYg=\n=\n")?.toString()).toBe("foob");
    expect(decodeBase64Padded("\nZm9vYh==")?.toString()).toBe("foob");
    expect(decodeBase64RawStrict("Zm\n9vYg\r")?.toString()).toBe("foob");
    // Other whitespace is still foreign, as in Go.
    expect(decodeBase64Strict("Zm9v Yg==")).toBeUndefined();
    expect(decodeBase64Strict("Zm9v\tYg==")).toBeUndefined();
    // Line breaks do not stand in for missing characters.
    expect(decodeBase64Strict("Zm9vYg=\n")).toBeUndefined();
    expect(decodeBase64RawStrict("Zm9vY\n")).toBeUndefined();
  });

  it("a hash made only of line breaks after the tag stays unsupported_hash", () => {
    let code: string | undefined;
    try {
      validateImportedHash("{SSHA}\r\n\r\n");
    } catch (e) {
      code = isIdentityError(e) ? e.code : String(e);
    }
    expect(code).toBe("unsupported_hash");
  });
});
