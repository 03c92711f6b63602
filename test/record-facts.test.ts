import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Packed } from "../src/storage/memory/packed-json.js";
import { factsOf, factsOfValue } from "../src/storage/memory/record-facts.js";
import { Layouts, Unshaped, unflatten } from "../src/storage/memory/record-layouts.js";
import type { StoredForm } from "../src/storage/memory/stored-forms.js";

const STAMP = "2024-01-01T00:00:00.000Z";
/** A value where a string is expected: mostly strings (the stamp among them), sometimes anything else. */
const loose = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("a@example.org", "b", "", STAMP, "email", "sms") },
  { weight: 1, arbitrary: fc.constantFrom(null, 1, true, { x: "a" }, ["a"]) },
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const address = fc.record(
  { via: maybe(loose), value: maybe(loose), id: fc.constant("x") },
  { requiredKeys: [] },
);
const record = fc.record(
  {
    id: maybe(loose),
    credentials: maybe(
      fc.oneof(
        fc.dictionary(
          fc.constantFrom("password", "oidc", "webauthn", "code", "constructor", "__proto__"),
          fc.oneof(
            fc.record({ identifiers: maybe(fc.oneof(fc.array(loose, { maxLength: 4 }), loose)) }),
            loose,
          ),
        ),
        loose,
      ),
    ),
    verifiable_addresses: maybe(fc.oneof(fc.array(fc.oneof(address, loose), { maxLength: 3 }), loose)),
    recovery_addresses: maybe(fc.oneof(fc.array(fc.oneof(address, loose), { maxLength: 3 }), loose)),
    external_id: maybe(loose),
    organization_id: maybe(loose),
    updated_at: fc.constant(STAMP),
  },
  { requiredKeys: ["updated_at"] },
);

describe("MemoryStorage's record facts (id, organization, uniqueness keys)", () => {
  it("read through a layout's plan, are what a read of the decoded record gives", () => {
    const layouts = new Layouts();
    fc.assert(
      fc.property(record, (value) => {
        const flat = layouts.flatten(value, STAMP);
        if (flat instanceof Unshaped) return;
        const decoded = unflatten(flat);
        expect(factsOf(flat, { unpack: () => decoded })).toStrictEqual(factsOfValue(decoded));
      }),
      { numRuns: 3000 },
    );
  });

  it("of a packed record, are read from its decoded copy", () => {
    const value = { id: "i", credentials: { password: { identifiers: ["a", 1, "b"] } }, external_id: "" };
    const facts = factsOf(new Packed(STAMP, "") as StoredForm, { unpack: () => value });
    expect(facts).toStrictEqual({
      id: "i",
      organizationId: undefined,
      updatedAt: undefined,
      keys: ["credential", "password", "a", "credential", "password", "b"],
    });
  });

  it("names keys in the contract's order and leaves out what is not a string, and an empty external id", () => {
    const facts = factsOfValue({
      id: "i",
      organization_id: "o",
      credentials: { oidc: { identifiers: ["g:1"] }, password: { identifiers: ["a", null] }, code: null },
      verifiable_addresses: [{ via: "email", value: "a" }, { via: 1, value: "b" }, null],
      recovery_addresses: [{ via: "sms", value: "+1" }],
      external_id: "ext",
    });
    expect(facts.keys).toStrictEqual([
      ...["credential", "oidc", "g:1", "credential", "password", "a"],
      ...["verifiable_address", "email", "a", "recovery_address", "sms", "+1", "external_id", "", "ext"],
    ]);
    expect(factsOfValue({ external_id: "" }).keys).toStrictEqual([]);
    expect(factsOfValue(null)).toStrictEqual({
      id: undefined,
      organizationId: undefined,
      updatedAt: undefined,
      keys: [],
    });
  });
});
