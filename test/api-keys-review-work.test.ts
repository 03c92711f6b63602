// Review F5: an unknown key id runs the same storage-side work as a known key with a wrong secret (on a stand-in):
// counted, never timed. On MemoryStorage itself the authentication reads the stored records (identities decoded
// once per stored version, the stand-in too); on any other adapter it copies and checks what the adapter returns.
import { describe, expect, it, vi } from "vitest";
import * as clone from "../src/identity/clone.js";
import { type IdentityManager, MemoryStorage, type StorageAdapter } from "../src/index.js";
import { checksumOf, randomBase62 } from "../src/services/api-key-format.js";
import * as layouts from "../src/storage/memory/record-layouts.js";
import * as shape from "../src/storage/stored-shape.js";
import { manager, rejection } from "./helpers.js";

vi.mock("../src/identity/clone.js", async (original) => {
  const m = await original<typeof import("../src/identity/clone.js")>();
  return { ...m, cloneJson: vi.fn(m.cloneJson) };
});
vi.mock("../src/storage/stored-shape.js", async (original) => {
  const m = await original<typeof import("../src/storage/stored-shape.js")>();
  return { ...m, isStoredIdentity: vi.fn(m.isStoredIdentity) };
});
vi.mock("../src/storage/memory/record-layouts.js", async (original) => {
  const m = await original<typeof import("../src/storage/memory/record-layouts.js")>();
  return { ...m, unflatten: vi.fn(m.unflatten) };
});

/** MemoryStorage behind plain delegating functions: not `instanceof MemoryStorage`, so checked like any adapter. */
function foreign(inner: MemoryStorage): StorageAdapter {
  const names = new Set<string>();
  for (let p = Object.getPrototypeOf(inner); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) if (n !== "constructor") names.add(n);
  }
  const record = inner as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const n of names) {
    const v = record[n];
    if (typeof v === "function") out[n] = (v as (...a: unknown[]) => unknown).bind(inner);
  }
  return out as unknown as StorageAdapter;
}

const keyWith = (id: string) => {
  const body = `idk_${id}${randomBase62(43)}`;
  return body + checksumOf(body);
};

describe.each([
  ["MemoryStorage", (s: MemoryStorage) => s as StorageAdapter],
  ["another adapter", foreign],
])("F5 on %s: unknown key ids do the known ones' work", (_name, wrap) => {
  it("the same decodes, copies and shape checks for an unknown id as for a wrong secret, cold and warm", async () => {
    const idm = manager({ storage: wrap(new MemoryStorage()) }) as unknown as IdentityManager;
    const account = await idm.createIdentity({ schema_id: "preset://machine", traits: { name: "svc" } });
    const { api_key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
    const counted = [
      vi.mocked(layouts.unflatten),
      vi.mocked(clone.cloneJson),
      vi.mocked(shape.isStoredIdentity),
    ];
    const count = async (key: string) => {
      for (const f of counted) f.mockClear();
      expect((await rejection(idm.authenticateApiKey(key))).code).toBe("invalid_credentials");
      return counted.map((f) => f.mock.calls.length);
    };
    // First the key's identity as just written (not decoded for a read yet), then again.
    const wrong = [await count(keyWith(api_key.id)), await count(keyWith(api_key.id))];
    const unknown = [await count(keyWith(randomBase62(20))), await count(keyWith(randomBase62(20)))];
    expect(wrong[0]?.some((n) => n > 0)).toBe(true);
    expect(unknown).toEqual(wrong);
  });
});
