import { describe, expect, it } from "vitest";
import { type IdentityManager, MemoryStorage, type StoredIdentity } from "../src/index.js";
import { manager } from "./helpers.js";

/** Review of the batch-chunk, create, toJsonInput and id-index changes (ae8c21d, 38dca03, 718b769, 40ae10c). */

const uuid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const entries = (count: number, email: (i: number) => string = (i) => `u${i}@example.org`) => ({
  identities: Array.from({ length: count }, (_, i) => ({ create: { traits: { email: email(i) } } })),
});
const settle = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ value, error: undefined }),
    (error: { code?: string }) => ({ value: undefined, error }),
  );

describe("a batch that fails as a whole changes nothing (ae8c21d, 38dca03)", () => {
  it("storage failing the second chunk's write: nothing stored (one insert per batch)", async () => {
    const storage = new MemoryStorage();
    const insert = storage.insertIdentities.bind(storage);
    let calls = 0;
    storage.insertIdentities = async (identities: readonly StoredIdentity[]) => {
      if (++calls === 2) throw new Error("connection lost");
      return insert(identities);
    };
    const idm = manager({ storage });
    const { error } = await settle(idm.batchPatchIdentities(entries(64)));
    // Before ae8c21d: one insertIdentities call, so the batch resolved with 64 creates (or, had that one call
    // failed, rejected with nothing stored). Now: storage_error, and 32 identities whose ids nobody was told.
    if (error !== undefined) expect(storage.size).toBe(0);
  });

  it("close() right after batchPatchIdentities: all or nothing stored (one insert per batch)", async () => {
    const storage = new MemoryStorage();
    const idm = manager({ storage });
    await idm.listIdentities(); // init done: the first chunk is now written synchronously, in the call itself
    const pending = settle(idm.batchPatchIdentities(entries(100)));
    void idm.close();
    const { error } = await pending;
    expect(error?.code).toBe("storage_error");
    expect(storage.size).toBe(0); // 33f217f: 0 stored; now 32
  });
});

describe("toJsonInput pointers are exact (718b769)", () => {
  /** A thrown value whose prototype cannot be read (`e instanceof NotJson` threw again; a WeakSet brand does not). */
  const hostile = new Proxy(
    {},
    {
      getPrototypeOf() {
        throw new Error("trap");
      },
    },
  );

  /** A body whose `/traits/a~1b/d` getter throws {@link hostile}. */
  const throwingBody = () => ({
    traits: {
      "a/b": {
        get d(): never {
          throw hostile;
        },
      },
    },
  });

  it("a getter throwing a hostile proxy: the pointer keeps its last token (/traits/a~1b/d)", async () => {
    const idm = manager();
    const body = throwingBody();
    const error = await idm.createIdentity(body as never).catch((e: { details?: unknown }) => e);
    expect(error).toMatchObject({
      details: { issues: [{ pointer: "/traits/a~1b/d", code: "invalid_json" }] },
    });
  });

  it("the same inside a batch entry: /identities/0/create/traits/a~1b/d", async () => {
    const idm = manager();
    const create = throwingBody();
    const { identities } = await idm.batchPatchIdentities({ identities: [{ create }] } as never);
    expect(identities[0]).toMatchObject({ action: "error" });
    const reason = (identities[0] as { error: { reason: string } }).error.reason;
    expect(reason.startsWith("/identities/0/create/traits/a~1b/d:")).toBe(true);
  });
});

describe("what held (regression guards)", () => {
  async function run(idm: IdentityManager, body: unknown) {
    const { identities } = await idm.batchPatchIdentities(body as never);
    return identities.map((r) => (r === null ? null : r.action === "create" ? r.identity : r.error.id));
  }

  it("1000 entries with duplicate identifiers at 31/32 and 63/64: the later one conflicts, ids in order", async () => {
    let n = 0;
    const idm = manager({ generateId: () => uuid(++n) }) as unknown as IdentityManager;
    const dup = (i: number) => (i === 32 ? 31 : i === 64 ? 63 : i);
    const out = await run(
      idm,
      entries(1000, (i) => `u${dup(i)}@example.org`),
    );
    expect(out[31]).toBe(uuid(32));
    expect(out[32]).toBe("identity_conflict");
    expect(out[64]).toBe("identity_conflict");
    expect(out[999]).toBe(uuid(1000));
    expect(out.filter((o) => o === "identity_conflict")).toHaveLength(2);
  });

  it("given ids repeated across a chunk boundary or equal to a stored id conflict; the rest succeed", async () => {
    let n = 0;
    const idm = manager({ generateId: () => uuid(++n) }) as unknown as IdentityManager;
    await idm.createIdentity({ traits: { email: "first@example.org" } });
    const identities = Array.from({ length: 70 }, (_, i) => ({
      create: {
        traits: { email: `u${i}@example.org` },
        ...(i === 31 || i === 32 ? { id: uuid(5000) } : i === 40 ? { id: uuid(1).toUpperCase() } : {}),
      },
    }));
    const out = await run(idm, { identities });
    expect(out[31]).toBe(uuid(5000));
    expect(out[32]).toBe("identity_conflict");
    expect(out[40]).toBe("identity_conflict");
    expect(out.filter((o) => o === "identity_conflict")).toHaveLength(2);
  });

  it("an init that fails once is retried by the next call (a MemoryStorage subclass)", async () => {
    let fails = 1;
    class Flaky extends MemoryStorage {
      async init() {
        if (fails-- > 0) throw new Error("not up yet");
      }
    }
    const storage = new Flaky();
    const idm = manager({ storage });
    expect((await settle(idm.batchPatchIdentities(entries(40)))).error?.code).toBe("storage_error");
    expect(storage.size).toBe(0);
    const { identities } = await idm.batchPatchIdentities(entries(40));
    expect(identities.every((r) => r?.action === "create")).toBe(true);
    expect(storage.size).toBe(40);
  });
});
