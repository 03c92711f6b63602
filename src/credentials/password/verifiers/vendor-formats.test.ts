import { describe, expect, it } from "vitest";
import { isIdentityError } from "../../../errors/index.js";
import { findVerifier, validateImportedHash, verifyPassword } from "../verify-password.js";

// idkit's vendor formats (issue 13): each verified against published vectors where one exists, otherwise against
// hashes made by an independent implementation (test/fixtures/migrate/generate.py, Python).

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const PLAIN = b64("{PASSWORD}");

function code(hash: string): string {
  try {
    validateImportedHash(hash);
    return "valid";
  } catch (e) {
    return isIdentityError(e) ? e.code : `not an IdentityError: ${String(e)}`;
  }
}

describe("phpass ($P$, $H$)", () => {
  // passlib's phpass_test.known_correct_hashes: the official phpass 0.3 source and John the Ripper 1.7.9.
  it.each([
    ["test12345", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"],
    ["test1", "$H$9aaaaaSXBjgypwqm.JsMssPLiS8YQ00"],
    ["123456", "$H$9PE8jEklgZhgLmZl5.HYJAzfGCQtzi1"],
    ["thisisalongertestPW", "$P$912345678LIjjb6PhecupozNBmDndU0"],
    ["JohnRipper", "$P$612345678si5M0DDyPpmRCmcltU/YW/"],
    ["JohnRipper", "$P$B12345678L6Lpt4BxNotVIMILOa9u81"],
    ["", "$P$7JaFQsPzJSuenezefD/3jHgt5hVfNH0"],
    ["compL3X!", "$P$FiS0N5L672xzQx1rt1vgdJQRYKnQM9/"],
  ])("%j verifies against passlib's %s", async (password, hash) => {
    expect(findVerifier(hash)?.id).toBe("phpass");
    await expect(verifyPassword(password, hash)).resolves.toBe(true);
    await expect(verifyPassword(`${password}x`, hash)).resolves.toBe(false);
  });

  it('a bare "$P$" is malformed for a missing cost character, not "cost 2^0" (review of issue 13, finding 10)', () => {
    for (const hash of ["$P$", "$H$"]) {
      let reason = "";
      try {
        validateImportedHash(hash);
      } catch (e) {
        reason = isIdentityError(e) ? String(e.reason) : String(e);
      }
      expect(reason).toBe("phpass: the cost character is missing");
    }
  });

  it("bounds the cost before any work and refuses malformed hashes", async () => {
    expect(code("$P$J12345678L6Lpt4BxNotVIMILOa9u81")).toBe("hash_parameters_out_of_bounds"); // 2^21
    expect(code("$P$H12345678L6Lpt4BxNotVIMILOa9u81")).toBe("valid"); // 2^19
    expect(code("$P$412345678L6Lpt4BxNotVIMILOa9u81")).toBe("unsupported_hash"); // 2^7 is the least
    expect(code("$P$B12345678L6Lpt4BxNotVIMILOa9u8")).toBe("unsupported_hash");
    expect(code("$P$B12345678L6Lpt4BxNotVIMILOa9u8!")).toBe("unsupported_hash");
    const started = performance.now();
    await expect(verifyPassword("x", "$P$z12345678L6Lpt4BxNotVIMILOa9u81")).resolves.toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe("Django bcrypt_sha256", () => {
  // passlib's django_bcrypt_sha256_test.known_correct_hashes ("generated via django 1.6 hasher").
  it.each([
    ["", "bcrypt_sha256$$2a$06$/3OeRpbOf8/l6nPPRdZPp.nRiyYqPobEZGdNRBWihQhiFDh1ws1tu"],
    ["l\u00e8tmein", "bcrypt_sha256$$2a$08$NDjSAIcas.EcoxCRiArvT.MkNiPYVhrsrnJsRkLueZOoV1bsQqlmC"],
    [
      "t\u00e1\u0411\u2113\u0259",
      "bcrypt_sha256$$2a$06$kCXUnRFQptGg491siDKNTu8RxjBGSjALHRuvhPYNFsa4Ea5d9M48u",
    ],
    ["abc123".repeat(12), "bcrypt_sha256$$2a$06$Tg/oYyZTyAf.Nb3qSgN61OySmyXA8FoY4PjGizjE1QSDfuL5MXNni"],
    [
      `${"abc123".repeat(12)}qwr`,
      "bcrypt_sha256$$2a$06$Tg/oYyZTyAf.Nb3qSgN61Ocy0BEz1RK6xslSNi8PlaLX2pe7x/KQG",
    ],
  ])("%j verifies against passlib's %s (beyond 72 bytes too)", async (password, hash) => {
    expect(findVerifier(hash)?.id).toBe("bcrypt_sha256");
    await expect(verifyPassword(password, hash)).resolves.toBe(true);
    await expect(verifyPassword(`${password}x`, hash)).resolves.toBe(false);
  });

  it("bounds the cost as bcrypt does", () => {
    expect(code("bcrypt_sha256$$2a$16$Tg/oYyZTyAf.Nb3qSgN61OySmyXA8FoY4PjGizjE1QSDfuL5MXNni")).toBe(
      "hash_parameters_out_of_bounds",
    );
    expect(code("bcrypt_sha256$$2a$06$short")).toBe("unsupported_hash");
  });
});

describe("peppered bcrypt", () => {
  // Python's bcrypt.hashpw(b"clerk devise" + b"devise-pepper", b"$2b$04$abcdefghijklmnopqrstuu") (generate.py).
  const hash = `$bcrypt-peppered$${b64("devise-pepper")}$2b$04$abcdefghijklmnopqrstuu91FusfGMBsSbziK6O3AcFJhMCFUy71W`;
  it("verifies the password followed by the pepper", async () => {
    await expect(verifyPassword("clerk devise", hash)).resolves.toBe(true);
    await expect(verifyPassword("clerk devisedevise-pepper", hash)).resolves.toBe(false);
  });
  it("refuses a missing or oversized pepper", () => {
    expect(code("$bcrypt-peppered$$2b$04$abcdefghijklmnopqrstuu91FusfGMBsSbziK6O3AcFJhMCFUy71W")).toBe(
      "valid",
    );
    expect(
      code(
        `$bcrypt-peppered$${b64(Buffer.alloc(1025))}$2b$04$abcdefghijklmnopqrstuu91FusfGMBsSbziK6O3AcFJhMCFUy71W`,
      ),
    ).toBe("hash_parameters_out_of_bounds");
    expect(code("$bcrypt-peppered$cGVwcGVy")).toBe("unsupported_hash");
  });
});

describe("templated digests and HMACs beyond Kratos's", () => {
  // RFC 1320 appendix A.5 (MD4 test suite).
  it.each([
    ["", "31d6cfe0d16ae931b73c59d7e0c089c0"],
    ["a", "bde52cb31de33e46245e05fbdbd6fb24"],
    ["message digest", "d9130a8164549fe818874806e1c7014b"],
    ["abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"],
  ])("MD4(%j) = %s (RFC 1320)", async (password, hex) => {
    const hash = `$md4$pf=${PLAIN}$$${b64(Buffer.from(hex, "hex"))}`;
    expect(findVerifier(hash)?.id).toBe("digest");
    await expect(verifyPassword(password, hash)).resolves.toBe(true);
  });

  it("SHA-224 and SHA-384 are SHA-2 here (FIPS 180-2 'abc')", async () => {
    const sha224 = "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7";
    const sha384 =
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7";
    await expect(
      verifyPassword("abc", `$sha224$pf=${PLAIN}$$${b64(Buffer.from(sha224, "hex"))}`),
    ).resolves.toBe(true);
    await expect(
      verifyPassword("abc", `$sha384$pf=${PLAIN}$$${b64(Buffer.from(sha384, "hex"))}`),
    ).resolves.toBe(true);
  });

  it("encodes the password as the head says (UTF-16LE, Latin-1), Kratos's own heads stay UTF-8", async () => {
    const { createHash } = await import("node:crypto");
    const pw = "pässwörd";
    const of = (enc: BufferEncoding) => b64(createHash("md5").update(Buffer.from(pw, enc)).digest());
    await expect(verifyPassword(pw, `$md5-utf16le$pf=${PLAIN}$$${of("utf16le")}`)).resolves.toBe(true);
    await expect(verifyPassword(pw, `$md5-latin1$pf=${PLAIN}$$${of("latin1")}`)).resolves.toBe(true);
    await expect(verifyPassword(pw, `$md5-latin1$pf=${PLAIN}$$${of("utf8")}`)).resolves.toBe(false);
    expect(findVerifier(`$md5$pf=${PLAIN}$$${of("utf8")}`)?.id).toBe("md5");
    await expect(verifyPassword(pw, `$md5$pf=${PLAIN}$$${of("utf8")}`)).resolves.toBe(true);
  });

  // RFC 2286 section 2 (HMAC-RIPEMD160), test cases 1 and 2.
  it.each([
    [Buffer.alloc(20, 0x0b), "Hi There", "24cb4bd67d20fc1a5d2ed7732dcc39377f0a5668"],
    [Buffer.from("Jefe"), "what do ya want for nothing?", "dda6c0213a485a9e24f4742064a7f033b43c4069"],
  ])("HMAC-RIPEMD-160 (RFC 2286) %#", async (key, data, hex) => {
    const hash = `$hmac-ripemd160$${b64(hex)}$${b64(key)}`;
    expect(findVerifier(hash)?.id).toBe("hmac-ext");
    await expect(verifyPassword(data, hash)).resolves.toBe(true);
    await expect(verifyPassword(`${data}x`, hash)).resolves.toBe(false);
  });

  it("refuses wrong lengths, upper-case hex and oversized fields", () => {
    expect(code(`$md4$pf=${PLAIN}$$${b64(Buffer.alloc(15))}`)).toBe("unsupported_hash");
    expect(code(`$sha384$${b64(Buffer.alloc(48))}`)).toBe("unsupported_hash");
    expect(code(`$hmac-ripemd160$${b64("A".repeat(40))}$`)).toBe("unsupported_hash");
    expect(code(`$hmac-sha1-utf16le$${b64("a".repeat(40))}$${b64(Buffer.alloc(1025))}`)).toBe(
      "hash_parameters_out_of_bounds",
    );
    expect(code(`$md4-utf16le$pf=${b64("x".repeat(1025))}$$${b64(Buffer.alloc(16))}`)).toBe(
      "hash_parameters_out_of_bounds",
    );
  });
});

describe("PBKDF2 with other digests", () => {
  // Python hashlib.pbkdf2_hmac (generate.py): SHA-2 224/384, unlike Kratos's $pbkdf2-sha224$ (SHA3-224).
  it("verifies SHA-2 224 and 384, which Kratos's heads would read as SHA3", async () => {
    const h224 = "$pbkdf2-sha2-224$i=1000,l=32$c2FsdC1zaGEyMjQ$I/nBnxPi7bKJXsEBhyW8Uc0usXt7GxKu80NFLhGHBc8";
    await expect(verifyPassword("pbkdf2 sha224", h224)).resolves.toBe(true);
    await expect(verifyPassword("pbkdf2 sha224", h224.replace("sha2-224", "sha224"))).resolves.toBe(false);
    const h384 = "$pbkdf2-sha2-384$i=1000,l=32$c2FsdC1zaGEzODQ$HlhTWkFbd2oxsY+Pr7tz4FiLH2hBHv31rQAZn51jPQw";
    await expect(verifyPassword("pbkdf2 sha384", h384)).resolves.toBe(true);
  });

  // passlib's pbkdf2_hmac("md4", …) with its pure-Python MD4 (OpenSSL 3 has none): Auth0's PBKDF2-MD4.
  it.each([
    [1, "1857f69412150bca4542581d0f9e7fd1"],
    [1000, "fb0618184744c5ae3c685e5c1f592aff4dbb1432d08bf7d77584a7fbcafffbb7b7efcdfdfc6e4398"],
  ])("PBKDF2-HMAC-MD4 with %i iterations (passlib), in the crypt worker pool", async (i, hex) => {
    const raw = (b: Buffer) => b.toString("base64").replace(/=+$/, "");
    const key = Buffer.from(hex, "hex");
    const hash = `$pbkdf2-md4$i=${i},l=${key.length}$${raw(Buffer.from("salt"))}$${raw(key)}`;
    expect(findVerifier(hash)?.id).toBe("pbkdf2-ext");
    await expect(verifyPassword("password", hash)).resolves.toBe(true);
    await expect(verifyPassword("passworx", hash)).resolves.toBe(false);
  });

  it("bounds iterations × blocks per digest", () => {
    const raw = (n: number) => Buffer.alloc(n, 7).toString("base64").replace(/=+$/, "");
    expect(code(`$pbkdf2-md5$i=5000000,l=16$${raw(16)}$${raw(16)}`)).toBe("valid");
    expect(code(`$pbkdf2-md5$i=5000000,l=32$${raw(16)}$${raw(17)}`)).toBe("hash_parameters_out_of_bounds");
    expect(code(`$pbkdf2-sha2-384$i=2500001,l=48$${raw(16)}$${raw(48)}`)).toBe(
      "hash_parameters_out_of_bounds",
    );
    expect(code(`$pbkdf2-whirlpool$i=1,l=64$${raw(16)}$${raw(64)}`)).toBe("unsupported_hash");
    expect(code(`$pbkdf2-md4$i=500001,l=32$${raw(16)}$${raw(32)}`)).toBe("hash_parameters_out_of_bounds");
  });
});

describe("Symfony SHA-512", () => {
  // A Python transcription of Symfony's MessageDigestPasswordEncoder (generate.py), 5000 iterations.
  const hash =
    "$sha512-symfony$i=5000$c3ltZm9ueXNhbHQ=$ukjeLxh3L+ehGoI7d2Hjd41EvqSai4jmad+OikcOxWYSQ/0GsmtTBTcMYIevRq+OiLL77je5y16tEGanE13QoA==";
  it("verifies", async () => {
    await expect(verifyPassword("clerk symfony", hash)).resolves.toBe(true);
    await expect(verifyPassword("clerk symfonx", hash)).resolves.toBe(false);
  });
  it("bounds the iterations before any work", () => {
    expect(code(hash.replace("i=5000", "i=100001"))).toBe("hash_parameters_out_of_bounds");
    expect(code(hash.replace("i=5000", "i=0"))).toBe("unsupported_hash");
    expect(code(hash.replace("$c3ltZm9ueXNhbHQ=", "$c3ltZm9ueXNhbHQ"))).toBe("unsupported_hash");
  });
});
