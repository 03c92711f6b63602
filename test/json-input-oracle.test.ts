import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toJsonInput } from "../src/json/json-input.js";
import { toJsonInput as previous } from "./json-input-oracle/json-input-before.js";

/** What a call gives: its value, or its error's issues (pointer, code, message). */
function outcome(call: () => unknown): unknown {
  try {
    return { value: call() };
  } catch (e) {
    return { issues: (e as { details?: unknown; issues?: unknown }).details ?? e };
  }
}

/** Values that are not JSON (built inside the property: fast-check must not touch a revoked proxy). */
const HOSTILE: Array<() => unknown> = [
  () => Number.NaN,
  () => undefined,
  () => "bad\u0000",
  () => "\ud800",
  () => 1n,
  () => Symbol("s"),
  () => () => 1,
  () => new Date(0),
  () =>
    Object.defineProperty({}, "x", {
      enumerable: true,
      get: () => {
        throw new Error("boom");
      },
    }),
  () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    return r.proxy;
  },
  () => ({ "k\u0000": 1 }),
  () => {
    const sparse: unknown[] = [];
    sparse[2] = 3;
    return sparse;
  },
];
/** A tree of JSON values and markers `{ hostile: n }`, made into a value by {@link materialize}. */
const tree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }),
    fc.record({ hostile: fc.integer({ min: 0, max: HOSTILE.length - 1 }) }),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom("a", "b", "__proto__", "0", "create", "identities"), tie("v"), {
      maxKeys: 4,
    }),
  ),
})).v;
function materialize(t: unknown): unknown {
  if (Array.isArray(t)) return t.map(materialize);
  if (typeof t !== "object" || t === null) return t;
  const keys = Object.keys(t);
  if (keys.length === 1 && keys[0] === "hostile" && typeof (t as { hostile: unknown }).hostile === "number")
    return (HOSTILE[(t as { hostile: number }).hostile] as () => unknown)();
  const out: Record<string, unknown> = {};
  for (const k of keys)
    Object.defineProperty(out, k, {
      value: materialize((t as Record<string, unknown>)[k]),
      enumerable: true,
    });
  return out;
}

describe("toJsonInput against its previous implementation", () => {
  it("copies and refuses exactly as before: same value, or same pointer, code and message", () => {
    const limits = fc.tuple(fc.constantFrom(undefined, 3, 300), fc.constantFrom(undefined, 2, 40));
    fc.assert(
      fc.property(tree, limits, (t, [maxDepth, maxNodes]) => {
        const options = {
          root: "/r",
          ...(maxDepth === undefined ? {} : { maxDepth }),
          ...(maxNodes === undefined ? {} : { maxNodes }),
        };
        const now = outcome(() => toJsonInput(materialize(t), options));
        expect(now).toStrictEqual(outcome(() => previous(materialize(t), options)));
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps opaque pointers as before (the batch envelope)", () => {
    const entry = fc.record({ create: tree, patch_id: fc.oneof(fc.string(), tree) }, { requiredKeys: [] });
    const envelope = fc.record({ identities: fc.array(fc.oneof(entry, tree), { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.oneof(envelope, tree), (t) => {
        const options = { opaque: ["/identities/*/create"] };
        const input = materialize(t); // one input for both: opaque values come back as they are
        const now = outcome(() => toJsonInput(input, options));
        const was = outcome(() => previous(input, options));
        expect(same(now, was), JSON.stringify(t)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

/** Deep equality that compares by identity first (an opaque value may be a revoked proxy, which no matcher reads). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
