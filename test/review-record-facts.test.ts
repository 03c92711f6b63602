import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StoredIdentity } from "../src/identity/identity.js";
import { isIdentityError, MemoryStorage } from "../src/index.js";
import { conflictKeyOf } from "../src/storage/conflict-error.js";
import { factsOf, factsOfValue } from "../src/storage/memory/record-facts.js";
import { type FlatRecord, Layouts, Unshaped, unflatten } from "../src/storage/memory/record-layouts.js";

const T = "2024-01-01T00:00:00.000Z";
type Loose = Record<string, unknown>;

function identity(id: string, extra: Loose = {}): StoredIdentity {
  return {
    id,
    schema_id: "default",
    state: "active",
    traits: {},
    metadata_public: null,
    metadata_admin: null,
    external_id: null,
    organization_id: null,
    credentials: {},
    verifiable_addresses: [],
    recovery_addresses: [],
    created_at: T,
    updated_at: T,
    ...extra,
  } as unknown as StoredIdentity;
}

/**
 * Review of the uncommitted "read the record once; facts from the stored copy" fix (record-facts.ts, record-walk.ts,
 * unique-index.ts triples). Cases that fail today are `it.fails`; the model test below passes (keys, conflicts,
 * organization index and CAS agree with a plain model across flat and packed records, stamp-valued keys, "" and
 * non-string values, "__proto__"/"constructor"/integer-like credential types).
 */
describe("review of the record-facts fix: compare-and-set reads the stamp, not the stored updated_at", () => {
  // StoredForms.pack reads `identity.updated_at` twice for the stamp before the walk reads it a third time, and
  // updatedAt(stored) answers the stamp: when the caller's value answers differently (a getter, or a root toJSON
  // the walk follows), getIdentity says "B" while a CAS on "B" is "stale". Fix: take updated_at from the stored copy
  // (a ref in the facts plan; for packed records the decoded value), or restamp when the walked root member is not
  // the stamp token.
  it("a getter: the CAS compares what getIdentity returns", async () => {
    const storage = new MemoryStorage();
    const record = identity("a");
    let reads = 0;
    Object.defineProperty(record, "updated_at", { enumerable: true, get: () => (reads++ < 1 ? "A" : "B") });
    await storage.insertIdentities([record]);
    // Whichever read is stored, the compare-and-set compares that one.
    const stored = (await storage.getIdentity("a"))?.updated_at as string;
    expect(await storage.updateIdentity(identity("a"), stored === "A" ? "B" : "A")).toBe("stale");
    expect(await storage.updateIdentity(identity("a"), stored)).toBe("ok");
  });

  it("a root toJSON: the CAS compares what getIdentity returns", async () => {
    const storage = new MemoryStorage();
    const record = identity("a", { updated_at: "A", toJSON: () => identity("a", { updated_at: "B" }) });
    await storage.insertIdentities([record]);
    expect((await storage.getIdentity("a"))?.updated_at).toBe("B");
    expect(await storage.updateIdentity(identity("a"), "B")).toBe("ok");
  });

  // Also in HEAD: a non-string updated_at is stamped "", so a CAS on "" passes against a record whose updated_at is 5.
  it("a non-string updated_at is not matched by a CAS on the empty string", async () => {
    const storage = new MemoryStorage();
    await storage.insertIdentities([identity("a", { updated_at: 5 })]);
    expect(await storage.updateIdentity(identity("a"), "")).toBe("stale");
  });
});

describe("review of the record-facts fix: the walk's reading vs JSON.stringify's", () => {
  // walkArray re-reads `value.length` per item; JSON.stringify reads it once. An item whose toJSON (or an index
  // getter) appends makes the walk read more items — and never end when it always appends (past the layout bounds
  // the tokens go to `overflow` without limit). Fix: `const length = value.length` once.
  it("an array's length is read once", async () => {
    const list: unknown[] = [];
    const item = {
      toJSON() {
        if (list.length < 3) list.push(item);
        return 1;
      },
    };
    list.push(item);
    const json = JSON.stringify(list); // "[1]" (and list grew to 3)
    list.length = 1;
    const storage = new MemoryStorage();
    await storage.insertIdentities([identity("a", { metadata_public: list })]);
    expect(JSON.stringify((await storage.getIdentity("a"))?.metadata_public)).toBe(json);
  });

  // JSON.stringify calls toJSON on any Object, functions included; resolve() only when typeof is "object".
  it("a function member with a toJSON is written as its toJSON", async () => {
    const metadata = { f: Object.assign(() => 1, { toJSON: () => "x" }) };
    const storage = new MemoryStorage();
    await storage.insertIdentities([identity("a", { metadata_public: metadata })]);
    expect((await storage.getIdentity("a"))?.metadata_public).toStrictEqual({ f: "x" });
  });
});

describe("review of the record-facts fix: plan and decoded reading", () => {
  // The plan lists credential types in the walk's order (a proxy's ownKeys order); the decoded record (getIdentity,
  // a packed record's facts) lists integer-like names first. Only conflict order differs (the same keys are claimed
  // and released by the same path), so low. Fix: order the plan's credential names as an ordinary object orders them.
  it("agree on key order for a proxy listing an integer-like credential type last", () => {
    const credentials = new Proxy(
      { b: { identifiers: ["x"] }, 1: { identifiers: ["y"] } },
      { ownKeys: () => ["b", "1"] },
    );
    const flat = new Layouts().flatten({ id: "a", credentials }, "") as FlatRecord;
    expect(flat).not.toBeInstanceOf(Unshaped);
    const decoded = unflatten(flat);
    expect(factsOf(flat, { unpack: () => decoded })).toStrictEqual(factsOfValue(decoded));
  });
});

describe("review of the record-facts fix: ids that are not strings (also in HEAD)", () => {
  // compareIds(5, "b") is 0 (both comparisons false), so the B+ tree replaces "b" by 5: "b" leaves every listing.
  // Fix: refuse a record whose stored id is not a string (insert: an error outcome; update: not_found).
  it("an identity whose id is a number leaves the others listed", async () => {
    const storage = new MemoryStorage();
    await storage.insertIdentities([identity("a"), identity("b")]);
    await storage.insertIdentities([identity(5 as unknown as string)]);
    const listed = (await storage.listIdentities({ limit: 10 })).map((i) => i.id);
    expect(listed.filter((id) => typeof id === "string")).toStrictEqual(["a", "b"]);
  });
});

describe("review of the record-facts fix: updateIdentity packs before its lookup", () => {
  // A behaviour change only for records JSON cannot hold (never from the manager): invalid_json now wins over
  // not_found and stale. Acceptable: PostgresStorage also serialises (identityParams) before its UPDATE.
  it("invalid JSON is reported before not_found and stale", async () => {
    const storage = new MemoryStorage();
    await storage.insertIdentities([identity("a")]);
    for (const [id, expected] of [
      ["missing", undefined],
      ["a", "stale"],
    ] as const) {
      const update = identity(id, { metadata_public: { n: 1n } });
      const error = await storage.updateIdentity(update, expected).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isIdentityError(error) && error.code).toBe("validation_failed");
    }
  });
});

const T2 = "2025-01-01T00:00:00.000Z";
const str = fc.constantFrom("a", "b", "", T, T2);
const val = fc.oneof(
  { weight: 5, arbitrary: str },
  { weight: 1, arbitrary: fc.constantFrom(null, 1, true, ["a"], { a: "a" }) },
);
const addr = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      { via: fc.oneof(fc.constantFrom("email", "sms"), val), value: val, extra: fc.constant(1) },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: val },
);
const rec = (id: string) =>
  fc
    .record({
      updated_at: fc.constantFrom(T, T2, ""),
      organization_id: fc.constantFrom(null, "o1", "o2", "", T),
      external_id: fc.oneof(val, fc.constant(undefined)),
      credentials: fc.oneof(
        {
          weight: 6,
          arbitrary: fc.dictionary(
            fc.constantFrom("password", "code", "__proto__", "constructor", "1", "0"),
            fc.oneof(
              {
                weight: 4,
                arbitrary: fc.record({
                  identifiers: fc.oneof(
                    fc.array(fc.oneof(val, fc.array(str, { maxLength: 2 })), { maxLength: 3 }),
                    val,
                  ),
                }),
              },
              { weight: 1, arbitrary: val },
            ),
            { maxKeys: 3 },
          ),
        },
        { weight: 1, arbitrary: val },
      ),
      verifiable_addresses: fc.oneof(
        { weight: 4, arbitrary: fc.array(addr, { maxLength: 3 }) },
        { weight: 1, arbitrary: val },
      ),
      recovery_addresses: fc.oneof(
        { weight: 4, arbitrary: fc.array(addr, { maxLength: 2 }) },
        { weight: 1, arbitrary: val },
      ),
      big: fc.boolean(),
    })
    .map(({ big, ...r }) => {
      const out: Loose = JSON.parse(JSON.stringify({ ...identity(id), ...r }));
      if (big) out.metadata_admin = new Array(1100).fill(0); // past MAX_LAYOUT_TOKENS: packed
      return out;
    });
const ids = ["i1", "i2", "i3"];
const op = fc.oneof(
  fc.constantFrom(...ids).chain((id) => fc.tuple(fc.constant("insert" as const), rec(id))),
  fc
    .constantFrom(...ids)
    .chain((id) => fc.tuple(fc.constant("update" as const), rec(id), fc.constantFrom(undefined, T, T2, ""))),
  fc.tuple(fc.constant("delete" as const), fc.constantFrom(...ids)),
);

function modelKeys(r: Loose): [string, string, string][] {
  const out: [string, string, string][] = [];
  const c = r.credentials as Loose | null;
  if (c && typeof c === "object" && !Array.isArray(c))
    for (const t of Object.keys(c)) {
      const list = (c[t] as Loose | null)?.identifiers;
      if (Array.isArray(list))
        for (const v of list) if (typeof v === "string") out.push(["credential", t, v]);
    }
  for (const [kind, name] of [
    ["verifiable_address", "verifiable_addresses"],
    ["recovery_address", "recovery_addresses"],
  ]) {
    const list = r[name as string];
    if (Array.isArray(list))
      for (const a of list) {
        const via = (a as Loose | null)?.via;
        const value = (a as Loose | null)?.value;
        if (
          a &&
          typeof a === "object" &&
          !Array.isArray(a) &&
          typeof via === "string" &&
          typeof value === "string"
        )
          out.push([kind as string, via, value]);
      }
  }
  if (typeof r.external_id === "string" && r.external_id !== "") out.push(["external_id", "", r.external_id]);
  return out;
}

describe("uniqueness through the adapter API (model)", () => {
  it("matches a model", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
        const storage = new MemoryStorage();
        const model = new Map<string, Loose>();
        const owner = (k: string[], self: string) => {
          for (const [id, r] of model)
            if (id !== self && modelKeys(r).some((x) => x.join("\0") === k.join("\0"))) return id;
          return undefined;
        };
        const firstConflict = (r: Loose) => {
          const keys = modelKeys(r);
          for (let i = 0; i < keys.length; i++) {
            const k = keys[i] as string[];
            if (owner(k, r.id as string) || keys.slice(0, i).some((x) => x.join("\0") === k.join("\0")))
              return k;
          }
          return undefined;
        };
        for (const o of ops) {
          if (o[0] === "insert") {
            const r = o[1];
            const [got] = await storage.insertIdentities([structuredClone(r) as unknown as StoredIdentity]);
            let want: unknown = null;
            if (model.has(r.id as string)) want = "id";
            else {
              const k = firstConflict(r);
              if (k) want = k;
              else model.set(r.id as string, r);
            }
            const key = got && conflictKeyOf(got);
            expect(
              got === null ? null : key?.kind === "id" ? "id" : key && [key.kind, key.scope, key.value],
            ).toStrictEqual(want);
          } else if (o[0] === "update") {
            const [, r, expected] = o;
            let got: unknown;
            try {
              got = await storage.updateIdentity(structuredClone(r) as unknown as StoredIdentity, expected);
            } catch (e) {
              const key = conflictKeyOf(e);
              got = key ? [key.kind, key.scope, key.value] : e;
            }
            const stored = model.get(r.id as string);
            let want: unknown;
            if (!stored) want = "not_found";
            else if (expected !== undefined && stored.updated_at !== expected) want = "stale";
            else {
              want = firstConflict(r) ?? "ok";
              if (want === "ok") model.set(r.id as string, r);
            }
            expect(got).toStrictEqual(want);
          } else {
            expect(await storage.deleteIdentity(o[1])).toBe(model.delete(o[1]));
          }
          // Invariants: stored records, owners of every key, organization listings.
          for (const id of ids)
            expect(JSON.stringify(await storage.getIdentity(id))).toBe(JSON.stringify(model.get(id)));
          for (const t of ["password", "code", "__proto__", "constructor", "1", "0"])
            for (const v of ["a", "b", "", T, T2]) {
              const found = await storage.findIdentityByCredentialIdentifier(t as "password", v);
              expect(found?.id).toBe(owner(["credential", t, v], ""));
            }
          for (const v of ["a", "b", "", T, T2])
            expect((await storage.findIdentityByExternalId(v))?.id).toBe(owner(["external_id", "", v], ""));
          for (const org of ["o1", "o2", T]) {
            const listed = (await storage.listIdentities({ organizationId: org, limit: 10 })).map(
              (i) => i.id,
            );
            expect(listed).toStrictEqual(
              [...model.values()]
                .filter((r) => r.organization_id === org)
                .map((r) => r.id)
                .sort(),
            );
          }
          // Addresses: a probe identity holding the key conflicts iff someone owns it.
          for (const kind of ["verifiable_address", "recovery_address"])
            for (const via of ["email", "sms", T])
              for (const v of ["a", "", T]) {
                const probe = identity("probe", { [`${kind}es`]: [{ via, value: v }] });
                const [out] = await storage.insertIdentities([probe]);
                if (out === null) await storage.deleteIdentity("probe");
                expect(out === null ? undefined : "taken").toBe(owner([kind, via, v], "") && "taken");
              }
        }
      }),
      { numRuns: 400 },
    );
  });
});
