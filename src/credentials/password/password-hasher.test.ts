import { describe, expect, it } from "vitest";
import { isIdentityError, ValidationError } from "../../errors/index.js";
import { createPasswordHasher, type HashingOptions } from "./password-hasher.js";

const DOC_BCRYPT = "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq"; // "123456"
const CHEAP_ARGON2 = { memoryCost: 64, timeCost: 1, parallelism: 1 };

const raw = (n: number) => Buffer.alloc(n, 5).toString("base64").replace(/=+$/, "");
const argon = (variant: string, m: number, t: number, p: number, salt = 16, tag = 32) =>
  `$${variant}$v=19$m=${m},t=${t},p=${p}$${raw(salt)}$${raw(tag)}`;

describe("createPasswordHasher: round trips", () => {
  it("argon2id hashes in Kratos's PHC format and verifies", async () => {
    const hasher = createPasswordHasher({ argon2: CHEAP_ARGON2 });
    expect(hasher.algorithm).toBe("argon2id");
    const stored = await hasher.hash("correct horse");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    await expect(hasher.verify("correct horse", stored)).resolves.toBe(true);
    await expect(hasher.verify("correct horsf", stored)).resolves.toBe(false);
    expect(await hasher.hash("correct horse")).not.toBe(stored); // fresh salt
    expect(hasher.needsRehash(stored)).toBe(false);
  });

  it("bcrypt hashes as $2a$ (like Go) and verifies", async () => {
    const hasher = createPasswordHasher({ algorithm: "bcrypt", bcrypt: { cost: 4 } });
    const stored = await hasher.hash("pässwörd");
    expect(stored).toMatch(/^\$2a\$04\$[./A-Za-z0-9]{53}$/);
    await expect(hasher.verify("pässwörd", stored)).resolves.toBe(true);
    await expect(hasher.verify("passwort", stored)).resolves.toBe(false);
    expect(hasher.needsRehash(stored)).toBe(false);
  });

  it("verify accepts any supported format, whatever the configured algorithm", async () => {
    const hasher = createPasswordHasher({ argon2: CHEAP_ARGON2 });
    await expect(hasher.verify("123456", DOC_BCRYPT)).resolves.toBe(true);
    await expect(hasher.verify("123456", "$unknown$x")).resolves.toBe(false);
  });

  it("uses the OWASP defaults: argon2id m=47104 KiB, t=1, p=1, 16-byte salt, 32-byte tag", async () => {
    const stored = await createPasswordHasher().hash("pw");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=47104,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(createPasswordHasher({ algorithm: "bcrypt" }).needsRehash(DOC_BCRYPT)).toBe(true); // cost 10 < 12
  });
});

describe("bcrypt's 72-byte limit when hashing", () => {
  const hasher = createPasswordHasher({ algorithm: "bcrypt", bcrypt: { cost: 4 } });
  it.each([
    ["a".repeat(73), 73],
    ["é".repeat(37), 74], // 37 characters, 74 UTF-8 bytes
  ])("refuses a %#th over-long password with Kratos's message (%i bytes)", async (password, bytes) => {
    const error = await hasher.hash(password).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(isIdentityError(error, "validation_failed")).toBe(true);
    expect((error as ValidationError).issues).toEqual([
      {
        pointer: "/password",
        code: "too_long",
        message: `The password must be at most 72 characters long, but got ${bytes}.`,
      },
    ]);
  });
  it("accepts exactly 72 bytes", async () => {
    await expect(hasher.hash("a".repeat(72))).resolves.toMatch(/^\$2a\$04\$/);
  });
});

describe("needsRehash", () => {
  const hasher = createPasswordHasher({ argon2: { memoryCost: 64, timeCost: 2, parallelism: 2 } });
  it.each([
    ["same parameters", argon("argon2id", 64, 2, 2), false],
    ["stronger parameters", argon("argon2id", 128, 3, 4, 32, 64), false],
    ["less memory", argon("argon2id", 32, 2, 2), true],
    ["fewer passes", argon("argon2id", 64, 1, 2), true],
    ["fewer lanes", argon("argon2id", 64, 2, 1), true],
    ["a shorter tag", argon("argon2id", 64, 2, 2, 16, 16), true],
    ["a shorter salt", argon("argon2id", 64, 2, 2, 8, 32), true],
    ["argon2i with the same parameters", argon("argon2i", 64, 2, 2), true],
    ["argon2d with the same parameters", argon("argon2d", 64, 2, 2), true],
    ["bcrypt", DOC_BCRYPT, true],
    ["an unparseable argon2id hash", "$argon2id$v=19$m=64", true],
    ["garbage", "not a hash", true],
  ])("argon2id config: %s gives %s", (_, hash, expected) => {
    expect(hasher.needsRehash(hash)).toBe(expected);
  });

  const bcrypt = createPasswordHasher({ algorithm: "bcrypt", bcrypt: { cost: 10 } });
  it.each([
    ["the same cost", DOC_BCRYPT, false],
    ["a higher cost", `$2b$12${DOC_BCRYPT.slice(6)}`, false],
    ["another minor version", `$2y$10${DOC_BCRYPT.slice(6)}`, false],
    ["a lower cost", `$2a$09${DOC_BCRYPT.slice(6)}`, true],
    ["argon2id", argon("argon2id", 64, 2, 2), true],
    ["garbage", "$2a$10$short", true],
  ])("bcrypt config: %s gives %s", (_, hash, expected) => {
    expect(bcrypt.needsRehash(hash)).toBe(expected);
  });
});

describe("configuration", () => {
  const bad: Array<[string, unknown]> = [
    ["an unknown algorithm", { algorithm: "md5" }],
    ["bcrypt cost 3", { bcrypt: { cost: 3 } }],
    ["bcrypt cost 16 (the verifier would refuse it)", { bcrypt: { cost: 16 } }],
    ["a fractional cost", { bcrypt: { cost: 10.5 } }],
    ["argon2 memory 0", { argon2: { memoryCost: 0 } }],
    ["argon2 memory over 1 GiB", { argon2: { memoryCost: 1048577 } }],
    ["argon2 memory under 8 × parallelism", { argon2: { memoryCost: 31, parallelism: 4 } }],
    ["argon2 t=11", { argon2: { timeCost: 11 } }],
    [
      "argon2 1 GiB × 5 passes (over the verifiers' 4 GiB-passes)",
      { argon2: { memoryCost: 1 << 20, timeCost: 5 } },
    ],
    ["argon2 p=17", { argon2: { parallelism: 17 } }],
    ["an 8-byte salt", { argon2: { saltLength: 8 } }],
    ["a 4-byte tag", { argon2: { hashLength: 4 } }],
    ["concurrency 0", { concurrency: 0 }],
    ["an unknown option", { argon2: { memory: 64 } }],
  ];
  it.each(bad)("refuses %s with invalid_configuration", (_, options) => {
    let thrown: unknown;
    try {
      createPasswordHasher(options as HashingOptions);
    } catch (e) {
      thrown = e;
    }
    expect(isIdentityError(thrown, "invalid_configuration")).toBe(true);
    expect((thrown as { reason?: string }).reason).toMatch(/^hashing\./);
  });
  it("refuses options that cannot be read (revoked proxy, throwing getter) with invalid_configuration", () => {
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    const throwing = Object.defineProperty({}, "algorithm", {
      enumerable: true,
      get() {
        throw new Error("trap");
      },
    });
    for (const options of [revocable.proxy, throwing]) {
      let thrown: unknown;
      try {
        createPasswordHasher(options as HashingOptions);
      } catch (e) {
        thrown = e;
      }
      expect(isIdentityError(thrown, "invalid_configuration")).toBe(true);
    }
  });
  it("lets several hashers with different settings coexist", async () => {
    const a = createPasswordHasher({ algorithm: "bcrypt", bcrypt: { cost: 4 } });
    const b = createPasswordHasher({ argon2: CHEAP_ARGON2 });
    const [ha, hb] = await Promise.all([a.hash("x"), b.hash("x")]);
    expect(ha.startsWith("$2a$04$") && hb.startsWith("$argon2id$")).toBe(true);
    await expect(Promise.all([a.verify("x", hb), b.verify("x", ha)])).resolves.toEqual([true, true]);
  });
});
