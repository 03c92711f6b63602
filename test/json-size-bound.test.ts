import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkTraitsSize } from "../src/identity/limits.js";

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? {}), "utf8");

describe("traits / metadata size caps (bounded walk before the exact count)", () => {
  it("refuses exactly the values whose JSON is larger than the cap", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), fc.object(), fc.array(fc.string({ unit: "binary" }))),
        fc.integer({ min: 0, max: 400 }),
        (value, maximum) => {
          const over = bytes(value) > maximum;
          let refused = false;
          try {
            checkTraitsSize(value, maximum);
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
    expect(() => checkTraitsSize(value, exact)).not.toThrow();
    expect(() => checkTraitsSize(value, exact - 1)).toThrow();
  });
});
