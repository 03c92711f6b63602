// Arbitraries of hostile JavaScript values: what a careless or malicious caller can pass to any public method.
import fc from "fast-check";

/** A value nested `depth` levels deep, built iteratively (never by recursion). */
export function nested(depth: number, inArray: boolean): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = inArray ? [value] : { a: value };
  return value;
}

class Custom {
  field = "x";
}

const throwing = (): never => {
  throw new Error("trap");
};

/** Values that make naive code throw: traps on coercion, throwing getters and proxies, odd prototypes. */
const traps: fc.Arbitrary<unknown> = fc.constantFrom<() => unknown>(
  () => ({ toString: 0 }),
  () => ({ valueOf: 0, toString: 0 }),
  () => ({ toString: throwing }),
  () => ({ [Symbol.toPrimitive]: throwing }),
  () => Object.create(null),
  () => Object.defineProperty({}, "email", { get: throwing, enumerable: true }),
  () =>
    new Proxy({}, { get: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing, has: throwing }),
  () => new Proxy([], { get: throwing }),
  () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  },
  () => JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'),
  () => JSON.parse('{"__proto__":""}'),
  () => ({ constructor: { prototype: { polluted: "yes" } } }),
  () => new Custom(),
  () => new Date(0),
  () => new Map([["a", 1]]),
  () => new Set([1]),
  () => /x/,
  () => new Uint8Array(4),
  () => Buffer.from("x"),
  () => Symbol("s"),
  () => 10n,
  () => () => "fn",
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => -0,
  () => Number.MAX_SAFE_INTEGER + 2,
  () => {
    const a: unknown[] = [];
    a.length = 2 ** 32 - 1;
    return a;
  },
  () => {
    const self: Record<string, unknown> = {};
    self.self = self;
    return self;
  },
  () => nested(300, false),
  () => nested(3000, true),
  () => "A".repeat(1 << 20),
  () => "$md5$".concat("A".repeat(1 << 20)),
  () => "\u0000\ud800\udfff\u202e",
  () => {
    const holes: unknown[] = [undefined, null];
    holes.length = 5; // array holes
    return holes;
  },
);

/**
 * A hostile value that is built only when the call is made: fast-check itself reads, clones and prints generated
 * values, and must never trip on the traps meant for idkit.
 */
export class Lazy {
  constructor(readonly make: () => unknown) {}
  [fc.toStringMethod](): string {
    let text: string;
    try {
      text = String(this.make).slice(0, 120);
    } catch {
      text = "?";
    }
    return `lazy(${text})`;
  }
}

/** Replaces every {@link Lazy} inside generated arguments by a freshly built value. */
export function materialize(value: unknown): unknown {
  if (value instanceof Lazy) return value.make();
  if (Array.isArray(value)) return value.map(materialize);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const v = materialize((value as Record<string, unknown>)[key]);
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** Any hostile value, freshly built per call (so a mutation by the code under test cannot leak). */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: traps.map((make) => new Lazy(make as () => unknown)) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2, withBigInt: true, withMap: true, withSet: true }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, "", 0, true, [], {}) },
);

/** Usually a plausible value, sometimes a hostile one: drives the code past its first checks. */
export function mostly<T>(plausible: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: hostile });
}

/** A record whose known keys are usually plausible, plus sometimes an unknown or hostile key. */
export function body(shape: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const record = fc.record(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, mostly(v)])), {
    requiredKeys: [],
  });
  return fc.oneof(
    { weight: 6, arbitrary: record },
    {
      weight: 1,
      arbitrary: fc.tuple(record, fc.string({ maxLength: 8 }), hostile).map(([r, k, v]) => {
        const out = { ...(r as Record<string, unknown>) };
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        return out;
      }),
    },
    { weight: 1, arbitrary: hostile },
  );
}
