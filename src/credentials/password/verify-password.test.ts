import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isIdentityError } from "../../errors/index.js";
import { bcryptVerifier } from "./verifiers/bcrypt.js";
import { findVerifier, VERIFIERS, validateImportedHash, verifyPassword } from "./verify-password.js";

interface Vector {
  format: string;
  password: string;
  hash: string;
  match: boolean;
  test: string;
  failure_kind?: string;
}
interface ImportCase {
  format: string;
  hash: string;
  valid: boolean;
  expected_error?: string;
  test: string;
}

const fixture = JSON.parse(
  readFileSync(
    new URL("../../../test/fixtures/hash-vectors/kratos-hash-vectors.json", import.meta.url),
    "utf8",
  ),
) as { vectors: Vector[]; import_validation: ImportCase[] };

const OURS = new Set(["bcrypt", "argon2id", "argon2i", "pbkdf2", "scrypt", "firebasescrypt", "unknown"]);

/** Vectors where our behaviour deliberately differs from Kratos's, by Kratos test name, with the reason. */
const DEVIATIONS = new Map([
  [
    "TestComparatorBcryptFailsWhenPasswordIsTooLong",
    "Kratos's CompareBcrypt errors on any password over 72 bytes; we apply bcrypt's own semantics (only the first " +
      "72 bytes count), so hashes imported from systems that truncated silently keep working.",
  ],
]);

/** Returns the IdentityError code `fn` throws, or undefined when it does not throw. */
function thrownCode(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    return isIdentityError(e) ? e.code : `not an IdentityError: ${String(e)}`;
  }
  return undefined;
}

const vectors = fixture.vectors.filter((v) => OURS.has(v.format));

describe("Kratos hash vectors through verifyPassword", () => {
  it("covers every vector of our formats", () => {
    expect(vectors.length).toBe(55);
  });

  const regular = vectors.map((v, i) => ({ ...v, name: `#${i} ${v.test} (${v.failure_kind ?? "match"})` }));
  it.concurrent.each(regular.filter((v) => !DEVIATIONS.has(v.test)))("$name", async (v) => {
    await expect(verifyPassword(v.password, v.hash)).resolves.toBe(v.match);
  });
});

describe("deliberate deviations from Kratos", () => {
  it("lists only vectors that exist in the fixture", () => {
    for (const name of DEVIATIONS.keys()) expect(vectors.some((v) => v.test === name)).toBe(true);
  });

  it("bcrypt: a password over 72 bytes is not an error, only its first 72 bytes count", async () => {
    const vector = vectors.find((v) => v.test === "TestComparatorBcryptFailsWhenPasswordIsTooLong");
    expect(vector?.match).toBe(false);
    // The vector's stored hash ("hash") is not bcrypt at all, so it still fails here, as unknown/malformed.
    await expect(verifyPassword(vector!.password, vector!.hash)).resolves.toBe(false);
    await expect(bcryptVerifier.verify(vector!.password, vector!.hash)).resolves.toBe(false);
    // The deviation: a real bcrypt hash of the first 72 bytes verifies the 73-byte password (Kratos: error).
    const { hash } = await import("@node-rs/bcrypt");
    const stored = await hash(vector!.password.slice(0, 72), { cost: 4, version: "2a" });
    expect(Buffer.byteLength(vector!.password)).toBe(73);
    await expect(verifyPassword(vector!.password, stored)).resolves.toBe(true);
  });
});

describe("Kratos import validation cases through validateImportedHash", () => {
  const cases = fixture.import_validation.filter((c) => OURS.has(c.format));
  it("covers every import case of our formats", () => {
    expect(cases.length).toBe(15);
  });
  it.each(cases.map((c, i) => ({ ...c, name: `#${i} ${c.test}` })))("$name", (c) => {
    const expected = c.valid
      ? undefined
      : c.expected_error === "hash.ErrHashParametersOutOfBounds"
        ? "hash_parameters_out_of_bounds"
        : "unsupported_hash";
    expect(thrownCode(() => validateImportedHash(c.hash))).toBe(expected);
  });
});

describe("Kratos import documentation examples", () => {
  const examples: Array<[string, string, string]> = [
    ["bcrypt", "123456", "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq"],
    ["argon2id", "test", "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw"],
    [
      "pbkdf2",
      "test",
      "$pbkdf2-sha256$i=100000,l=32$1jP+5Zxpxgtee/iPxGgOz0RfE9/KJuDElP1ley4VxXc$QJxzfvdbHYBpydCbHoFg3GJEqMFULwskiuqiJctoYpI",
    ],
    [
      "scrypt",
      "123456",
      "$scrypt$ln=16384,r=8,p=1$ZtQva9xCHzlSELH/mA7Kj5KjH2tCrkbwYzdxknkL0QQ=$pnTcXKaWVT+FwFDdk3vO1K0J7ZgOxdSU1tCJNYmn8zI=",
    ],
    [
      "firebasescrypt",
      "8x4WjoDbSxJZdR",
      "$firescrypt$ln=14,r=8,p=1$sPtDhWcd1MfdAw==$xbSou7FOl6mChCyzpCPIQ7tku7nsQMTFtyOZSXXd7tjBa4NtimOx7v42Gv2SfzPQu1oxM2/k4SsbOu73wlKe1A==$Bw==$YE0dO4bwD4JnJafh6lZZfkp1MtKzuKAXQcDCJNJNyeCHairWHKENOkbh3dzwaCdizzOspwr/FITUVlnOAwPKyw==",
    ],
  ];
  it.each(examples)("%s example verifies and imports", async (format, password, hash) => {
    expect(findVerifier(hash)?.id).toBe(format);
    expect(() => validateImportedHash(hash)).not.toThrow();
    await expect(verifyPassword(password, hash)).resolves.toBe(true);
    await expect(verifyPassword(`${password}x`, hash)).resolves.toBe(false);
  });
});

describe("dispatcher", () => {
  it("has unique verifier ids and includes the legacy verifiers", async () => {
    const { LEGACY_VERIFIERS } = await import("./verifiers/legacy/index.js");
    const ids = VERIFIERS.map((v) => v.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const v of LEGACY_VERIFIERS) expect(VERIFIERS).toContain(v);
  });
  it("rejects unknown, empty and $2x$ hashes on import as unsupported_hash", () => {
    for (const h of [
      "",
      "plain",
      "$2x$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq",
      "$argon2$v=19",
    ]) {
      expect(findVerifier(h)).toBeUndefined();
      expect(thrownCode(() => validateImportedHash(h))).toBe("unsupported_hash");
    }
  });
  it("resolves false instead of rejecting for non-string input", async () => {
    await expect(verifyPassword(undefined as unknown as string, "$2a$04$x")).resolves.toBe(false);
    await expect(verifyPassword("pw", null as unknown as string)).resolves.toBe(false);
  });
});
