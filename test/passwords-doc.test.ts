import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAX_HASH_LENGTH, MAX_KEY_BYTES, MAX_SALT_BYTES } from "../src/credentials/password/limits.js";
import {
  ARGON2_BOUNDS,
  ARGON2_MAX_WORK_KIB,
  ARGON2_MIN_SALT_BYTES,
} from "../src/credentials/password/verifiers/argon2.js";
import { BCRYPT_MAX_COST } from "../src/credentials/password/verifiers/bcrypt.js";
import { FIRESCRYPT_BOUNDS } from "../src/credentials/password/verifiers/firescrypt.js";
import { MIN_KEY_BYTES } from "../src/credentials/password/verifiers/hash-params.js";
import {
  SHA_CRYPT_MAX_ROUNDS,
  SHA_CRYPT_MAX_WORK,
  SHA_CRYPT_MIN_WORK_BYTES,
} from "../src/credentials/password/verifiers/legacy/crypt.js";
import { PBKDF2_MAX_WORK } from "../src/credentials/password/verifiers/pbkdf2.js";
import { SCRYPT_BOUNDS, SCRYPT_MAX_WORK } from "../src/credentials/password/verifiers/scrypt.js";
import { findVerifier, VERIFIERS } from "../src/credentials/password/verify-password.js";
import { validateImportedHash, verifyPassword } from "../src/index.js";

// docs/passwords.md must not drift from the code: its format table is parsed here, every example is verified with
// its password, every verifier appears in it, and every test it cites for a deviation exists.

const ROOT = new URL("../", import.meta.url);
const doc = readFileSync(new URL("docs/passwords.md", ROOT), "utf8");

/** The text between the `## <title>` heading and the next level-2 heading. */
function section(title: string): string {
  const start = doc.search(new RegExp(`^## ${title}\\s*$`, "m"));
  if (start < 0) throw new Error(`docs/passwords.md has no "## ${title}" section`);
  const rest = doc.slice(start + 3);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Splits a Markdown table row on unescaped pipes, trimming every cell (whatever padding a formatter adds). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, "")
    .replace(/(?<!\\)\|$/, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

/** The content of a cell that is exactly one code span, or undefined. */
function code(cell: string | undefined): string | undefined {
  return /^`([^`]*)`$/.exec(cell ?? "")?.[1];
}

interface FormatRow {
  id: string;
  bounds: string;
  hash: string;
  password: string;
  line: number;
}

const formatTable = section("Accepted formats");
const headerLine = formatTable.split("\n").find((l) => /^\s*\|\s*id\s*\|/.test(l));
const header = cells(headerLine ?? "");
const boundsColumn = header.findIndex((c) => c.startsWith("bounds"));
const rows: FormatRow[] = formatTable
  .split("\n")
  .map((text, i) => ({ text, line: i }))
  .filter(({ text }) => /^\s*\|/.test(text) && text !== headerLine && !/^\s*\|[\s:|-]+\|\s*$/.test(text))
  .map(({ text, line }) => {
    const c = cells(text);
    const id = code(c[0]);
    const hash = code(c.at(-2));
    const password = code(c.at(-1));
    if (id === undefined || hash === undefined || password === undefined || c.length !== header.length) {
      throw new Error(`docs/passwords.md, "Accepted formats" table: cannot parse row ${line}: ${text}`);
    }
    return { id, bounds: c[boundsColumn] ?? "", hash, password, line };
  });

describe("docs/passwords.md format table", () => {
  it("has the expected columns and one row or more per format", () => {
    expect(header).toEqual([
      "id",
      "layout",
      "encoding",
      "bounds (checked before any work)",
      "example hash",
      "password",
    ]);
    expect(rows.length).toBeGreaterThanOrEqual(VERIFIERS.length);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(rows.length);
  });

  it("lists every verifier of VERIFIERS, in dispatch order, and no other id", () => {
    const documented = [...new Set(rows.map((r) => r.id))];
    expect(documented).toEqual(VERIFIERS.map((v) => v.id));
  });

  it.concurrent.each(rows.map((r) => ({ ...r, name: `${r.id}: ${r.hash.slice(0, 32)}` })))(
    "$name verifies with its password and passes validateImportedHash",
    async ({ id, hash, password }) => {
      expect(findVerifier(hash)?.id).toBe(id);
      expect(() => validateImportedHash(hash)).not.toThrow();
      await expect(verifyPassword(password, hash)).resolves.toBe(true);
      await expect(verifyPassword(`${password}x`, hash)).resolves.toBe(false);
    },
  );

  it("states the bounds the code enforces", () => {
    const boundsOf = (id: string) =>
      rows
        .filter((r) => r.id === id)
        .map((r) => r.bounds.replace(/[\s,]/g, ""))
        .join(" ");
    const expected: Record<string, number[]> = {
      bcrypt: [BCRYPT_MAX_COST],
      argon2id: [
        ARGON2_BOUNDS.memoryCost.max,
        ARGON2_BOUNDS.timeCost.max,
        ARGON2_BOUNDS.parallelism.max,
        ARGON2_MAX_WORK_KIB,
        ARGON2_MIN_SALT_BYTES,
        MIN_KEY_BYTES,
        MAX_SALT_BYTES,
        MAX_KEY_BYTES,
      ],
      argon2i: [ARGON2_BOUNDS.memoryCost.max, ARGON2_BOUNDS.timeCost.max, ARGON2_BOUNDS.parallelism.max],
      argon2d: [ARGON2_BOUNDS.memoryCost.max, ARGON2_BOUNDS.timeCost.max, ARGON2_BOUNDS.parallelism.max],
      pbkdf2: [...Object.values(PBKDF2_MAX_WORK), MIN_KEY_BYTES, MAX_SALT_BYTES, MAX_KEY_BYTES],
      scrypt: [
        SCRYPT_BOUNDS.N.max,
        SCRYPT_BOUNDS.r.max,
        SCRYPT_BOUNDS.p.max,
        SCRYPT_MAX_WORK,
        MAX_SALT_BYTES,
      ],
      firebasescrypt: [
        FIRESCRYPT_BOUNDS.ln.max,
        FIRESCRYPT_BOUNDS.r.max,
        FIRESCRYPT_BOUNDS.p.max,
        SCRYPT_MAX_WORK,
        MAX_SALT_BYTES,
      ],
      sha256crypt: [SHA_CRYPT_MAX_ROUNDS, SHA_CRYPT_MAX_WORK, SHA_CRYPT_MIN_WORK_BYTES],
      sha512crypt: [SHA_CRYPT_MAX_ROUNDS, SHA_CRYPT_MAX_WORK, SHA_CRYPT_MIN_WORK_BYTES],
      ssha: [MAX_SALT_BYTES],
      sha: [MAX_SALT_BYTES],
      md5: [MAX_SALT_BYTES],
      hmac: [MAX_SALT_BYTES],
      "ldap-smd5": [MAX_SALT_BYTES],
      "sha256crypt-mcf": [SHA_CRYPT_MAX_ROUNDS],
      "sha512crypt-mcf": [SHA_CRYPT_MAX_ROUNDS],
    };
    for (const [id, numbers] of Object.entries(expected)) {
      for (const n of numbers) expect(boundsOf(id), `${id} bounds mention ${n}`).toContain(String(n));
    }
  });
});

describe("docs/passwords.md worst-case cost table", () => {
  const costTable = section("Worst-case verification cost per format");
  const costRows = costTable
    .split("\n")
    .filter((l) => /^\s*\|/.test(l))
    .slice(2)
    .map(cells);

  it("covers every verifier, states every length cap and a measured figure per row", () => {
    const ids = costRows.flatMap((c) => [...(c[0] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    expect(new Set(ids)).toEqual(new Set(VERIFIERS.map((v) => v.id)));
    for (const row of costRows) expect(row.at(-1), row[0]).toMatch(/\d.*(ms|s)\b/);
    const flat = costTable.replace(/[\s,]/g, "");
    for (const n of [
      MAX_HASH_LENGTH,
      MAX_SALT_BYTES,
      MAX_KEY_BYTES,
      4096,
      SCRYPT_MAX_WORK,
      ARGON2_MAX_WORK_KIB,
    ])
      expect(flat, `mentions ${n}`).toContain(String(n));
    for (const n of Object.values(PBKDF2_MAX_WORK)) expect(flat).toContain(String(n));
    expect(flat).toContain(String(SHA_CRYPT_MAX_WORK));
  });
});

describe("docs/passwords.md deviations", () => {
  const deviations = section("Deliberate deviations from Kratos");
  // `path/to/file.test.ts` › `test name` [and `another test name`…]: every named test must exist in that file.
  const references = [
    ...deviations.matchAll(/`((?:src|test)\/[\w./-]+\.test\.ts)`\s*›\s*((?:`[^`]+`(?:\s*(?:,|and)\s*)?)+)/g),
  ].flatMap((m) => [...m[2]!.matchAll(/`([^`]+)`/g)].map((n) => ({ file: m[1]!, name: n[1]! })));
  const unique = [...new Map(references.map((r) => [`${r.file} ${r.name}`, r])).values()];

  it("names tests for the deviations", () => {
    expect(references.length).toBeGreaterThanOrEqual(15);
  });

  it.each(unique)("$file has a test named $name", ({ file, name }) => {
    const url = new URL(file, ROOT);
    expect(existsSync(url), file).toBe(true);
    expect(readFileSync(url, "utf8")).toContain(`"${name}"`);
  });
});
