import { describe, expect, it } from "vitest";
import { isIdentityError } from "../../errors/index.js";
import { createPasswordHasher } from "./password-hasher.js";
import { validateImportedHash, verifyPassword } from "./verify-password.js";

const SALT = "c2FsdHNhbHRzYWx0"; // "saltsaltsalt", valid both raw and padded
const TAG = "aGFzaGhhc2hoYXNoaGFzaA"; // 16 bytes, raw

/** Hashes whose parameters would cost minutes, terabytes or a crash if anything ran them. */
const HOSTILE: Array<[string, string, string]> = [
  ["scrypt N=2^30", `$scrypt$ln=1073741824,r=8,p=1$${SALT}$aGFzaA==`, "hash_parameters_out_of_bounds"],
  ["scrypt r=2^20", `$scrypt$ln=16384,r=1048576,p=1$${SALT}$aGFzaA==`, "hash_parameters_out_of_bounds"],
  ["argon2id m=4 TiB", `$argon2id$v=19$m=4294967295,t=1,p=1$${SALT}$${TAG}`, "hash_parameters_out_of_bounds"],
  ["argon2i t=2^32-1", `$argon2i$v=19$m=64,t=4294967295,p=1$${SALT}$${TAG}`, "hash_parameters_out_of_bounds"],
  [
    "argon2d m over u32",
    `$argon2d$v=19$m=99999999999999,t=1,p=1$${SALT}$${TAG}`,
    "hash_parameters_out_of_bounds",
  ],
  ["pbkdf2 i=10^12", `$pbkdf2-sha256$i=1000000000000,l=32$${SALT}$${TAG}`, "hash_parameters_out_of_bounds"],
  [
    "bcrypt cost 31",
    "$2b$31$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq",
    "hash_parameters_out_of_bounds",
  ],
  [
    "firescrypt ln=31",
    `$firescrypt$ln=31,r=8,p=1$${SALT}$aGFzaA==$Bw==$a2V5a2V5`,
    "hash_parameters_out_of_bounds",
  ],
  [
    "firescrypt p=2^31",
    `$firescrypt$ln=14,r=8,p=2147483648$${SALT}$aGFzaA==$Bw==$a2V5a2V5`,
    "hash_parameters_out_of_bounds",
  ],
  ["scrypt broken base64", `$scrypt$ln=16384,r=8,p=1$${SALT}$aGFz!A==`, "unsupported_hash"],
  [
    "argon2id broken base64",
    `$argon2id$v=19$m=64,t=1,p=1$${SALT}$MNzk5BtR2vUhrp6qQEjRN2`,
    "unsupported_hash",
  ],
  [
    "pbkdf2 padded where raw is required",
    `$pbkdf2-sha512$i=1000,l=32$${SALT}$aGFzaGhhc2g=`,
    "unsupported_hash",
  ],
  ["firescrypt broken base64", `$firescrypt$ln=14,r=8,p=1$${SALT}$aGFzaA=$Bw==$a2V5a2V5`, "unsupported_hash"],
  [
    "bcrypt foreign characters",
    "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDy+",
    "unsupported_hash",
  ],
  ["a 1 MB hash", `$argon2id$v=19$m=64,t=1,p=1$${"A".repeat(1 << 20)}$`, "unsupported_hash"],
];

describe("hostile hashes are rejected before any work", () => {
  it.each(HOSTILE)(
    "%s: validateImportedHash throws, verifyPassword is false within 50 ms",
    async (_, hash, code) => {
      let thrown: unknown;
      try {
        validateImportedHash(hash);
      } catch (e) {
        thrown = e;
      }
      expect(isIdentityError(thrown) ? thrown.code : thrown).toBe(code);

      const started = performance.now();
      await expect(verifyPassword("any-password", hash)).resolves.toBe(false);
      expect(performance.now() - started).toBeLessThan(50);
    },
  );

  it("a hasher answers hostile hashes at once, without waiting behind queued work", async () => {
    const hasher = createPasswordHasher({ algorithm: "bcrypt", bcrypt: { cost: 10 }, concurrency: 1 });
    const slow = hasher.hash("queued work"); // holds the only slot for ~50 ms
    const started = performance.now();
    for (const [, hash] of HOSTILE) await expect(hasher.verify("any-password", hash)).resolves.toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
    await expect(slow).resolves.toMatch(/^\$2a\$10\$/);
  });
});
