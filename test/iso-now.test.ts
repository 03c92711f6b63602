import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoClock } from "../src/services/iso-now.js";

const MAX = 253402300799999; // 9999-12-31T23:59:59.999Z

describe("isoClock (the builder's remembered toISOString)", () => {
  it("answers what toISOString answers, for any sequence of times, repeats included", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -62135596800000, max: MAX }), { maxLength: 30 }), (times) => {
        let at = 0;
        const clock = isoClock(() => new Date(times[at] as number));
        for (at = 0; at < times.length; at++)
          expect(clock()).toBe(new Date(times[at] as number).toISOString());
      }),
    );
  });

  it("follows a Date object the clock mutates, and always asks a subclass", () => {
    const shared = new Date(0);
    const clock = isoClock(() => shared);
    expect(clock()).toBe("1970-01-01T00:00:00.000Z");
    shared.setTime(1);
    expect(clock()).toBe("1970-01-01T00:00:00.001Z");
    class Odd extends Date {
      override toISOString(): string {
        return "odd";
      }
    }
    expect(isoClock(() => new Odd(0))()).toBe("odd");
  });

  it("throws what toISOString throws for an invalid Date, each time", () => {
    const clock = isoClock(() => new Date(Number.NaN));
    expect(() => clock()).toThrow(RangeError);
    expect(() => clock()).toThrow(RangeError);
  });
});
