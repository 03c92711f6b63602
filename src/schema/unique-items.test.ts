// The linear `uniqueItems` against ajv's own (the reference: the same ajv version, keyword left in place), on
// random JSON arrays, for the fast path (scalar item types) and the pairwise one (objects, untyped items).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AjvDraft07, type ErrorObject } from "./ajv.js";
import { SchemaRegistry } from "./schema-registry.js";
import { canonicalJson, duplicatePair, LINEAR_UNIQUE_ITEMS } from "./unique-items.js";

const ITEM_SCHEMAS: Record<string, unknown>[] = [
  {},
  { type: "object" },
  { type: "array" },
  { type: "string" },
  { type: "integer" },
  { type: ["string", "number"] },
  { type: ["null", "boolean", "string"] },
];

function compile(linear: boolean, items: Record<string, unknown>) {
  const ajv = new (AjvDraft07())({ allErrors: true, strict: false, logger: false });
  if (linear) {
    ajv.removeKeyword("uniqueItems");
    ajv.addKeyword(LINEAR_UNIQUE_ITEMS as never);
  }
  return ajv.compile({ type: "array", uniqueItems: true, items });
}

const compiled = new Map(
  ITEM_SCHEMAS.map((items) => [items, { linear: compile(true, items), ajv: compile(false, items) }]),
);

function uniqueItemsErrors(linear: boolean, items: Record<string, unknown>, data: unknown) {
  const pair = compiled.get(items) ?? { linear: compile(true, items), ajv: compile(false, items) };
  const validate = linear ? pair.linear : pair.ajv;
  validate(data);
  return (validate.errors ?? [])
    .filter((e: ErrorObject) => e.keyword === "uniqueItems")
    .map(({ instancePath, schemaPath, params, message }) => ({ instancePath, schemaPath, params, message }));
}

// Small alphabets so that duplicates are frequent; no "__proto__" (see the test below). Objects are plain, as
// traits always are by the time they are validated (copied from the payload).
const scalar = fc.oneof(
  fc.constantFrom("a", "b", "1", "", "constructor"),
  fc.integer({ min: -2, max: 2 }),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("v"), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom("x", "y"), tie("v"), { maxKeys: 2, noNullPrototype: true }),
  ),
})).v;

describe("linear uniqueItems", () => {
  it("reports exactly ajv's uniqueItems errors (params, message, paths) on random arrays", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ITEM_SCHEMAS), fc.array(value, { maxLength: 8 }), (items, data) => {
        expect(uniqueItemsErrors(true, items, data)).toEqual(uniqueItemsErrors(false, items, data));
      }),
      { numRuns: 1000 },
    );
  });

  it("canonicalJson is equal exactly when the values are deeply equal, whatever the key order", () => {
    expect(canonicalJson({ x: 1, y: [null, "a"] })).toBe(canonicalJson({ y: [null, "a"], x: 1 }));
    expect(canonicalJson("1")).not.toBe(canonicalJson(1));
    expect(canonicalJson([1])).not.toBe(canonicalJson({ 0: 1 }));
    expect(canonicalJson(-0)).toBe(canonicalJson(0));
  });

  it('finds a repeated "__proto__" string, which ajv\'s fast path misses', () => {
    expect(duplicatePair(["__proto__", "__proto__"], ["string"])).toEqual({ i: 0, j: 1 });
    expect(uniqueItemsErrors(false, { type: "string" }, ["__proto__", "__proto__"])).toEqual([]);
  });

  it("is registered by the schema registry and reads each item once (ajv's own compares every pair)", () => {
    const schemas = {
      s: {
        type: "object",
        properties: {
          traits: {
            type: "object",
            properties: { xs: { type: "array", uniqueItems: true, items: { type: "object" } } },
          },
        },
      },
    };
    const schema = new SchemaRegistry({ schemas }).require("s");
    expect(schema.validate({ traits: { xs: [{ a: 1 }, { a: 2 }, { a: 1 }] } }).issues).toMatchObject([
      { pointer: "/traits/xs", code: "uniqueItems", context: { i: 2, j: 0 } },
    ]);
    // Items whose one member counts its reads: the linear keyword reads each item once; ajv's pairwise loop
    // reads both items of every pair, n × (n - 1) reads (2 × 10^8 for 10,000 items of 54 KB: seconds).
    const counted = (n: number) => {
      const reads = { count: 0 };
      const xs = Array.from({ length: n }, (_, i) =>
        Object.defineProperty({}, "a", {
          enumerable: true,
          get: () => {
            reads.count++;
            return i;
          },
        }),
      );
      return { xs, reads };
    };
    const linear = counted(2000);
    expect(schema.validate({ traits: { xs: linear.xs } }).issues).toEqual([]);
    expect(linear.reads.count).toBeLessThanOrEqual(2000);
    const reference = counted(200);
    expect(uniqueItemsErrors(false, { type: "object" }, reference.xs)).toEqual([]);
    expect(reference.reads.count).toBeGreaterThanOrEqual(200 * 199);
  });
});
