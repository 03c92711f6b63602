import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as passwords from "idkit/passwords";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const HEAVY = ["ajv", "ajv-formats", "zod", "libphonenumber-js"];
const ENTRY = fileURLToPath(new URL("../src/passwords/index.ts", import.meta.url));

/** Every source file reachable from `file` through relative imports (type-only ones included), and the packages. */
function reach(file: string, files = new Set<string>(), packages = new Set<string>()) {
  if (files.has(file)) return { files, packages };
  files.add(file);
  for (const { fileName } of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
    if (fileName.startsWith(".")) {
      reach(resolve(dirname(file), fileName.replace(/\.js$/, ".ts")), files, packages);
    } else {
      packages.add(
        fileName
          .split("/")
          .slice(0, fileName.startsWith("@") ? 2 : 1)
          .join("/"),
      );
    }
  }
  return { files, packages };
}

describe("idkit/passwords", () => {
  it("reaches none of ajv, zod, libphonenumber-js through its imports", () => {
    const { files, packages } = reach(ENTRY);
    expect(files.size).toBeGreaterThan(10);
    expect(packages).toContain("@node-rs/argon2");
    for (const heavy of HEAVY) expect([...packages]).not.toContain(heavy);
    // The schema and address folders are what pull them in.
    expect([...files].filter((f) => /\/src\/(schema|addresses|identity)\//.test(f))).toEqual([]);
  });

  it("exports the hashers, verifiers, policy and the errors they throw", () => {
    expect(Object.keys(passwords).sort()).toEqual([
      "DEFAULT_MIN_PASSWORD_LENGTH",
      "DEFAULT_PWNED_PASSWORDS_HOST",
      "IdentityError",
      "ValidationError",
      "createPasswordHasher",
      "createPasswordPolicy",
      "createPwnedPasswordsChecker",
      "isIdentityError",
      "preloadCommonPasswords",
      "validateImportedHash",
      "verifyPassword",
    ]);
  });

  it("is documented: README's idkit/passwords section names every value it exports", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const start = readme.indexOf("### `idkit/passwords`");
    const section = readme.slice(start, readme.indexOf("\n### ", start + 1));
    expect(start).toBeGreaterThan(0);
    for (const name of Object.keys(passwords)) expect(section.includes(`\`${name}`), name).toBe(true);
  });

  it("hashes and verifies, and refuses a bad configuration with invalid_configuration", async () => {
    const hasher = passwords.createPasswordHasher({ algorithm: "bcrypt", bcrypt: { cost: 4 } });
    const hash = await hasher.hash("correct horse");
    await expect(passwords.verifyPassword("correct horse", hash)).resolves.toBe(true);
    expect(() => passwords.validateImportedHash(hash)).not.toThrow();
    let thrown: unknown;
    try {
      passwords.createPasswordPolicy({ minLength: 3 });
    } catch (e) {
      thrown = e;
    }
    expect(passwords.isIdentityError(thrown, "invalid_configuration")).toBe(true);
    expect((thrown as passwords.IdentityError).reason).toBe(
      "passwordPolicy.minLength: Too small: expected number to be >=6",
    );
  });
});
