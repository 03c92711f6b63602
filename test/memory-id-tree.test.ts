import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdentityManager, MemoryStorage, type StoredIdentity } from "../src/index.js";

/**
 * MemoryStorage keeps its records in one B+ tree ordered by id strings (no hash table besides). A tree compares
 * keys with `<`, under which a number, an object or null may compare "equal" to a string id: every read, delete
 * and listing of an id that is no string must find nothing and change nothing.
 */
async function filled() {
  const storage = new MemoryStorage();
  const idm = new IdentityManager({ storage });
  const ids: string[] = [];
  for (let i = 0; i < 40; i++) {
    const identity = await idm.createIdentity({
      schema_id: "default",
      traits: { email: `u${i}@example.org` },
    });
    ids.push(identity.id);
  }
  return { storage, ids };
}

describe("MemoryStorage's id tree and ids that are no strings", () => {
  it("getIdentity, deleteIdentity and listIdentities({ ids }) of any non-string find nothing (fast-check)", async () => {
    const { storage, ids } = await filled();
    const notString = fc.anything().filter((v) => typeof v !== "string");
    await fc.assert(
      fc.asyncProperty(notString, async (id) => {
        expect(await storage.getIdentity(id as string)).toBeUndefined();
        expect(await storage.deleteIdentity(id as string)).toBe(false);
        const page = await storage.listIdentities({ ids: [id as string], limit: 10 });
        expect(page).toEqual([]);
        expect(storage.size).toBe(ids.length);
      }),
      { numRuns: 300 },
    );
    // Values that `<` compares as equal to no string or to every one (NaN, objects coercing to NaN) among them.
    for (const id of [Number.NaN, 0, {}, [], null, undefined, true, Symbol.iterator]) {
      expect(await storage.getIdentity(id as unknown as string)).toBeUndefined();
    }
    expect(storage.size).toBe(ids.length);
  });

  it("records are found by id, listed in id order, and gone after a delete", async () => {
    const { storage, ids } = await filled();
    for (const id of ids) expect((await storage.getIdentity(id))?.id).toBe(id);
    const listed = (await storage.listIdentities({ limit: 100 })).map((i: StoredIdentity) => i.id);
    expect(listed).toEqual([...ids].sort());
    expect(await storage.deleteIdentity(ids[7] as string)).toBe(true);
    expect(await storage.getIdentity(ids[7] as string)).toBeUndefined();
    expect(await storage.deleteIdentity(ids[7] as string)).toBe(false);
    expect(storage.size).toBe(ids.length - 1);
    const after = await storage.listIdentities({ limit: 100, after: ids[6] as string });
    expect(after.map((i) => i.id)).toEqual(
      [...ids].sort().filter((id) => id > (ids[6] as string) && id !== ids[7]),
    );
  });
});
