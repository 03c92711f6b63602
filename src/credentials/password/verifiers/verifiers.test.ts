import { scryptSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isIdentityError } from "../../../errors/index.js";
import { validateImportedHash, verifyPassword } from "../verify-password.js";
import { parseBcryptHash } from "./bcrypt.js";

function thrownCode(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    return isIdentityError(e) ? e.code : `not an IdentityError: ${String(e)}`;
  }
  return undefined;
}

const DOC_BCRYPT = "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq"; // "123456"
const raw = (n: number, fill = 7) => Buffer.alloc(n, fill).toString("base64").replace(/=+$/, "");

describe("bcrypt", () => {
  it.each(["$2$", "$2b$", "$2y$", "$2z$"])("verifies the %s minor version like $2a$", async (prefix) => {
    const h = prefix + DOC_BCRYPT.slice(4);
    await expect(verifyPassword("123456", h)).resolves.toBe(true);
    await expect(verifyPassword("1234567", h)).resolves.toBe(false);
  });
  it("ignores unused salt bits like Go, but refuses a hash part with non-zero trailing bits", async () => {
    // '.' -> '/' flips only the 4 unused low bits of the salt's last character.
    const salt = `${DOC_BCRYPT.slice(0, 28)}/${DOC_BCRYPT.slice(29)}`;
    await expect(verifyPassword("123456", salt)).resolves.toBe(true);
    const tail = `${DOC_BCRYPT.slice(0, 59)}r`; // 'q' -> 'r' flips an unused bit
    expect(thrownCode(() => parseBcryptHash(tail))).toBe("unsupported_hash");
    await expect(verifyPassword("123456", tail)).resolves.toBe(false);
  });
  it("bounds the cost: 16..31 out of bounds, below 4 or above 31 malformed, and checks it first", () => {
    const body = DOC_BCRYPT.slice(7);
    expect(thrownCode(() => validateImportedHash(`$2a$16$${body}`))).toBe("hash_parameters_out_of_bounds");
    expect(thrownCode(() => validateImportedHash(`$2a$31$garbage`))).toBe("hash_parameters_out_of_bounds");
    expect(thrownCode(() => validateImportedHash(`$2a$03$${body}`))).toBe("unsupported_hash");
    expect(thrownCode(() => validateImportedHash(`$2a$32$${body}`))).toBe("unsupported_hash");
    expect(thrownCode(() => validateImportedHash(`$2a$10$${body}x`))).toBe("unsupported_hash");
    expect(thrownCode(() => validateImportedHash(`$2a$10$${body.slice(1)}`))).toBe("unsupported_hash");
    expect(thrownCode(() => validateImportedHash(`$2a$+4$${body}`))).toBe("unsupported_hash");
  });
});

describe("argon2", () => {
  const passlib = JSON.parse(
    readFileSync(
      new URL("../../../../test/fixtures/hash-vectors/passlib-argon2-vectors.json", import.meta.url),
      "utf8",
    ),
  ) as { vectors: Array<{ variant: string; password: string; hash: string }> };

  it.each(passlib.vectors)("verifies the published $variant string $hash", async (v) => {
    await expect(verifyPassword(v.password, v.hash)).resolves.toBe(true);
    await expect(verifyPassword(`${v.password}!`, v.hash)).resolves.toBe(false);
  });
  it("argon2d is its own variant: the same parameters as argon2i/argon2id do not match", async () => {
    const d = passlib.vectors.find((v) => v.variant === "argon2d")!.hash;
    await expect(verifyPassword("password", d.replace("$argon2d$", "$argon2i$"))).resolves.toBe(false);
    await expect(verifyPassword("password", d.replace("$argon2d$", "$argon2id$"))).resolves.toBe(false);
  });
  it.each([
    ["a salt under 8 bytes", `$argon2id$v=19$m=32,t=1,p=1$${raw(7)}$${raw(16)}`],
    ["a tag under 4 bytes", `$argon2id$v=19$m=32,t=1,p=1$${raw(16)}$${raw(3)}`],
    ["an empty tag (matches everything in Kratos)", `$argon2id$v=19$m=32,t=1,p=1$${raw(16)}$`],
    ["m < 8p", `$argon2id$v=19$m=31,t=1,p=4$${raw(16)}$${raw(16)}`],
    ["version 16", `$argon2id$v=16$m=32,t=1,p=1$${raw(16)}$${raw(16)}`],
    ["no version", `$argon2id$m=32,t=1,p=1$${raw(16)}$${raw(16)}`],
    ["an extra parameter", `$argon2id$v=19$m=32,t=1,p=1,data=abcd$${raw(16)}$${raw(16)}`],
    ["a signed parameter", `$argon2id$v=19$m=+32,t=1,p=1$${raw(16)}$${raw(16)}`],
    ["padded base64", `$argon2id$v=19$m=32,t=1,p=1$${raw(16)}==$${raw(16)}`],
  ])("refuses %s as unsupported_hash", async (_, hash) => {
    expect(thrownCode(() => validateImportedHash(hash))).toBe("unsupported_hash");
    await expect(verifyPassword("anything", hash)).resolves.toBe(false);
  });
  it("bounds m, t and p (p over 255 too)", () => {
    for (const params of [
      "m=0,t=1,p=1",
      "m=1048577,t=1,p=1",
      "m=64,t=0,p=1",
      "m=64,t=11,p=1",
      "m=512,t=1,p=17",
    ]) {
      const h = `$argon2i$v=19$${params}$${raw(16)}$${raw(16)}`;
      expect(
        thrownCode(() => validateImportedHash(h)),
        params,
      ).toBe("hash_parameters_out_of_bounds");
    }
    expect(thrownCode(() => validateImportedHash(`$argon2d$v=19$m=64,t=1,p=256$x$y`))).toBe(
      "hash_parameters_out_of_bounds",
    );
  });
});

describe("pbkdf2", () => {
  const SHA256 =
    "$pbkdf2-sha256$i=100000,l=32$1jP+5Zxpxgtee/iPxGgOz0RfE9/KJuDElP1ley4VxXc$QJxzfvdbHYBpydCbHoFg3GJEqMFULwskiuqiJctoYpI";
  it("falls back to SHA-256 for any other shaNNN digest, like Kratos", async () => {
    await expect(verifyPassword("test", SHA256.replace("sha256", "sha999"))).resolves.toBe(true);
    await expect(verifyPassword("test", SHA256.replace("sha256", "sha1"))).resolves.toBe(false);
  });
  it("ignores l, refuses i=0 and an empty or tiny hash", async () => {
    await expect(verifyPassword("test", SHA256.replace("l=32", "l=7"))).resolves.toBe(true);
    expect(thrownCode(() => validateImportedHash(SHA256.replace("i=100000", "i=0")))).toBe(
      "hash_parameters_out_of_bounds",
    );
    expect(thrownCode(() => validateImportedHash(`$pbkdf2-sha256$i=1,l=0$${raw(8)}$`))).toBe(
      "unsupported_hash",
    );
    expect(thrownCode(() => validateImportedHash(`$pbkdf2-sha256$i=1,l=3$${raw(8)}$${raw(3)}`))).toBe(
      "unsupported_hash",
    );
  });
});

describe("scrypt and firescrypt", () => {
  const b64 = (n: number) => Buffer.alloc(n, 9).toString("base64");
  it("refuses N=1 and N not a power of two as unsupported_hash", () => {
    for (const n of [1, 3, 16385]) {
      expect(thrownCode(() => validateImportedHash(`$scrypt$ln=${n},r=8,p=1$${b64(16)}$${b64(32)}`))).toBe(
        "unsupported_hash",
      );
    }
  });
  it("computes at the memory bound (N=2^17, r=8: 128 MiB) without a maxmem error", async () => {
    const salt = Buffer.from("0123456789abcdef");
    const key = scryptSync("pw", salt, 32, { N: 1 << 17, r: 8, p: 1, maxmem: 256 << 20 });
    const hash = `$scrypt$ln=131072,r=8,p=1$${salt.toString("base64")}$${key.toString("base64")}`;
    await expect(verifyPassword("pw", hash)).resolves.toBe(true);
  });
  it("firescrypt: refuses ln=0 and a hash whose length differs from the signer key", () => {
    expect(
      thrownCode(() => validateImportedHash(`$firescrypt$ln=0,r=8,p=1$${b64(8)}$${b64(8)}$Bw==$${b64(8)}`)),
    ).toBe("unsupported_hash");
    expect(
      thrownCode(() => validateImportedHash(`$firescrypt$ln=1,r=8,p=1$${b64(8)}$${b64(8)}$Bw==$${b64(9)}`)),
    ).toBe("unsupported_hash");
  });
});
