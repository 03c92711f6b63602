// Properties of the API key format and of every API key method: a mistyped key never reaches the store (a counting
// adapter), any JS value as any argument is an IdentityError that writes nothing, and the secrets rotate.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  apiKeyPattern,
  IdentityError,
  type IdentityManager,
  isIdentityError,
  MemoryStorage,
  type StorageAdapter,
} from "../src/index.js";
import {
  BASE62,
  checksumOf,
  crc32,
  generateApiKey,
  isApiKeyId,
  parseApiKey,
} from "../src/services/api-key-format.js";
import { manager, rejection } from "./helpers.js";

/** A MemoryStorage that counts every call of every adapter method. */
function countingStorage() {
  const inner = new MemoryStorage();
  const calls: string[] = [];
  const storage = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.push(String(prop));
        return value.apply(target, args);
      };
    },
  });
  return { storage: storage as StorageAdapter, inner, calls };
}

async function account(idm: IdentityManager) {
  return idm.createIdentity({ schema_id: "preset://machine", traits: { name: "svc" } });
}

/** Any JS value, hostile ones included. */
const anything = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    undefined,
    null,
    Symbol("s"),
    () => "idk_",
    new Proxy(
      {},
      {
        get: () => {
          throw new Error("trap");
        },
        ownKeys: () => {
          throw new Error("trap");
        },
      },
    ),
    Object.create(null),
    new String("idk_x"),
    10n,
    [],
    {
      toString: () => {
        throw new Error("toString");
      },
    },
  ),
);

describe("the key format", () => {
  it("CRC-32 is zlib's (IEEE), checksums are 6 base62 characters", async () => {
    const { crc32: zlibCrc } = await import("node:zlib");
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 100 }), (text) => {
        expect(crc32(text)).toBe((zlibCrc as (s: Buffer) => number)(Buffer.from(text, "latin1")));
        expect(checksumOf(text)).toMatch(/^[0-9A-Za-z]{6}$/);
      }),
    );
  });

  it("generated keys parse back to their id and secret; the pattern for scanners matches them", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9]{1,19}$/), (prefix) => {
        const { id, secret, key } = generateApiKey(prefix);
        expect(parseApiKey(key, prefix)).toEqual({ id, secret });
        expect(isApiKeyId(id)).toBe(true);
        expect(secret).toMatch(/^[0-9A-Za-z]{43}$/);
        expect(new RegExp(apiKeyPattern(prefix)).test(`token=${key};`)).toBe(true);
        expect(parseApiKey(key, `${prefix}x`)).toBeUndefined(); // another prefix
      }),
    );
  });

  it("any one character changed, dropped or added makes the key unparseable", () => {
    const { key } = generateApiKey("idk");
    fc.assert(
      fc.property(
        fc.nat({ max: key.length - 1 }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.constantFrom("replace", "drop", "insert"),
        (at, code, edit) => {
          const c = String.fromCharCode(code);
          const changed =
            edit === "replace"
              ? key.slice(0, at) + c + key.slice(at + 1)
              : edit === "drop"
                ? key.slice(0, at) + key.slice(at + 1)
                : key.slice(0, at) + c + key.slice(at);
          fc.pre(changed !== key);
          expect(parseApiKey(changed, "idk")).toBeUndefined();
        },
      ),
    );
  });

  it("any value parses to undefined or a well-formed key, never a throw", () => {
    fc.assert(
      fc.property(fc.oneof(anything, fc.string(), fc.stringMatching(/^idk_[0-9A-Za-z]{69}$/)), (value) => {
        const parsed = parseApiKey(value, "idk");
        if (parsed !== undefined) {
          expect(typeof value).toBe("string");
          expect(`idk_${parsed.id}${parsed.secret}${checksumOf(`idk_${parsed.id}${parsed.secret}`)}`).toBe(
            value,
          );
        }
      }),
    );
    expect(BASE62).toHaveLength(62);
  });
});

describe("authenticateApiKey without a storage call", () => {
  it("a key with one character changed is invalid_credentials and makes no storage call (counting adapter)", async () => {
    const { storage, calls } = countingStorage();
    const idm = manager({ storage }) as unknown as IdentityManager;
    const { key } = await idm.createApiKey({ identity_id: (await account(idm)).id, name: "k" });
    await idm.authenticateApiKey(key);
    expect(calls).toContain("findApiKey");
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: key.length - 1 }),
        fc.constantFrom(...BASE62, "_", "-", " ", "é"),
        async (at, c) => {
          const changed = key.slice(0, at) + c + key.slice(at + 1);
          fc.pre(changed !== key);
          calls.length = 0;
          const error = await rejection(idm.authenticateApiKey(changed));
          expect([error.code, error.status]).toEqual(["invalid_credentials", 401]);
          expect(calls).toEqual([]);
        },
      ),
    );
  });

  it("an unknown key id and a wrong secret are the same error after the same work: one read, one digest", async () => {
    const { storage, calls } = countingStorage();
    const idm = manager({ storage }) as unknown as IdentityManager;
    const { key, api_key } = await idm.createApiKey({ identity_id: (await account(idm)).id, name: "k" });
    const other = generateApiKey("idk"); // a well-formed key of an unknown id
    const wrongSecret = (() => {
      const head = `idk_${api_key.id}${other.secret}`;
      return head + checksumOf(head);
    })();
    for (const presented of [other.key, wrongSecret]) {
      calls.length = 0;
      const error = await rejection(idm.authenticateApiKey(presented));
      expect(error.toJSON()).toEqual(new IdentityError("invalid_credentials").toJSON());
      expect(calls).toEqual(["findApiKey"]);
    }
    expect((await idm.authenticateApiKey(key)).api_key.id).toBe(api_key.id);
  });
});

describe("every API key method, any argument", () => {
  it("is an IdentityError (never a TypeError) and writes nothing", async () => {
    const storage = new MemoryStorage();
    const idm = manager({ storage }) as unknown as IdentityManager;
    const owner = await account(idm);
    const { key, api_key } = await idm.createApiKey({ identity_id: owner.id, name: "k" });
    const snapshot = () => JSON.stringify([storage.dumpApiKeys(), storage.size]);
    const calls: Array<(a: unknown, b: unknown) => Promise<unknown>> = [
      (a) => idm.createApiKey(a as never),
      (a, b) => idm.createApiKey({ identity_id: owner.id, name: a, scopes: b } as never),
      (a, b) => idm.createApiKey({ identity_id: owner.id, name: "n", expires_in: a, metadata: b } as never),
      (a, b) => idm.authenticateApiKey(a as never, b as never),
      (a) => idm.authenticateApiKey(key, { requiredScopes: a } as never),
      (a) => idm.listApiKeys(a as never),
      (a) => idm.getApiKey(a as never),
      (a) => idm.revokeApiKey(a as never),
      (a, b) => idm.rotateApiKey(a as never, b as never),
      (a) => idm.rotateApiKey(api_key.id, { grace: a } as never),
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: calls.length - 1 }), anything, anything, async (i, a, b) => {
        const before = snapshot();
        try {
          await (calls[i] as (a: unknown, b: unknown) => Promise<unknown>)(a, b);
        } catch (e) {
          expect(isIdentityError(e), String(e)).toBe(true);
          expect(snapshot()).toBe(before);
        }
      }),
      { numRuns: 300 },
    );
    // The rejected creates wrote nothing; valid ones (a string name) may have: check the refusals only.
    expect(storage.dumpApiKeys().every((k) => !JSON.stringify(k).includes(key))).toBe(true);
  });

  it("bodies are checked field by field: issues name every bad field at once", async () => {
    const idm = manager() as unknown as IdentityManager;
    const owner = await account(idm);
    const error = await rejection(
      idm.createApiKey({
        identity_id: owner.id,
        name: "",
        expires_in: "-1h",
        scopes: ["ok", "has space", "ok"],
        metadata: { big: "x".repeat(17_000) },
        extra: 1,
      } as never),
    );
    expect(error.issues.map((i) => i.pointer).sort()).toEqual([
      "/expires_in",
      "/extra",
      "/metadata",
      "/name",
      "/scopes/1",
    ]);
    const missing = await rejection(
      idm.createApiKey({ identity_id: "00000000-0000-4000-8000-000000000000", name: "n" }),
    );
    expect(missing.code).toBe("identity_not_found");
    const dedup = await idm.createApiKey({ identity_id: owner.id, name: "n", scopes: ["a", "a", "b"] });
    expect(dedup.api_key.scopes).toEqual(["a", "b"]);
  });
});

describe("options, secrets, hooks and adapters", () => {
  it("apiKeys options are checked; the prefix shapes the keys", async () => {
    for (const apiKeys of [
      { prefix: "A" },
      { prefix: "x" },
      { prefix: "a_b" },
      { lastUsedInterval: -1 },
      { other: 1 },
      5,
    ]) {
      expect(() => manager({ apiKeys } as never)).toThrow(
        expect.objectContaining({ code: "invalid_configuration" }),
      );
    }
    const idm = manager({ apiKeys: { prefix: "acme", lastUsedInterval: 0 } }) as unknown as IdentityManager;
    const { key } = await idm.createApiKey({ identity_id: (await account(idm)).id, name: "k" });
    expect(key.startsWith("acme_")).toBe(true);
    expect((await rejection(manager().authenticateApiKey(key))).code).toBe("invalid_credentials");
  });

  it("secrets rotate: a key signed under the old secret verifies once a new one is prepended, not after removal", async () => {
    const storage = new MemoryStorage();
    const old = "old-secret-0123456789abcdef";
    const first = manager({ storage, secrets: [old] }) as unknown as IdentityManager;
    const { key } = await first.createApiKey({ identity_id: (await account(first)).id, name: "k" });
    const rotated = manager({
      storage,
      secrets: ["new-secret-0123456789abcdef", old],
    }) as unknown as IdentityManager;
    expect((await rotated.authenticateApiKey(key)).api_key.name).toBe("k");
    const dropped = manager({
      storage,
      secrets: ["new-secret-0123456789abcdef"],
    }) as unknown as IdentityManager;
    expect((await rejection(dropped.authenticateApiKey(key))).code).toBe("invalid_credentials");
  });

  it("hooks: before/afterCredentialChange (type api_key) on create, rotate and revoke; afterApiKeyAuthentication", async () => {
    const seen: string[] = [];
    let refuse = false;
    const idm = manager({
      hooks: {
        beforeCredentialChange: (_identity, { operation, type }) => {
          seen.push(`before ${operation} ${type}`);
          if (refuse) throw new IdentityError("validation_failed", { reason: "no keys today" });
        },
        afterCredentialChange: (_identity, { operation, api_key }) =>
          void seen.push(`after ${operation} ${api_key?.name}`),
        afterApiKeyAuthentication: (identity, { api_key }) =>
          void seen.push(`auth ${identity.id === api_key.identity_id}`),
      },
    }) as unknown as IdentityManager;
    const owner = await account(idm);
    const { key, api_key } = await idm.createApiKey({ identity_id: owner.id, name: "k" });
    await idm.authenticateApiKey(key);
    const next = await idm.rotateApiKey(api_key.id, { grace: "1m" });
    await idm.revokeApiKey(next.api_key.id);
    refuse = true;
    expect((await rejection(idm.createApiKey({ identity_id: owner.id, name: "no" }))).reason).toBe(
      "no keys today",
    );
    expect((await idm.listApiKeys(owner.id)).map((k) => k.name)).toEqual(["k", "k"]);
    expect(seen).toEqual([
      "before create_api_key api_key",
      "after create_api_key k",
      "auth true",
      "before rotate_api_key api_key",
      "after rotate_api_key k",
      "after revoke_api_key k", // a revocation is not vetoable: no before-hook
      "before create_api_key api_key",
    ]);
  });

  it("an adapter without the key methods: invalid_configuration naming the missing method, everything else works", async () => {
    const bare = new MemoryStorage() as unknown as Record<string, unknown>;
    const storage = new Proxy(bare, {
      get: (target, prop) =>
        prop === "insertApiKey" ||
        prop === "findApiKey" ||
        prop === "listApiKeys" ||
        prop === "revokeApiKey" ||
        prop === "touchApiKey"
          ? undefined
          : typeof target[prop as string] === "function"
            ? (target[prop as string] as (...a: unknown[]) => unknown).bind(target)
            : target[prop as string],
    }) as unknown as StorageAdapter;
    const idm = manager({ storage }) as unknown as IdentityManager;
    const owner = await account(idm);
    const error = await rejection(idm.createApiKey({ identity_id: owner.id, name: "k" }));
    expect([error.code, error.status]).toEqual(["invalid_configuration", 500]);
    expect(error.reason).toMatch(/insertApiKey/);
    expect((await rejection(idm.authenticateApiKey(generateApiKey("idk").key))).code).toBe(
      "invalid_configuration",
    );
  });

  it("at 100 keys the oldest revoked or expired ones are pruned; 100 live keys refuse a 101st", async () => {
    const storage = new MemoryStorage();
    const idm = manager({ storage }) as unknown as IdentityManager;
    const owner = await account(idm);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++)
      ids.push((await idm.createApiKey({ identity_id: owner.id, name: `k${i}` })).api_key.id);
    const full = await rejection(idm.createApiKey({ identity_id: owner.id, name: "one more" }));
    expect(full.issues[0]?.code).toBe("too_many");
    await idm.revokeApiKey(ids[5] as string);
    await idm.revokeApiKey(ids[7] as string);
    const added = await idm.createApiKey({ identity_id: owner.id, name: "k100" });
    const listed = (await idm.listApiKeys(owner.id)).map((k) => k.id);
    expect(listed).toHaveLength(100);
    expect(listed).not.toContain(ids[5]);
    expect(listed).toContain(ids[7]);
    expect((await idm.getIdentity(owner.id)).credentials?.api_key?.identifiers.sort()).toEqual(listed.sort());
    expect(storage.dumpApiKeys().some((k) => k.id === added.api_key.id)).toBe(true);
  });
});

describe("races", () => {
  it("concurrent creates, rotations and revocations keep the api_key credential equal to the stored keys", async () => {
    const storage = new MemoryStorage();
    const idm = manager({ storage }) as unknown as IdentityManager;
    const owner = await account(idm);
    const first = await idm.createApiKey({ identity_id: owner.id, name: "k" });
    const results = await Promise.allSettled([
      idm.rotateApiKey(first.api_key.id, { grace: "1m" }),
      idm.revokeApiKey(first.api_key.id),
      ...Array.from({ length: 5 }, (_, i) => idm.createApiKey({ identity_id: owner.id, name: `c${i}` })),
      idm.rotateApiKey(first.api_key.id),
      idm.updateIdentity(owner.id, { schema_id: "preset://machine", traits: { name: "renamed" } }),
    ]);
    for (const r of results) {
      if (r.status === "rejected")
        expect(["api_key_inactive", "api_key_already_rotated"]).toContain(
          (r.reason as IdentityError).issues[0]?.code,
        );
    }
    const listed = (await idm.listApiKeys(owner.id)).map((k) => k.id).sort();
    expect((await idm.getIdentity(owner.id)).credentials?.api_key?.identifiers.sort()).toEqual(listed);
    expect((await idm.getApiKey(first.api_key.id)).revoked_at).not.toBeNull();
    expect((await idm.getIdentity(owner.id)).traits).toEqual({ name: "renamed" });
  });
});
