import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_SHAPES, pack, Shapes, unpack } from "../src/storage/memory/packed-json.js";

/** What a JSON store gives back: JSON.stringify's reading of the value, member order included. */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const withOrder = (value: unknown): string => JSON.stringify(value);

describe("MemoryStorage's packed records", () => {
  it("unpack(pack(v)) is JSON's reading of v, member order and __proto__ members included", () => {
    const shapes = new Shapes();
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, stamp) => {
        const back = unpack(pack(value, stamp, shapes), stamp, shapes);
        expect(back).toStrictEqual(viaJson(value));
        expect(withOrder(back)).toBe(withOrder(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps strings equal to the stamp, escapes and lone surrogates exactly", () => {
    const shapes = new Shapes();
    const stamp = "2024-01-01T00:00:00.000Z";
    const value = {
      a: stamp,
      b: ['"\\\n\u0001', "\ud800", "😀", "", stamp],
      ["__proto__"]: { x: [-0, 1e300, true, null] },
      u: undefined,
    };
    Object.defineProperty(value, "__proto__", { value: { x: 1 }, enumerable: true });
    const packed = pack(value, stamp, shapes);
    expect(packed).not.toContain(stamp);
    const back = unpack<Record<string, unknown>>(packed, stamp, shapes);
    expect(JSON.stringify(back)).toBe(JSON.stringify(value));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, "__proto__")).toBe(true);
  });

  it("interns at most MAX_SHAPES member lists, then writes members inline", () => {
    const shapes = new Shapes();
    for (let i = 0; i < MAX_SHAPES + 10; i++) {
      const value = { [`k${i}`]: i, nested: { [`n${i}`]: [i] } };
      expect(unpack(pack(value, "", shapes), "", shapes)).toStrictEqual(value);
    }
    expect(shapes.indexOf(["brand-new"])).toBe(-1);
  });

  it("is fresh on every unpack: changing a read record changes nothing stored", () => {
    const shapes = new Shapes();
    const packed = pack({ a: { b: [1] } }, "", shapes);
    const first = unpack<{ a: { b: number[] } }>(packed, "", shapes);
    first.a.b.push(2);
    expect(unpack(packed, "", shapes)).toStrictEqual({ a: { b: [1] } });
  });
});
