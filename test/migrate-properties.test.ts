import { readFileSync } from "node:fs";
import { parse as parseCsv } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isIdentityError } from "../src/index.js";
import {
  type ConvertOptions,
  converters,
  MIGRATION_VENDORS,
  type MigrationVendor,
  vendorFormats,
} from "../src/migrate/index.js";
import { manager } from "./helpers.js";

// Issue 13: whatever a converter is given (any JS value, a fixture record with any member replaced by anything,
// hostile objects, hostile options), it returns a body or throws IdentityError `unconvertible_record` with a
// string pointer; never a TypeError. A body it returns is accepted or refused by createIdentity with an
// IdentityError, never a crash. `vendorFormats[v].idOf` never throws.

const dir = new URL("./fixtures/migrate/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), "utf8");
const json = (name: string) => JSON.parse(read(name)) as unknown;
const fixtures: Record<MigrationVendor, Record<string, unknown>[]> = {
  auth0: read("auth0.ndjson")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l)),
  firebase: (json("firebase.json") as { users: Record<string, unknown>[] }).users,
  clerk: parseCsv(read("clerk.csv"), { columns: true }),
  supabase: json("supabase.json") as Record<string, unknown>[],
  keycloak: (json("keycloak-realm.json") as { users: Record<string, unknown>[] }).users,
  kratos: json("kratos-identities.json") as Record<string, unknown>[],
};
const options: Partial<Record<MigrationVendor, ConvertOptions>> = {
  firebase: { hashConfig: json("firebase-hash-config.json") as Record<string, unknown> },
  clerk: { hashConfig: json("clerk-hash-config.json") as Record<string, unknown> },
};

/** The converter's outcome: "body", or the error's code; fails the property on anything but an IdentityError. */
function outcome(vendor: MigrationVendor, record: unknown, opts?: unknown): { body?: unknown; code: string } {
  try {
    const body = converters[vendor](record, opts as ConvertOptions);
    expect(body !== null && typeof body === "object").toBe(true);
    return { body, code: "body" };
  } catch (e) {
    if (!isIdentityError(e)) throw new Error(`${vendor} threw a non-IdentityError: ${String(e)}`);
    expect(e.code).toBe("unconvertible_record");
    expect(typeof e.details?.pointer).toBe("string");
    return { code: e.code };
  }
}

const hostile = fc.oneof(
  fc.anything({
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withNullPrototype: true,
  }),
  fc.string(),
  fc.constantFrom(
    "$2a$10$",
    "$pbkdf2-sha512$",
    "{SSHA}",
    "pbkdf2_sha256$x$y$z",
    "[1,2",
    '{"a":',
    "true",
    "",
    "\u0000",
  ),
);

describe.each(MIGRATION_VENDORS)("%s converter", (vendor) => {
  it("any JS value gives a body or unconvertible_record, and idOf never throws", () => {
    fc.assert(
      fc.property(hostile, hostile, (record, opts) => {
        outcome(vendor, record, opts);
        vendorFormats[vendor].idOf(record);
      }),
      { numRuns: 300 },
    );
  });

  it("a fixture record with any member replaced converts or fails alone; createIdentity answers with an IdentityError at worst", async () => {
    const idm = manager();
    const records = fixtures[vendor];
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: records.length - 1 }),
        fc.nat(),
        hostile,
        async (index, keyIndex, value) => {
          const record = structuredClone(records[index]) as Record<string, unknown>;
          const keys = Object.keys(record);
          record[keys[keyIndex % keys.length] as string] = value;
          const { body, code } = outcome(vendor, record, options[vendor]);
          if (code !== "body") return;
          try {
            await idm.createIdentity(body as never);
          } catch (e) {
            if (!isIdentityError(e))
              throw new Error(`createIdentity threw a non-IdentityError: ${String(e)}`);
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);

  it("throwing getters, proxies and hostile options give unconvertible_record", () => {
    const throwing = Object.defineProperty({}, "email", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    for (const record of [
      throwing,
      revoked.proxy,
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error("x");
          },
        },
      ),
    ])
      expect(outcome(vendor, record).code).toBe("unconvertible_record");
    const traitsThrow = {
      traits: () => {
        throw new TypeError("mapping");
      },
    };
    expect(outcome(vendor, fixtures[vendor][0], { ...options[vendor], ...traitsThrow }).code).toBe(
      "unconvertible_record",
    );
    expect(
      outcome(vendor, fixtures[vendor][0], { ...options[vendor], traits: () => "not an object" }).code,
    ).toBe("unconvertible_record");
    const getterOptions = Object.defineProperty({}, "traits", {
      get() {
        throw new Error("opts");
      },
    });
    expect(["body", "unconvertible_record"]).toContain(
      outcome(vendor, fixtures[vendor][0], getterOptions).code,
    );
  });
});
