import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isIdentityError } from "../../errors/index.js";
import { MAX_HASH_LENGTH, MAX_KEY_BYTES, MAX_PASSWORD_BYTES, MAX_SALT_BYTES } from "./limits.js";
import { createPasswordHasher } from "./password-hasher.js";
import { ARGON2_MAX_WORK_KIB } from "./verifiers/argon2.js";
import { PBKDF2_MAX_WORK } from "./verifiers/pbkdf2.js";
import { SCRYPT_MAX_WORK } from "./verifiers/scrypt.js";
import { validateImportedHash, verifyPassword } from "./verify-password.js";

// idkit issue 7, items 2 and 16b: the work of verifying any accepted hash is bounded by its total cost.

const raw = (n: number, fill = 7) => Buffer.alloc(n, fill).toString("base64").replace(/=+$/, "");
const pad = (n: number, fill = 7) => Buffer.alloc(n, fill).toString("base64");

/** The IdentityError code `validateImportedHash` throws, "valid", or the foreign error's name (a failure). */
function validity(hash: unknown): string {
  try {
    validateImportedHash(hash as string);
    return "valid";
  } catch (e) {
    return isIdentityError(e) ? e.code : `not an IdentityError: ${(e as Error)?.name}`;
  }
}

/** verifyPassword's answer and how long it took, in ms. */
async function timedVerify(password: string, hash: string): Promise<{ result: boolean; ms: number }> {
  const started = performance.now();
  const result = await verifyPassword(password, hash);
  return { result, ms: performance.now() - started };
}

describe("the issue's examples", () => {
  it("a 3,200-byte PBKDF2 hash at i=100000 (2.7 s in the issue) is out of bounds, refused without hashing", async () => {
    const hash = `$pbkdf2-sha256$i=100000,l=32$${raw(16)}$${raw(3200)}`;
    expect(validity(hash)).toBe("hash_parameters_out_of_bounds");
    const { result, ms } = await timedVerify("test", hash);
    expect(result).toBe(false);
    expect(ms).toBeLessThan(50);
  });

  it("i=10000000 is out of bounds, with a 32-byte hash and with a 3,200-byte one", async () => {
    for (const hash of [
      `$pbkdf2-sha256$i=10000000,l=32$${raw(16)}$${raw(32)}`,
      `$pbkdf2-sha256$i=10000000,l=32$${raw(16)}$${raw(3200)}`,
      `$pbkdf2-sha1$i=10000000,l=20$${raw(16)}$${raw(20)}`,
    ]) {
      expect({ hash: hash.slice(0, 40), code: validity(hash) }).toEqual({
        hash: hash.slice(0, 40),
        code: "hash_parameters_out_of_bounds",
      });
      const { result, ms } = await timedVerify("test", hash);
      expect({ result, fast: ms < 50 }).toEqual({ result: false, fast: true });
    }
  });

  it('"$md5$" + 4.5 MB is unsupported_hash, never a RangeError; verifyPassword is false at once', async () => {
    const hash = `$md5$${"A".repeat(4_500_000)}`;
    expect(validity(hash)).toBe("unsupported_hash");
    const { result, ms } = await timedVerify("test", hash);
    expect(result).toBe(false);
    expect(ms).toBeLessThan(50);
  });

  it("a 100 KB password against sha512-crypt (15 s in the issue) is false without hashing", async () => {
    // Kratos TestCompare/sha512-crypt, password "test".
    const hash =
      "$sha512-crypt$rounds=656000$3LVbIAVxR//cRajw$uuNasMW.RYxlGzIRFU1Was70BPSa933AjxhZIGJdJBOlqJAHlgqa0yuiuq5JHF/ryNGryJkj87G9i3G2HPSXg1";
    const { result, ms } = await timedVerify("x".repeat(100_000), hash);
    expect(result).toBe(false);
    expect(ms).toBeLessThan(50);
  });
});

describe("the password-length cap of verifyPassword and hasher.verify", () => {
  // MD5 of the password, made with node:crypto: the cheapest format, so only the cap decides.
  const md5Of = (password: string) => `$md5$${createHash("md5").update(password).digest("base64")}`;
  const atCap = "é".repeat(MAX_PASSWORD_BYTES / 2); // 4096 UTF-8 bytes, 2048 UTF-16 units
  const overCap = `${atCap}a`;

  it("is 4096 UTF-8 bytes, the cap login applies", async () => {
    expect(MAX_PASSWORD_BYTES).toBe(4096);
    await expect(verifyPassword(atCap, md5Of(atCap))).resolves.toBe(true);
    await expect(verifyPassword(overCap, md5Of(overCap))).resolves.toBe(false);
  });

  it("applies to hasher.verify too, before queueing", async () => {
    const hasher = createPasswordHasher({ algorithm: "bcrypt", bcrypt: { cost: 4 }, concurrency: 1 });
    await expect(hasher.verify(atCap, md5Of(atCap))).resolves.toBe(true);
    await expect(hasher.verify(overCap, md5Of(overCap))).resolves.toBe(false);
  });
});

describe("total-cost bounds per format (validation only: nothing is hashed)", () => {
  const pbkdf2 = (digest: string, i: number, keyBytes: number) =>
    `$pbkdf2-${digest}$i=${i},l=${keyBytes}$${raw(16)}$${raw(keyBytes)}`;

  it.each([
    ["Keycloak pbkdf2 (SHA-1): 1,300,000 × 4 blocks", pbkdf2("sha1", 1_300_000, 64), "valid"],
    ["Django 5.2: SHA-256 1,200,000 × 1 block", pbkdf2("sha256", 1_200_000, 32), "valid"],
    ["Keycloak pbkdf2-sha256: 600,000 × 2 blocks", pbkdf2("sha256", 600_000, 64), "valid"],
    ["Keycloak pbkdf2-sha512: 210,000 × 1 block", pbkdf2("sha512", 210_000, 64), "valid"],
    ["SHA-256 at the cap: 4,000,000 × 2 blocks", pbkdf2("sha256", 4_000_000, 64), "valid"],
    [
      "SHA-256 one over: 4,000,001 × 2 blocks",
      pbkdf2("sha256", 4_000_001, 64),
      "hash_parameters_out_of_bounds",
    ],
    ["SHA-256: 100,000 × 81 blocks", pbkdf2("sha256", 100_000, 32 * 80 + 1), "hash_parameters_out_of_bounds"],
    ["SHA-512 over: 4,000,001 × 1", pbkdf2("sha512", 4_000_001, 64), "hash_parameters_out_of_bounds"],
    ["SHA3-224 (sha224) at the cap: 1,000,000 × 2", pbkdf2("sha224", 1_000_000, 56), "valid"],
    [
      "SHA3-224 (sha224) over: 1,000,000 × 3",
      pbkdf2("sha224", 1_000_000, 57),
      "hash_parameters_out_of_bounds",
    ],
    [
      "SHA3-384 (sha384) over: 2,000,001 × 1",
      pbkdf2("sha384", 2_000_001, 32),
      "hash_parameters_out_of_bounds",
    ],
    ["unknown shaNNN counts as SHA-256", pbkdf2("sha999", 8_000_001, 32), "hash_parameters_out_of_bounds"],
    ["a 1,025-byte salt", `$pbkdf2-sha256$i=1,l=32$${raw(1025)}$${raw(32)}`, "hash_parameters_out_of_bounds"],
    ["a 1,025-byte key at i=1", pbkdf2("sha256", 1, 1025), "hash_parameters_out_of_bounds"],
  ])("pbkdf2: %s is %s", (_, hash, expected) => {
    expect(validity(hash)).toBe(expected);
  });

  it("pbkdf2 caps: 8M HMAC iterations for SHA-1/SHA-256, 4M for SHA-512, 2M for the SHA3 ones", () => {
    expect(PBKDF2_MAX_WORK).toEqual({
      sha1: 8_000_000,
      sha256: 8_000_000,
      sha512: 4_000_000,
      "sha3-224": 2_000_000,
      "sha3-384": 2_000_000,
    });
  });

  const scrypt = (N: number, r: number, p: number, salt = 16, key = 32) =>
    `$scrypt$ln=${N},r=${r},p=${p}$${pad(salt)}$${pad(key)}`;
  const fire = (ln: number, r: number, p: number, key = 64) =>
    `$firescrypt$ln=${ln},r=${r},p=${p}$${pad(16)}$${pad(key)}$Bw==$${pad(key)}`;
  it.each([
    ["OWASP N=2^17 r=8 p=1", scrypt(1 << 17, 8, 1), "valid"],
    ["at the cap N=2^17 r=8 p=2", scrypt(1 << 17, 8, 2), "valid"],
    ["N=2^17 r=8 p=3", scrypt(1 << 17, 8, 3), "hash_parameters_out_of_bounds"],
    ["N=2^16 r=8 p=5", scrypt(1 << 16, 8, 5), "hash_parameters_out_of_bounds"],
    [
      "N=2^17 r=8 p=10 (within Kratos's one-by-one bounds)",
      scrypt(1 << 17, 8, 10),
      "hash_parameters_out_of_bounds",
    ],
    ["a 1,025-byte salt", scrypt(16384, 8, 1, 1025), "hash_parameters_out_of_bounds"],
    ["a 1,025-byte key", scrypt(16384, 8, 1, 16, 1025), "hash_parameters_out_of_bounds"],
    ["firescrypt ln=14 r=8 p=1 (Firebase)", fire(14, 8, 1), "valid"],
    ["firescrypt ln=17 r=8 p=2", fire(17, 8, 2), "valid"],
    ["firescrypt ln=17 r=8 p=3", fire(17, 8, 3), "hash_parameters_out_of_bounds"],
    ["firescrypt with a 1,025-byte signer key", fire(14, 8, 1, 1025), "hash_parameters_out_of_bounds"],
  ])("scrypt: %s is %s", (_, hash, expected) => {
    expect(SCRYPT_MAX_WORK).toBe(2 ** 21);
    expect(validity(hash)).toBe(expected);
  });

  const argon2 = (m: number, t: number, salt = 16, tag = 32) =>
    `$argon2id$v=19$m=${m},t=${t},p=1$${raw(salt)}$${raw(tag)}`;
  it.each([
    ["libsodium SENSITIVE: 1 GiB, t=4", argon2(1 << 20, 4), "valid"],
    ["1 GiB, t=5", argon2(1 << 20, 5), "hash_parameters_out_of_bounds"],
    ["1 GiB, t=10 (within Kratos's one-by-one bounds)", argon2(1 << 20, 10), "hash_parameters_out_of_bounds"],
    ["512 MiB, t=8", argon2(1 << 19, 8), "valid"],
    ["512 MiB, t=9", argon2(1 << 19, 9), "hash_parameters_out_of_bounds"],
    ["salt of 1,024 bytes", argon2(64, 1, MAX_SALT_BYTES), "valid"],
    ["salt of 1,025 bytes", argon2(64, 1, 1025), "hash_parameters_out_of_bounds"],
    ["tag of 1,024 bytes", argon2(64, 1, 16, MAX_KEY_BYTES), "valid"],
    ["tag of 1,025 bytes", argon2(64, 1, 16, 1025), "hash_parameters_out_of_bounds"],
  ])("argon2: %s is %s", (_, hash, expected) => {
    expect(ARGON2_MAX_WORK_KIB).toBe(4 * 1024 * 1024);
    expect(validity(hash)).toBe(expected);
  });

  const b64 = (n: number) => pad(n, 3);
  const hex = (n: number) => Buffer.from("a".repeat(n)).toString("base64");
  it.each([
    ["{SSHA} with a 1,024-byte salt", `{SSHA}${b64(20 + 1024)}`, "valid"],
    ["{SSHA} with a 1,025-byte salt", `{SSHA}${b64(20 + 1025)}`, "hash_parameters_out_of_bounds"],
    ["{SSHA512} with a 1,025-byte salt", `{SSHA512}${b64(64 + 1025)}`, "hash_parameters_out_of_bounds"],
    ["{SMD5} with a 1,025-byte salt", `{SMD5}${b64(16 + 1025)}`, "hash_parameters_out_of_bounds"],
    [
      "md5 pf= template of 1,025 bytes",
      `$md5$pf=${b64(1025)}$${b64(8)}$${b64(16)}`,
      "hash_parameters_out_of_bounds",
    ],
    ["md5 salt of 1,025 bytes", `$md5$pf=${b64(6)}$${b64(1025)}$${b64(16)}`, "hash_parameters_out_of_bounds"],
    [
      "sha512 salt of 1,025 bytes",
      `$sha512$pf=${b64(6)}$${b64(1025)}$${b64(64)}`,
      "hash_parameters_out_of_bounds",
    ],
    ["sha1 template of 1,024 bytes", `$sha1$pf=${b64(1024)}$${b64(1024)}$${b64(20)}`, "valid"],
    ["hmac key of 1,024 bytes", `$hmac-sha1$${hex(40)}$${b64(1024)}`, "valid"],
    ["hmac key of 1,025 bytes", `$hmac-sha1$${hex(40)}$${b64(1025)}`, "hash_parameters_out_of_bounds"],
  ])("legacy: %s is %s", (_, hash, expected) => {
    expect(validity(hash)).toBe(expected);
  });
});

describe("the hash length is capped before anything else", () => {
  const HEADS = [
    "$2a$10$",
    "$argon2id$v=19$m=64,t=1,p=1$",
    "$pbkdf2-sha256$i=1,l=32$",
    "$scrypt$ln=16,r=8,p=1$",
    "$firescrypt$ln=1,r=1,p=1$",
    "$md5-crypt$",
    "$sha512-crypt$rounds=5000$",
    "$6$",
    "{SSHA}",
    "{SMD5}",
    "$sha256$pf=",
    "$md5$",
    "$hmac-sha256$",
  ];
  it.each(HEADS)("%s + a tail over 65,536 characters is unsupported_hash", async (head) => {
    const hash = head + "A".repeat(MAX_HASH_LENGTH + 1 - head.length);
    expect(validity(hash)).toBe("unsupported_hash");
    expect(validity(hash.slice(0, MAX_HASH_LENGTH))).toMatch(
      /^(unsupported_hash|hash_parameters_out_of_bounds)$/,
    );
    const { result, ms } = await timedVerify("test", hash);
    expect({ result, fast: ms < 50 }).toEqual({ result: false, fast: true });
  });
});
