import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isIdentityError } from "../src/errors/index.js";
import {
  type FlatRecord,
  Layouts,
  MAX_LAYOUT_NODES,
  MAX_LAYOUT_TOKENS,
  Unshaped,
  unflatten,
} from "../src/storage/memory/record-layouts.js";

/** What a JSON store gives back: JSON.stringify's reading of the value, member order included. */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? "null");
/** What the table gives back for `value`: from its layout, or the copy the walk made past the bounds. */
const readBack = (layouts: Layouts, value: unknown, stamp = ""): unknown => {
  const flat = layouts.flatten(value, stamp);
  return flat instanceof Unshaped ? flat.copy(stamp) : unflatten(flat);
};
const roundTrip = (layouts: Layouts, value: unknown, stamp = "") => {
  const flat = layouts.flatten(value, stamp);
  expect(flat).not.toBeInstanceOf(Unshaped);
  return unflatten(flat as FlatRecord);
};

describe("MemoryStorage's flat records (layouts)", () => {
  it("unflatten(flatten(v)) is JSON's reading of v, member order included, in one shared table", () => {
    const layouts = new Layouts();
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.string(), (value, stamp) => {
        const back = readBack(layouts, value, stamp); // past the bounds too (a long run fills the table)
        expect(back).toStrictEqual(viaJson(value));
        expect(JSON.stringify(back)).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("reads back what JSON reads: -0, NaN, Infinity, undefined, functions, symbols, toJSON, boxes, __proto__", () => {
    const layouts = new Layouts();
    const value: Record<string, unknown> = {
      z: -0,
      n: Number.NaN,
      i: [Number.POSITIVE_INFINITY, undefined, () => 1, Symbol("s")],
      u: undefined,
      f: () => 1,
      s: Symbol("s"),
      d: new Date(0),
      t: { toJSON: (key: string) => `key:${key}` },
      gone: { toJSON: () => undefined },
      b: [Object(1), Object("s"), Object(false)],
      a: [{ toJSON: (key: string) => ({ at: key }) }],
    };
    Object.defineProperty(value, "__proto__", { value: { x: 1 }, enumerable: true });
    const back = roundTrip(layouts, value) as Record<string, unknown>;
    expect(Object.is(back.z, 0)).toBe(true);
    expect(back).toStrictEqual({
      z: 0,
      n: null,
      i: [null, null, null, null],
      d: "1970-01-01T00:00:00.000Z",
      t: "key:t",
      b: [1, "s", false],
      a: [{ at: "0" }],
      ["__proto__"]: { x: 1 },
    });
    expect(JSON.stringify(back)).toBe(JSON.stringify(value));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, "__proto__")).toBe(true);
  });

  it("keeps the stamp out of the leaves and gives it back where it was", () => {
    const layouts = new Layouts();
    const stamp = "2024-01-01T00:00:00.000Z";
    const flat = layouts.flatten({ a: stamp, b: [stamp, "x"], c: `${stamp} ` }, stamp) as FlatRecord;
    expect(flat.slice(2)).toStrictEqual(["x", `${stamp} `]);
    expect(unflatten(flat)).toStrictEqual({ a: stamp, b: [stamp, "x"], c: `${stamp} ` });
  });

  it("tells records apart whose structures differ only late (same names, other order, other lengths)", () => {
    const layouts = new Layouts();
    const values = [
      { a: 1, b: [1, 2] },
      { a: 1, b: [1] },
      { b: [1], a: 1 },
      { a: { b: 1 } },
      { a: [{}] },
      { a: [[]] },
    ];
    for (let round = 0; round < 2; round++) {
      for (const value of values) expect(roundTrip(layouts, value)).toStrictEqual(value);
    }
  });

  it("refuses a BigInt with invalid_json", () => {
    const layouts = new Layouts();
    let error: unknown;
    try {
      layouts.flatten({ a: [1n] }, "");
    } catch (e) {
      error = e;
    }
    expect(isIdentityError(error) && error.code).toBe("validation_failed");
  });

  it("is fresh on every read: changing a read record changes nothing stored", () => {
    const layouts = new Layouts();
    const flat = layouts.flatten({ a: { b: [1] } }, "") as FlatRecord;
    (unflatten(flat) as { a: { b: number[] } }).a.b.push(2);
    expect(unflatten(flat)).toStrictEqual({ a: { b: [1] } });
  });

  it("stays bounded: past MAX_LAYOUT_NODES no layout is made (the caller keeps another form)", () => {
    const layouts = new Layouts();
    let refused = 0;
    for (let i = 0; i < MAX_LAYOUT_NODES; i++) {
      const value = { [`k${i}`]: { [`n${i}`]: i } };
      const flat = layouts.flatten(value, "");
      if (flat instanceof Unshaped) {
        refused++;
        expect(flat.copy("")).toStrictEqual(value);
      }
    }
    expect(layouts.nodes).toBeLessThanOrEqual(MAX_LAYOUT_NODES);
    expect(refused).toBeGreaterThan(0);
    // Structures already known keep their layout.
    expect(roundTrip(layouts, { k0: { n0: 5 } })).toStrictEqual({ k0: { n0: 5 } });
  });

  it("gives no layout to a record of more than MAX_LAYOUT_TOKENS tokens, and refuses cycles", () => {
    const layouts = new Layouts();
    const long = Array.from({ length: MAX_LAYOUT_TOKENS }, (_, i) => i);
    const flat = layouts.flatten(long, "");
    expect(flat).toBeInstanceOf(Unshaped);
    expect((flat as Unshaped).copy("")).toStrictEqual(long);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    let error: unknown;
    try {
      layouts.flatten(cycle, "");
    } catch (e) {
      error = e;
    }
    expect(isIdentityError(error) && error.code).toBe("validation_failed");
    expect(layouts.nodes).toBeLessThanOrEqual(2 * MAX_LAYOUT_TOKENS + 2);
  });

  it("reads each member once, and a getter that flattens another record meanwhile changes neither", () => {
    const layouts = new Layouts();
    let reads = 0;
    let inner: FlatRecord | undefined;
    const value = {
      get a() {
        reads++;
        inner = layouts.flatten({ x: "inner", y: [1, 2] }, "") as FlatRecord;
        return "outer";
      },
      b: ["b"],
    };
    const flat = layouts.flatten(value, "") as FlatRecord;
    expect(reads).toBe(1);
    expect(unflatten(flat)).toStrictEqual({ a: "outer", b: ["b"] });
    expect(unflatten(inner as FlatRecord)).toStrictEqual({ x: "inner", y: [1, 2] });
  });

  it("keeps no slack: the flat record is exactly its stamp, layout and leaves", () => {
    const layouts = new Layouts();
    const flat = layouts.flatten({ a: "1", b: ["2", 3], c: null }, "s") as FlatRecord;
    expect(flat.length).toBe(2 + 4);
  });
});

describe("MemoryStorage past its layout table's bounds", () => {
  it("keeps records whose structures no longer fit in packed JSON, readable, updatable and deletable", async () => {
    const { MemoryStorage } = await import("../src/index.js");
    const { IdentityManager } = await import("../src/index.js");
    const idm = new IdentityManager({ storage: new MemoryStorage() });
    const ids: string[] = [];
    for (let i = 0; i < 1500; i++) {
      const metadata = { [`key-${i}`]: Array.from({ length: i % 7 }, (_, k) => ({ [`m${k}`]: k })) };
      const created = await idm.createIdentity({
        schema_id: "default",
        traits: { email: `u${i}@example.org` },
        metadata_admin: metadata,
      });
      ids.push(created.id);
      expect(created.metadata_admin).toStrictEqual(metadata);
    }
    for (const i of [0, 700, 1499]) {
      const read = await idm.getIdentity(ids[i] as string);
      expect(read.traits).toStrictEqual({ email: `u${i}@example.org` });
      const updated = await idm.patchIdentity(ids[i] as string, [
        { op: "replace", path: "/traits/email", value: `v${i}@example.org` },
      ]);
      expect((await idm.getIdentity(ids[i] as string)).traits).toStrictEqual(updated.traits);
      await idm.deleteIdentity(ids[i] as string);
    }
    await expect(
      idm.createIdentity({ schema_id: "default", traits: { email: "v700@example.org" } }),
    ).resolves.toBeDefined();
  });
});

describe("flat records and toJSON", () => {
  it("asks toJSON once per value, as JSON.stringify does (a result's own toJSON is not asked)", () => {
    const layouts = new Layouts();
    const inner = { toJSON: () => "inner" };
    const value = { a: { toJSON: () => inner }, b: [{ toJSON: () => inner }] };
    const back = readBack(layouts, value);
    expect(back).toStrictEqual(JSON.parse(JSON.stringify(value)));
    expect(back).toStrictEqual({ a: {}, b: [{}] });
  });
});

describe("flat records and Object.prototype", () => {
  it("never stores an inherited enumerable member, also when a getter adds one during the walk", () => {
    const layouts = new Layouts();
    const proto = Object.prototype as Record<string, unknown>;
    try {
      Object.defineProperty(proto, "polluted", {
        value: 1,
        enumerable: true,
        configurable: true,
        writable: true,
      });
      expect(roundTrip(layouts, { a: { b: 1 } })).toStrictEqual({ a: { b: 1 } });
    } finally {
      delete proto.polluted;
    }
    const value = {
      get a() {
        Object.defineProperty(proto, "late", {
          value: 2,
          enumerable: true,
          configurable: true,
          writable: true,
        });
        return 1;
      },
      b: { c: 1 },
    };
    try {
      const back = roundTrip(layouts, value) as Record<string, unknown>;
      delete proto.late;
      expect(back).toStrictEqual({ a: 1, b: { c: 1 } });
      expect(Object.keys(back.b as object)).toStrictEqual(["c"]);
    } finally {
      delete proto.late;
    }
  });

  it("lists own members only of objects with other prototypes (a class instance, another realm's object)", () => {
    const layouts = new Layouts();
    class Base {
      inherited = 0;
    }
    Object.defineProperty(Base.prototype, "onProto", { value: 1, enumerable: true });
    const instance = Object.assign(Object.create(new Base()), { own: 2 });
    expect(roundTrip(layouts, { x: instance })).toStrictEqual({ x: { own: 2 } });
    expect(roundTrip(layouts, Object.assign(Object.create(null), { n: 1 }))).toStrictEqual({ n: 1 });
  });
});
