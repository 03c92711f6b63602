import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CreateIdentityBody, type ImportProgress, MemoryStorage } from "../src/index.js";
import { manager } from "./helpers.js";
import { ARGON2, asyncSource, BCRYPT, clearText, hashed, person, syncSource } from "./import-rows.js";

/** A mix of good and bad rows, with the summary entries the bad ones must produce (index → code, pointer). */
function mixedRows(): unknown[] {
  return [
    hashed("bcrypt@example.org", BCRYPT.hash), // 0
    hashed("argon2@example.org", ARGON2.hash), // 1
    clearText("clear@example.org"), // 2
    person("BCRYPT@example.org"), // 3: conflicts with 0 (same batch)
    person("not an email"), // 4: invalid trait
    42, // 5: not an object
    null, // 6
    hashed("bad-hash@example.org", "$unknown$hash"), // 7
    { ...person("unknown-field@example.org"), x: 1 }, // 8
    person("external@example.org", { external_id: "ext-taken" }), // 9: conflicts with the existing identity
    () => person("function@example.org"), // 10: not JSON
    person("Existing@Example.org"), // 11: conflicts with the existing identity
    clearText("clear2@example.org"), // 12
    person("clear@example.org"), // 13: conflicts with 2 (another batch)
    person("last@example.org", { metadata_public: { n: 14 } }), // 14
  ];
}

async function setup() {
  const storage = new MemoryStorage();
  const idm = manager({ storage });
  const existing = await idm.createIdentity(person("existing@example.org", { external_id: "ext-taken" }));
  return { storage, idm, existing };
}

describe("importIdentities", () => {
  for (const [kind, source] of [
    ["sync", syncSource],
    ["async", asyncSource],
  ] as const) {
    it(`imports a ${kind} generator of mixed rows with an exact summary`, async () => {
      const { storage, idm, existing } = await setup();
      const progress: ImportProgress[] = [];
      const result = await idm.importIdentities(source(mixedRows()) as Iterable<CreateIdentityBody>, {
        batchSize: 4,
        concurrency: 2,
        onProgress: (p) => progress.push(p),
      });
      const bcrypt = await idm.authenticatePassword({ identifier: "bcrypt@example.org", password: "123456" });
      const clear = await idm.authenticatePassword({
        identifier: "clear@example.org",
        password: "a long enough passphrase 123",
      });
      expect(result).toEqual({
        processed: 15,
        created: 5,
        failed: 10,
        aborted: false,
        errors: [
          {
            index: 3,
            code: "identity_conflict",
            message: expect.stringContaining('"bcrypt@example.org" is taken'),
            pointer: "/traits/email",
            conflictingIdentityId: bcrypt.id,
          },
          {
            index: 4,
            code: "validation_failed",
            message: expect.stringContaining("/traits/email"),
            pointer: "/traits/email",
          },
          {
            index: 5,
            code: "validation_failed",
            message: "Invalid input: expected object, received number",
            pointer: "",
          },
          {
            index: 6,
            code: "validation_failed",
            message: "Invalid input: expected object, received null",
            pointer: "",
          },
          {
            index: 7,
            code: "unsupported_hash",
            message: expect.any(String),
            pointer: "/credentials/password/config/hashed_password",
          },
          { index: 8, code: "validation_failed", message: '/x: json: unknown field "x"', pointer: "/x" },
          {
            index: 9,
            code: "identity_conflict",
            message: expect.any(String),
            pointer: "/external_id",
            conflictingIdentityId: existing.id,
          },
          {
            index: 10,
            code: "validation_failed",
            message: "a function is not a JSON value",
            pointer: "",
          },
          {
            index: 11,
            code: "identity_conflict",
            message: expect.any(String),
            pointer: "/traits/email",
            conflictingIdentityId: existing.id,
          },
          {
            index: 13,
            code: "identity_conflict",
            message: expect.any(String),
            pointer: "/traits/email",
            conflictingIdentityId: clear.id,
          },
        ].sort((a, b) => a.index - b.index),
      });
      expect(storage.size).toBe(6); // the existing identity and the 5 created
      await idm.authenticatePassword({ identifier: "argon2@example.org", password: "test" });
      await idm.authenticatePassword({
        identifier: "clear2@example.org",
        password: "a long enough passphrase 123",
      });
      // Progress after each batch, in order: running counts of a prefix of the source.
      expect(progress.map((p) => p.processed)).toEqual([4, 8, 12, 15]);
      expect(progress.at(-1)).toEqual({ processed: 15, created: 5, failed: 10 });
    });
  }

  it("writes batches in source order: of two equal rows the first wins, whatever the concurrency", async () => {
    const idm = manager();
    // Batch 0 hashes (slow); batch 1 holds the duplicate and is built first. The write order still follows the source.
    const rows = [clearText("dup@example.org"), clearText("x@example.org"), person("DUP@example.org")];
    const result = await idm.importIdentities(rows, { batchSize: 2, concurrency: 2 });
    expect(result.errors.map((e) => [e.index, e.code])).toEqual([[2, "identity_conflict"]]);
  });

  it("reads lazily: never more than batchSize × concurrency rows ahead of the handled ones", async () => {
    const idm = manager();
    let pulled = 0;
    let handled = 0;
    let widest = 0;
    function* rows() {
      for (let i = 0; i < 200; i++) {
        pulled++;
        widest = Math.max(widest, pulled - handled);
        yield i % 7 === 0 ? clearText(`lazy${i}@example.org`) : person(`lazy${i}@example.org`);
      }
    }
    const result = await idm.importIdentities(rows(), {
      batchSize: 5,
      concurrency: 3,
      onProgress: (p) => {
        handled = p.processed;
      },
    });
    expect(result).toMatchObject({ processed: 200, created: 200, failed: 0 });
    expect(pulled).toBe(200);
    expect(widest).toBeLessThanOrEqual(15);
    expect(widest).toBeGreaterThan(5); // batches really overlap
  });

  it("closes a batch at maxClearTextPasswordsPerBatch clear-text rows, and refuses them all when it is 0", async () => {
    const storage = new MemoryStorage();
    const sizes: number[] = [];
    const insert = storage.insertIdentities.bind(storage);
    storage.insertIdentities = async (identities) => {
      sizes.push(identities.length);
      return insert(identities);
    };
    const idm = manager({ storage, maxClearTextPasswordsPerBatch: 2 });
    const rows = [0, 1, 2, 3, 4].map((i) => clearText(`c${i}@example.org`));
    expect(await idm.importIdentities(rows, { batchSize: 10 })).toMatchObject({ created: 5, failed: 0 });
    expect(sizes).toEqual([2, 2, 1]);

    const none = manager({ maxClearTextPasswordsPerBatch: 0 });
    const result = await none.importIdentities([
      clearText("a@example.org"),
      hashed("b@example.org", BCRYPT.hash),
    ]);
    expect(result).toMatchObject({ processed: 2, created: 1, failed: 1 });
    expect(result.errors[0]).toMatchObject({
      index: 0,
      code: "validation_failed",
      pointer: "/credentials/password/config/password",
    });
  });

  it("property: the counts add up and the failing indices are exactly the expected ones", async () => {
    type Row =
      | { kind: "person"; email: number; upper: boolean; clearText: boolean }
      | { kind: "invalid" }
      | { kind: "scalar" };
    const row: fc.Arbitrary<Row> = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant("person" as const),
          email: fc.nat(12),
          upper: fc.boolean(),
          // Clear-text rows take longer to build: a later batch is often ready first, yet written after.
          clearText: fc.boolean(),
        }),
      },
      { weight: 1, arbitrary: fc.constant({ kind: "invalid" as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: "scalar" as const }) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (rows, batchSize, concurrency, asynchronous) => {
          const storage = new MemoryStorage();
          const idm = manager({ storage });
          const bodies = rows.map((r) => {
            if (r.kind === "scalar") return "a row";
            if (r.kind === "invalid") return person("not an email");
            const email = `p${r.email}@example.org`;
            const spelled = r.upper ? email.toUpperCase() : email;
            return r.clearText ? clearText(spelled) : person(spelled);
          });
          const taken = new Set<number>();
          const expected = rows.flatMap((r, i) => {
            if (r.kind !== "person") return [i];
            if (taken.has(r.email)) return [i];
            taken.add(r.email);
            return [];
          });
          const source = asynchronous ? asyncSource(bodies) : syncSource(bodies);
          const result = await idm.importIdentities(source as Iterable<CreateIdentityBody>, {
            batchSize,
            concurrency,
          });
          expect(result.processed).toBe(rows.length);
          expect(result.created + result.failed).toBe(result.processed);
          expect(result.errors.map((e) => e.index)).toEqual(expected);
          expect(result.failed).toBe(expected.length);
          expect(storage.size).toBe(result.created);
        },
      ),
      { numRuns: 60 },
    );
  });
});
