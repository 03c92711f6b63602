// authenticateApiKey's fast path (issue 12's memory benchmark): the HMAC with its padded keys made once is
// createHmac's HMAC-SHA512/256 byte for byte; the identity JSON built in one pass is toIdentityJson's; MemoryStorage's
// direct read (stored records, identities decoded once per version) answers what any other adapter's checked copies
// answer, hands out nothing of the store, sees every write at once and keeps init and close.
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { StoredIdentity } from "../src/identity/identity.js";
import { toIdentityJson } from "../src/identity/serialize.js";
import {
  type IdentityManager,
  type IdentityManagerOptions,
  isIdentityError,
  MemoryStorage,
  type StorageAdapter,
} from "../src/index.js";
import { createTokenDigester } from "../src/recovery/token-secrets.js";
import { authenticatedIdentityJson, ownKeyOnly } from "../src/services/api-key-json.js";
import { MemoryApiKeys } from "../src/storage/memory/memory-api-keys.js";
import { manager, rejection } from "./helpers.js";

const hmac = (key: string, token: string) =>
  createHmac("sha512-256", key).update(token, "utf8").digest("hex");

/** Any string of UTF-16 code units, lone surrogates included. */
const units = (constraints: { minLength?: number; maxLength?: number } = {}) =>
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), ...constraints });

describe("the token digester", () => {
  it("is createHmac's HMAC-SHA512/256 for any key and token (ASCII keys up to a block take the fast path)", () => {
    const key = fc.oneof(
      fc.string({ unit: "binary-ascii", minLength: 16, maxLength: 140 }),
      fc.string({ unit: "binary", minLength: 16, maxLength: 40 }),
      units({ minLength: 16, maxLength: 40 }),
      fc.constantFrom("k".repeat(127), "k".repeat(128), "k".repeat(129), `${"\x7f".repeat(127)}\x80`),
    );
    const token = fc.oneof(units({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 200 }));
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 3 }), token, (keys, t) => {
        const digester = createTokenDigester(keys);
        expect(digester.sign(t)).toBe(hmac(keys[0] as string, t));
        expect(digester.candidates(t)).toEqual(keys.map((k) => hmac(k, t)));
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same digest however often it is called, between other tokens", () => {
    const digester = createTokenDigester(["bench-secret-0123456789abcdef"]);
    const tokens = ["a", "b".repeat(300), "é\ud800", ""];
    for (let round = 0; round < 3; round++)
      for (const t of tokens) expect(digester.sign(t)).toBe(hmac("bench-secret-0123456789abcdef", t));
  });
});

const at = fc
  .integer({ min: Date.parse("2000-01-01T00:00:00Z"), max: Date.parse("2100-01-01T00:00:00Z") })
  .map((ms) => new Date(ms).toISOString());
const credential = (type: string) =>
  fc.record({
    type: fc.constant(type),
    identifiers: fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
    config: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
    version: fc.integer({ min: 0, max: 2 }),
    created_at: at,
    updated_at: at,
  });
const verifiable = fc.record({
  id: fc.uuid(),
  value: fc.emailAddress(),
  verified: fc.boolean(),
  via: fc.constant("email"),
  status: fc.constantFrom("pending", "completed"),
  created_at: at,
  updated_at: at,
});
const recovery = fc.record({
  id: fc.uuid(),
  value: fc.emailAddress(),
  via: fc.constant("email"),
  created_at: at,
  updated_at: at,
});
const storedIdentity: fc.Arbitrary<StoredIdentity> = fc
  .record({
    id: fc.uuid(),
    schema_id: fc.constantFrom("preset://machine", "preset://email", "custom"),
    state: fc.constantFrom("active", "inactive"),
    state_changed_at: fc.oneof(at, fc.constant("")),
    traits: fc.jsonValue({ maxDepth: 3 }),
    verifiable_addresses: fc.oneof(fc.constant([]), fc.array(verifiable, { maxLength: 2 })),
    recovery_addresses: fc.oneof(fc.constant([]), fc.array(recovery, { maxLength: 2 })),
    metadata_public: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })),
    metadata_admin: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })),
    credentials: fc.record(
      { api_key: credential("api_key"), password: credential("password"), totp: credential("totp") },
      { requiredKeys: [] },
    ),
    external_id: fc.oneof(fc.constant(null), fc.constant(""), fc.string({ maxLength: 8 })),
    organization_id: fc.oneof(fc.constant(null), fc.uuid()),
    created_at: at,
    updated_at: at,
  })
  .map((i) => i as unknown as StoredIdentity);

describe("the authenticated identity's JSON", () => {
  it("is toIdentityJson of the identity with only the key's id, member for member, and shares nothing", () => {
    fc.assert(
      fc.property(storedIdentity, fc.string({ minLength: 20, maxLength: 20 }), (stored, keyId) => {
        const before = JSON.stringify(stored);
        const url = "http://127.0.0.1:4433/schemas/eA";
        const fast = authenticatedIdentityJson(stored, keyId, url);
        const reference = toIdentityJson(ownKeyOnly(stored, keyId), url, {
          credentials: { mode: "no_config" },
          metadataAdmin: true,
        });
        expect(JSON.stringify(fast)).toBe(JSON.stringify(reference));
        expect(fast).toStrictEqual(reference);
        // Nothing of `stored` is in the result: emptying every object and array of it leaves `stored` as it was.
        const scrub = (v: unknown): void => {
          if (v === null || typeof v !== "object") return;
          for (const k of Object.keys(v)) scrub((v as Record<string, unknown>)[k]);
          if (Array.isArray(v)) v.length = 0;
          else for (const k of Object.keys(v)) delete (v as Record<string, unknown>)[k];
        };
        scrub(fast);
        expect(JSON.stringify(stored)).toBe(before);
      }),
      { numRuns: 300 },
    );
  });
});

/** MemoryStorage behind plain delegating functions: not MemoryStorage itself, so read through findApiKey. */
function foreign(inner: MemoryStorage): StorageAdapter {
  const out: Record<string, unknown> = {};
  for (let p = Object.getPrototypeOf(inner); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) {
      const v = (inner as unknown as Record<string, unknown>)[n];
      if (n !== "constructor" && typeof v === "function" && !(n in out))
        out[n] = (v as (...a: unknown[]) => unknown).bind(inner);
    }
  }
  return out as unknown as StorageAdapter;
}

async function setup(storage: StorageAdapter, options: IdentityManagerOptions = {}) {
  const idm = manager({
    storage,
    now: () => new Date("2030-01-01T00:00:00.000Z"),
    ...options,
  }) as unknown as IdentityManager;
  const account = await idm.createIdentity({
    schema_id: "preset://machine",
    traits: { name: "svc", owner: "team" },
    metadata_public: { tier: ["gold"] },
    metadata_admin: { cost_center: { id: 7 } },
    external_id: "ext-1",
  });
  // With addresses and a password too (its JSON takes toIdentityJson itself).
  const person = await idm.createIdentity({
    schema_id: "preset://email",
    traits: { email: "someone@example.org" },
    credentials: { password: { config: { password: "a long enough passphrase" } } },
  });
  const keys = await Promise.all([
    idm.createApiKey({ identity_id: account.id, name: "a", scopes: ["read", "write"], metadata: { m: [1] } }),
    idm.createApiKey({ identity_id: account.id, name: "b" }),
    idm.createApiKey({ identity_id: person.id, name: "p", metadata: { deep: { x: "y" } } }),
  ]);
  return { idm, account, person, keys };
}

const direct = () => new MemoryStorage();
const wrapped = () => foreign(new MemoryStorage());

describe("MemoryStorage's direct read", () => {
  it("answers what another adapter's checked copies answer: results, refusals and their details", async () => {
    const outcomes = async (storage: StorageAdapter) => {
      const { idm, account, keys } = await setup(storage);
      const out: unknown[] = [];
      for (const { key } of keys) {
        out.push(await idm.authenticateApiKey(key));
        out.push(await idm.authenticateApiKey(key, { requiredScopes: ["read"] }).catch((e) => e.toJSON()));
      }
      out.push(
        await idm
          .authenticateApiKey(`${(keys[0] as { key: string }).key.slice(0, -1)}x`)
          .catch((e) => e.toJSON()),
      );
      await idm.updateIdentity(account.id, {
        schema_id: "preset://machine",
        state: "inactive",
        traits: { name: "svc", owner: "team" },
      });
      out.push(await idm.authenticateApiKey((keys[0] as { key: string }).key).catch((e) => e.toJSON()));
      await idm.revokeApiKey((keys[2] as { api_key: { id: string } }).api_key.id);
      out.push(await idm.authenticateApiKey((keys[2] as { key: string }).key).catch((e) => e.toJSON()));
      return JSON.stringify(out);
    };
    const [a, b] = [await outcomes(direct()), await outcomes(wrapped())];
    // Ids, keys and timestamps differ between the two runs; the shapes and everything else do not.
    const normal = (s: string) =>
      s
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<uuid>")
        .replace(/"[0-9A-Za-z]{20}"/g, '"<key id>"');
    expect(normal(a)).toBe(normal(b));
    expect(a).toContain("identity_disabled");
    expect(a).toContain("insufficient_scope");
  });

  it("is one read of the key store, no adapter method, for a known, a wrong and an unknown key", async () => {
    const storage = new MemoryStorage();
    const { idm, keys } = await setup(storage);
    const view = vi.spyOn(MemoryApiKeys.prototype, "view");
    const find = vi.spyOn(storage, "findApiKey");
    try {
      const { key } = keys[0] as { key: string };
      await idm.authenticateApiKey(key);
      const wrong = key.slice(0, -1) + (key.endsWith("0") ? "1" : "0"); // another checksum: no read
      expect((await rejection(idm.authenticateApiKey(wrong))).code).toBe("invalid_credentials");
      const other = await setup(new MemoryStorage());
      expect((await rejection(idm.authenticateApiKey((other.keys[0] as { key: string }).key))).code).toBe(
        "invalid_credentials",
      );
      expect(view).toHaveBeenCalledTimes(2);
      expect(find).not.toHaveBeenCalled();
    } finally {
      view.mockRestore();
      find.mockRestore();
    }
  });

  it("hands out fresh objects: mutating a result changes neither the store nor the next result", async () => {
    const { idm, account, keys } = await setup(new MemoryStorage());
    const { key, api_key } = keys[0] as { key: string; api_key: { id: string } };
    const first = await idm.authenticateApiKey(key);
    const reference = JSON.stringify(first);
    const stored = JSON.stringify([await idm.getIdentity(account.id), await idm.getApiKey(api_key.id)]);
    const vandalise = (v: unknown): void => {
      if (v === null || typeof v !== "object") return;
      for (const k of Object.keys(v)) vandalise((v as Record<string, unknown>)[k]);
      if (Array.isArray(v)) v.push("x");
      else Object.assign(v, { id: "changed", extra: 1 });
    };
    vandalise(first);
    const second = await idm.authenticateApiKey(key);
    expect(JSON.stringify(second)).toBe(reference);
    expect(second).not.toBe(first);
    expect(JSON.stringify([await idm.getIdentity(account.id), await idm.getApiKey(api_key.id)])).toBe(stored);
  });

  it("sees every write of the identity at once (no stale decoding) and a deleted identity's keys are gone", async () => {
    const { idm, account, keys } = await setup(new MemoryStorage());
    const { key } = keys[0] as { key: string };
    expect((await idm.authenticateApiKey(key)).identity.traits).toEqual({ name: "svc", owner: "team" });
    await idm.patchIdentity(account.id, [{ op: "replace", path: "/traits/owner", value: "other" }]);
    expect((await idm.authenticateApiKey(key)).identity.traits).toEqual({ name: "svc", owner: "other" });
    await idm.patchIdentity(account.id, [{ op: "replace", path: "/state", value: "inactive" }]);
    expect((await rejection(idm.authenticateApiKey(key))).code).toBe("identity_disabled");
    await idm.patchIdentity(account.id, [{ op: "replace", path: "/state", value: "active" }]);
    expect((await idm.authenticateApiKey(key)).identity.state).toBe("active");
    await idm.deleteIdentity(account.id);
    expect((await rejection(idm.authenticateApiKey(key))).code).toBe("invalid_credentials");
  });

  it("keeps init (an authentication first in its manager waits for it) and close (refused afterwards)", async () => {
    class SlowInit extends MemoryStorage {
      inits = 0;
      gate: Promise<void> | undefined;
      async init() {
        this.inits++;
        await this.gate;
      }
    }
    const storage = new SlowInit();
    const { keys, account } = await setup(storage);
    const { key } = keys[0] as { key: string };
    let release: () => void = () => undefined;
    storage.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const idm = manager({ storage }) as unknown as IdentityManager;
    let done = false;
    const auth = idm.authenticateApiKey(key).then((r) => {
      done = true;
      return r;
    });
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect([done, storage.inits]).toEqual([false, 2]);
    release();
    expect((await auth).identity.id).toBe(account.id);
    expect((await idm.authenticateApiKey(key)).identity.id).toBe(account.id);
    await idm.close();
    const error = await rejection(idm.authenticateApiKey(key));
    expect(isIdentityError(error, "storage_error")).toBe(true);
  });

  it("a subclass that overrides findApiKey is read through it", async () => {
    let reads = 0;
    class Logged extends MemoryStorage {
      override async findApiKey(id: string) {
        reads++;
        return super.findApiKey(id);
      }
    }
    const { idm, keys } = await setup(new Logged());
    await idm.authenticateApiKey((keys[0] as { key: string }).key);
    expect(reads).toBe(1);
  });
});
