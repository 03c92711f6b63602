/**
 * Regression tests from the adversarial review of issue 9's fast paths: each test is named after a finding (it
 * failed on the first version of the fast path and passes on the code before it, bc60bcf). F4 and F6 pin the two
 * differences that were kept and documented (JSON's reading of -0; a microtask turn every 16 items of a
 * synchronous source).
 */
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import type { StoredIdentity } from "../src/identity/identity.js";
import { checkMetadataSize, checkTraitsSize } from "../src/identity/limits.js";
import { isIdentityError, MemoryStorage } from "../src/index.js";
import { MAX_SHAPES, pack, type ShapeNode, Shapes } from "../src/storage/memory/packed-json.js";
import { manager } from "./helpers.js";

const NOW = "2024-01-01T00:00:00.000Z";
const uuid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;

function identity(id: string, extra: Partial<Record<keyof StoredIdentity, unknown>> = {}): StoredIdentity {
  return {
    id,
    schema_id: "default",
    state: "active",
    state_changed_at: NOW,
    traits: {},
    verifiable_addresses: [],
    recovery_addresses: [],
    metadata_public: null,
    metadata_admin: null,
    credentials: {},
    external_id: null,
    organization_id: null,
    created_at: NOW,
    updated_at: NOW,
    ...extra,
  } as StoredIdentity;
}

/** What a call threw (undefined when it did not). */
async function thrown(f: () => unknown): Promise<unknown> {
  try {
    await f();
    return undefined;
  } catch (e) {
    return e;
  }
}

function trieNodes(node: ShapeNode): number {
  let count = 0;
  for (const child of node.next?.values() ?? []) count += 1 + trieNodes(child);
  return count;
}

describe("review of issue 9: MemoryStorage's packed records", () => {
  it("F1: an object whose getter answers differently on a second read poisons the shape table for every later identity", async () => {
    const storage = new MemoryStorage();
    let reads = 0;
    // Read once by the encoding walk ("x"), again when the shape's member names are listed (undefined).
    const hostile = {
      get a() {
        return reads++ === 0 ? "x" : undefined;
      },
      b: "y",
    };
    await storage.insertIdentities([identity(uuid(1), { metadata_public: hostile })]);
    // A later, perfectly plain identity of the same member names.
    await storage.insertIdentities([identity(uuid(2), { metadata_public: { a: "1", b: "2" } })]);
    expect((await storage.getIdentity(uuid(2)))?.metadata_public).toStrictEqual({ a: "1", b: "2" });
  });

  it("F2a: the shape trie stays bounded when objects have more than 32 members (nodes are made, no shape interned)", () => {
    const shapes = new Shapes();
    for (let i = 0; i < 5000; i++) {
      const value: Record<string, number> = {};
      for (let k = 0; k < 33; k++) value[`m${i}-${k}`] = k;
      pack(value, "", shapes);
    }
    // The most nodes a table of MAX_SHAPES lists of at most 32 names can need.
    expect(trieNodes(shapes.root)).toBeLessThanOrEqual(MAX_SHAPES * 32);
  });

  it("F2b: memory of created-then-deleted identities with 33-member metadata is given back", async () => {
    v8.setFlagsFromString("--expose_gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const heap = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const storage = new MemoryStorage();
    const round = async (r: number) => {
      for (let i = 0; i < 500; i++) {
        const metadata: Record<string, number> = {};
        for (let k = 0; k < 33; k++) metadata[`${r}-${i}-${k}-`.padEnd(2000, "x")] = k;
        await storage.insertIdentities([identity(uuid(i + 1), { metadata_admin: metadata })]);
        await storage.deleteIdentity(uuid(i + 1));
      }
    };
    await round(0); // warm-up
    const before = heap();
    for (let r = 1; r <= 3; r++) await round(r);
    // 1500 deleted identities; about 1500 × 32 × 2 KB ≈ 96 MB stay in the shape trie.
    expect(storage.size).toBe(0);
    expect(heap() - before).toBeLessThan(30e6);
  });

  it("F3a: updateIdentity with a value JSON cannot write throws a TypeError and leaves the record without its uniqueness keys", async () => {
    const storage = new MemoryStorage();
    const stored = identity(uuid(1), { external_id: "ext-1" });
    await storage.insertIdentities([stored]);
    const error = await thrown(() =>
      storage.updateIdentity({ ...stored, metadata_admin: { n: 1n } as never }, NOW),
    );
    expect(error === undefined || isIdentityError(error)).toBe(true); // TypeError: Do not know how to serialize a BigInt
    // Whatever the write did, the stored identity still owns its external id.
    expect((await storage.findIdentityByExternalId("ext-1"))?.id).toBe(uuid(1));
    const [outcome] = await storage.insertIdentities([identity(uuid(2), { external_id: "ext-1" })]);
    expect(outcome).not.toBeNull(); // a second identity with the same external id
  });

  it("F3b: insertIdentities with a BigInt member resolves (the adapter stored it before) instead of throwing a TypeError", async () => {
    const storage = new MemoryStorage();
    const error = await thrown(() =>
      storage.insertIdentities([
        identity(uuid(1)),
        identity(uuid(2), { traits: { n: 1n } as never }),
        identity(uuid(3)),
      ]),
    );
    expect(error === undefined || isIdentityError(error)).toBe(true);
  });

  it("F4 (kept, documented): the store keeps what JSON keeps — -0 reads back as 0, as from PostgreSQL's JSONB", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "zero@example.org" },
      metadata_public: { n: -0 },
    });
    expect(Object.is((created.metadata_public as { n: number }).n, -0)).toBe(true);
    const read = await idm.getIdentity(created.id);
    expect(Object.is((read.metadata_public as { n: number }).n, 0)).toBe(true);
  });
});

describe("review of issue 9: batch builds", () => {
  it("F5: a batch hands out identity ids in entry order before any address id (deterministic generateId)", async () => {
    let n = 0;
    const idm = manager({ generateId: () => uuid(++n) });
    const { identities } = await idm.batchPatchIdentities({
      identities: ["a", "b", "c"].map((name) => ({
        create: { schema_id: "preset://email", traits: { email: `${name}@example.org` } },
      })),
    });
    expect(identities.map((i) => (i && "identity" in i ? i.identity : undefined))).toStrictEqual([
      uuid(1),
      uuid(2),
      uuid(3),
    ]);
  });
});

describe("review of issue 9: importIdentities from a synchronous source", () => {
  it("F6 (bounded): an abort requested from a microtask while a synchronous source is read stops within 16 items", async () => {
    const idm = manager();
    const controller = new AbortController();
    function* source() {
      for (let i = 0; i < 50; i++) {
        if (i === 3) queueMicrotask(() => controller.abort());
        yield { schema_id: "preset://email", traits: { email: `i${i}@example.org` } };
      }
    }
    const result = await idm.importIdentities(source(), { signal: controller.signal, batchSize: 50 });
    expect(result.aborted).toBe(true);
    // Read without a promise per item, a synchronous source gives microtasks a turn every 16 items (it was every
    // item; reading the whole batch of 50 was the review's finding).
    expect(result.processed).toBeLessThanOrEqual(16);
  });
});

describe("review of issue 9: surelyWithin (size caps)", () => {
  const big = "x".repeat(100_000);
  const code = (f: () => void): string => {
    try {
      f();
      return "accepted";
    } catch (e) {
      return isIdentityError(e) ? e.code : `${(e as Error).constructor.name}`;
    }
  };

  it("F7a: a value whose toJSON writes more than the cap is refused (own non-enumerable toJSON, Array subclass, proxy)", () => {
    const own = {};
    Object.defineProperty(own, "toJSON", { value: () => big });
    class Bigger extends Array {
      toJSON() {
        return big;
      }
    }
    const proxy = new Proxy({}, { get: (_t, k) => (k === "toJSON" ? () => big : undefined) });
    expect(code(() => checkTraitsSize({ a: own }, 65536))).toBe("validation_failed");
    expect(code(() => checkTraitsSize(Bigger.from([1]), 65536))).toBe("validation_failed");
    expect(code(() => checkMetadataSize({ metadata_public: proxy }, 65536))).toBe("validation_failed");
  });

  it("F7b: deep nesting, or a cycle under a large cap, is no RangeError", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(code(() => checkTraitsSize(deep, 65536))).not.toBe("RangeError");
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(code(() => checkTraitsSize(cycle, 1e9))).not.toBe("RangeError");
  });
});
