import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkTraitsSize } from "../src/identity/limits.js";
import { toJsonInput } from "../src/json/json-input.js";

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? {}), "utf8");

describe("traits / metadata size caps (bounded walk before the exact count)", () => {
  it("refuses exactly the values whose JSON is larger than the cap", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.object(), fc.array(fc.string({ unit: "binary" }))),
        fc.integer({ min: 0, max: 400 }),
        (input, maximum) => {
          let value: unknown;
          try {
            value = toJsonInput(input); // the walk runs on plain JSON copies only, as the create path has
          } catch {
            return;
          }
          const over = bytes(value) > maximum;
          let refused = false;
          try {
            checkTraitsSize(value, maximum, true);
          } catch (e) {
            refused = true;
            expect((e as { issues: { context: { actual: number } }[] }).issues[0]?.context.actual).toBe(
              bytes(value),
            );
          }
          expect(refused).toBe(over);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("measures worst-case escapes exactly at the boundary", () => {
    const value = { k: "\u0001".repeat(10), e: "é".repeat(10), s: "😀".repeat(5) };
    const exact = bytes(value);
    expect(() => checkTraitsSize(value, exact, true)).not.toThrow();
    expect(() => checkTraitsSize(value, exact - 1, true)).toThrow();
  });

  it("measures exactly what is not a plain copy (toJSON, cycles, deep nesting), without a RangeError", () => {
    const big = { toJSON: () => "x".repeat(100_000) };
    Object.defineProperty(big, "toJSON", { enumerable: false });
    let code: unknown;
    try {
      checkTraitsSize(big, 64 * 1024);
    } catch (e) {
      code = (e as { issues: { code: string }[] }).issues[0]?.code;
    }
    expect(code).toBe("too_large");
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => checkTraitsSize(cycle, 1e9)).not.toThrow(); // not JSON: left to the schema validation
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(() => checkTraitsSize(deep, 1e9)).not.toThrow();
  });
});
