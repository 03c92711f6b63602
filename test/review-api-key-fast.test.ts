// Review of authenticateApiKey's fast path on MemoryStorage (sync decision, decoded-identity cache, one-pass JSON,
// padded HMAC): tries to break revocation, staleness, freshness, digest equality and argument robustness.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type IdentityManager, isIdentityError, MemoryStorage } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

function fakeClock(start = Date.parse("2030-01-01T00:00:00.000Z")) {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function setup(secrets?: string[], storage = new MemoryStorage()) {
  const clock = fakeClock();
  const idm = manager({
    storage,
    now: clock.now,
    ...(secrets ? { secrets } : {}),
  }) as unknown as IdentityManager;
  const account = await idm.createIdentity({
    schema_id: "preset://machine",
    traits: { name: "svc", owner: "team" },
  });
  return { storage, clock, idm, account };
}

const code = async (p: Promise<unknown>) => {
  const e = await rejection(p);
  expect(isIdentityError(e)).toBe(true);
  return (e as { code?: string }).code ?? (e as { error?: { id?: string } }).error?.id ?? String(e);
};

describe("review: fast path never answers from stale state", () => {
  it("revoke: refused right after revokeApiKey resolves (warm cache, many uses first)", async () => {
    const { idm, account } = await setup();
    const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
    for (let i = 0; i < 5; i++) await idm.authenticateApiKey(key);
    await idm.revokeApiKey(api_key.id);
    expect(await code(idm.authenticateApiKey(key))).toBe("invalid_credentials");
    // and a sibling key still works
    const other = await idm.createApiKey({ identity_id: account.id, name: "k2" });
    await expect(idm.authenticateApiKey(other.key)).resolves.toBeTruthy();
    expect(await code(idm.authenticateApiKey(key))).toBe("invalid_credentials");
  });

  it("revoke: started concurrently with the revocation, before init, never resolves after it", async () => {
    const storage = new MemoryStorage();
    const { idm, account } = await setup(undefined, storage);
    const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
    const order: string[] = [];
    const auth = idm.authenticateApiKey(key).then(
      () => order.push("auth-ok"),
      () => order.push("auth-refused"),
    );
    const rev = idm.revokeApiKey(api_key.id).then(() => order.push("revoked"));
    await Promise.all([auth, rev]);
    const ok = order.indexOf("auth-ok");
    if (ok >= 0) expect(ok).toBeLessThan(order.indexOf("revoked"));
    expect(await code(idm.authenticateApiKey(key))).toBe("invalid_credentials");
  });

  it("revocation through another manager on the same MemoryStorage", async () => {
    const { idm, account, storage, clock } = await setup();
    const other = manager({ storage, now: clock.now }) as unknown as IdentityManager;
    const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
    await idm.authenticateApiKey(key);
    await other.authenticateApiKey(key);
    await other.revokeApiKey(api_key.id);
    expect(await code(idm.authenticateApiKey(key))).toBe("invalid_credentials");
  });

  it("rotation: old key works during grace, refused at grace end (exact boundary), new key keeps working", async () => {
    const { idm, account, clock } = await setup();
    const first = await idm.createApiKey({ identity_id: account.id, name: "k" });
    await idm.authenticateApiKey(first.key);
    const next = await idm.rotateApiKey(first.api_key.id, { grace: "10s" });
    await expect(idm.authenticateApiKey(first.key)).resolves.toBeTruthy();
    // timestamps are made strictly increasing: the boundary is the stored expires_at
    const end = Date.parse((await idm.getApiKey(first.api_key.id)).expires_at as string);
    clock.advance(end - clock.now().getTime() - 1);
    await expect(idm.authenticateApiKey(first.key)).resolves.toBeTruthy();
    clock.advance(1);
    expect(await code(idm.authenticateApiKey(first.key))).toBe("invalid_credentials");
    clock.advance(1);
    expect(await code(idm.authenticateApiKey(first.key))).toBe("invalid_credentials");
    await expect(idm.authenticateApiKey(next.key)).resolves.toBeTruthy();
  });

  it("rotation with grace 0s: old key refused at once", async () => {
    const { idm, account, clock } = await setup();
    const first = await idm.createApiKey({ identity_id: account.id, name: "k" });
    await idm.authenticateApiKey(first.key);
    await idm.rotateApiKey(first.api_key.id);
    const end = Date.parse((await idm.getApiKey(first.api_key.id)).expires_at as string);
    clock.advance(Math.max(0, end - clock.now().getTime()));
    expect(await code(idm.authenticateApiKey(first.key))).toBe("invalid_credentials");
  });

  it("expiry: refused at expires_at (warm key, timestamp cache)", async () => {
    const { idm, account, clock } = await setup();
    const a = await idm.createApiKey({ identity_id: account.id, name: "a", expires_in: "1s" });
    await idm.authenticateApiKey(a.key);
    clock.advance(Date.parse(a.api_key.expires_at as string) - clock.now().getTime() - 1);
    await idm.authenticateApiKey(a.key);
    clock.advance(1);
    expect(await code(idm.authenticateApiKey(a.key))).toBe("invalid_credentials");
  });

  it("identity deactivated via patchIdentity / updateIdentity: refused; reactivated: new identity returned", async () => {
    const { idm, account } = await setup();
    const { key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
    const before = await idm.authenticateApiKey(key);
    expect(before.identity.state).toBe("active");
    await idm.patchIdentity(account.id, [{ op: "replace", path: "/state", value: "inactive" }]);
    expect(await code(idm.authenticateApiKey(key))).toBe("identity_disabled");
    await idm.patchIdentity(account.id, [{ op: "replace", path: "/state", value: "active" }]);
    const after = await idm.authenticateApiKey(key);
    expect(after.identity.state).toBe("active");
    const current = await idm.getIdentity(account.id);
    await idm.updateIdentity(account.id, { ...current, state: "inactive" } as never);
    expect(await code(idm.authenticateApiKey(key))).toBe("identity_disabled");
  });

  it("traits/metadata changed: the returned identity is the new one (patch, update)", async () => {
    const { idm, account } = await setup();
    const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
    await idm.authenticateApiKey(key);
    await idm.patchIdentity(account.id, [{ op: "replace", path: "/traits/name", value: "renamed" }]);
    let r = await idm.authenticateApiKey(key);
    expect(r.identity.traits).toEqual({ name: "renamed", owner: "team" });
    const current = await idm.getIdentity(account.id);
    await idm.updateIdentity(account.id, {
      schema_id: current.schema_id,
      traits: { name: "put", owner: "x" },
      metadata_public: { a: 1 },
      metadata_admin: { b: 2 },
    } as never);
    r = await idm.authenticateApiKey(key);
    expect(r.identity.traits).toEqual({ name: "put", owner: "x" });
    expect(r.identity.metadata_public).toEqual({ a: 1 });
    expect(r.identity.metadata_admin).toEqual({ b: 2 });
    const got = await idm.getIdentity(account.id);
    expect(r.identity.updated_at).toBe(got.updated_at);
    expect(r.identity.credentials?.api_key?.identifiers).toEqual([api_key.id]);
  });

  it("identity deleted: refused (and its keys gone), other identities unaffected", async () => {
    const { idm, account } = await setup();
    const other = await idm.createIdentity({
      schema_id: "preset://machine",
      traits: { name: "o", owner: "t" },
    });
    const a = await idm.createApiKey({ identity_id: account.id, name: "k" });
    const b = await idm.createApiKey({ identity_id: other.id, name: "k" });
    await idm.authenticateApiKey(a.key);
    await idm.authenticateApiKey(b.key);
    await idm.deleteIdentity(account.id);
    expect(await code(idm.authenticateApiKey(a.key))).toBe("invalid_credentials");
    const r = await idm.authenticateApiKey(b.key);
    expect(r.identity.id).toBe(other.id);
  });

  it("many identities (past the decoded cache limit) still answer current state", async () => {
    const { idm } = await setup();
    const keys: Array<{ id: string; key: string }> = [];
    for (let i = 0; i < 1030; i++) {
      const a = await idm.createIdentity({
        schema_id: "preset://machine",
        traits: { name: `n${i}`, owner: "t" },
      });
      const k = await idm.createApiKey({ identity_id: a.id, name: "k" });
      keys.push({ id: a.id, key: k.key });
      await idm.authenticateApiKey(k.key);
    }
    const first = keys[0] as { id: string; key: string };
    await idm.patchIdentity(first.id, [{ op: "replace", path: "/traits/name", value: "changed" }]);
    expect((await idm.authenticateApiKey(first.key)).identity.traits).toMatchObject({ name: "changed" });
    const last = keys[1029] as { id: string; key: string };
    await idm.patchIdentity(last.id, [{ op: "replace", path: "/state", value: "inactive" }]);
    expect(await code(idm.authenticateApiKey(last.key))).toBe("identity_disabled");
  }, 60_000);
});

describe("review: results are fresh objects", () => {
  it("mutating the returned identity and api_key changes nothing later", async () => {
    const { idm, account } = await setup();
    await idm.patchIdentity(account.id, [
      { op: "add", path: "/metadata_public", value: { nested: { x: [1] } } },
      { op: "add", path: "/metadata_admin", value: { secret: { y: [2] } } },
    ]);
    const { key } = await idm.createApiKey({
      identity_id: account.id,
      name: "k",
      scopes: ["a", "b"],
      metadata: { deep: { z: [3] } },
    });
    const first = await idm.authenticateApiKey(key);
    const snapshot = JSON.parse(JSON.stringify(first));
    const id = first.identity as unknown as Record<string, any>;
    id.traits.name = "evil";
    id.traits.extra = 1;
    id.metadata_public.nested.x.push(9);
    id.metadata_admin.secret.y.push(9);
    id.credentials.api_key.identifiers.push("other");
    id.credentials.api_key.type = "password";
    id.state = "inactive";
    id.schema_id = "x";
    const k = first.api_key as unknown as Record<string, any>;
    k.scopes.push("admin");
    k.metadata.deep.z.push(9);
    k.revoked_at = "2000-01-01T00:00:00.000Z";
    k.expires_at = "2000-01-01T00:00:00.000Z";
    k.identity_id = "nope";
    const second = await idm.authenticateApiKey(key, { requiredScopes: ["a"] });
    expect(second.identity).toEqual(snapshot.identity);
    expect({ ...second.api_key, last_used_at: null }).toEqual({ ...snapshot.api_key, last_used_at: null });
    expect(second.identity).not.toBe(first.identity);
    expect(await code(idm.authenticateApiKey(key, { requiredScopes: ["admin"] }))).toBe("insufficient_scope");
    expect((await idm.getIdentity(account.id)).traits).toEqual({ name: "svc", owner: "team" });
  });

  it("two concurrent results share no object", async () => {
    const { idm, account } = await setup();
    const { key } = await idm.createApiKey({ identity_id: account.id, name: "k", metadata: { m: {} } });
    const [a, b] = await Promise.all([idm.authenticateApiKey(key), idm.authenticateApiKey(key)]);
    const objs = (v: unknown, out: Set<unknown>) => {
      if (v && typeof v === "object") {
        out.add(v);
        for (const x of Object.values(v)) objs(x, out);
      }
      return out;
    };
    const sa = objs(a, new Set());
    for (const o of objs(b, new Set())) expect(sa.has(o)).toBe(false);
  });

  it("the afterApiKeyAuthentication hook mutating its arguments changes nothing later", async () => {
    const storage = new MemoryStorage();
    const idm = manager({
      storage,
      hooks: {
        afterApiKeyAuthentication: (identity: any, ctx: any) => {
          identity.traits.name = "hooked";
          if (identity.credentials) identity.credentials.api_key = undefined;
          ctx.api_key.scopes.push("admin");
        },
      },
    }) as unknown as IdentityManager;
    const account = await idm.createIdentity({
      schema_id: "preset://machine",
      traits: { name: "svc", owner: "t" },
    });
    const { key } = await idm.createApiKey({ identity_id: account.id, name: "k", scopes: ["a"] });
    await idm.authenticateApiKey(key);
    const r = await idm.authenticateApiKey(key);
    expect(r.identity.traits).toEqual({ name: "svc", owner: "t" });
    expect(await code(idm.authenticateApiKey(key, { requiredScopes: ["admin"] }))).toBe("insufficient_scope");
  });
});

const hmac = (secret: string, token: string) =>
  createHmac("sha512-256", secret).update(token, "utf8").digest("hex");

describe("review: digests equal createHmac('sha512-256') for odd secrets", () => {
  const secrets = [
    "é".repeat(16),
    "\u{1F600}".repeat(8),
    "k".repeat(128),
    "k".repeat(129),
    `${"k".repeat(127)}é`,
    "x".repeat(5000),
    `${"\x7f".repeat(20)}`,
    "\u0080\u00ff".repeat(10),
  ];
  for (const secret of secrets) {
    it(`secret ${JSON.stringify(secret.slice(0, 12))}… (length ${secret.length})`, async () => {
      const { idm, account, storage } = await setup([secret]);
      const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
      const stored = storage.dumpApiKeys().find((k) => k.id === api_key.id);
      const secretPart = key.slice(key.indexOf("_") + 1 + api_key.id.length, key.length - 6);
      expect(stored?.digest).toBe(hmac(secret, `${api_key.id}.${secretPart}`));
      await expect(idm.authenticateApiKey(key)).resolves.toBeTruthy();
      // verified as a non-signing (older) secret by another manager on the same store
      const other = manager({
        storage,
        secrets: ["another-secret-0123456789", secret],
      }) as unknown as IdentityManager;
      await expect(other.authenticateApiKey(key)).resolves.toBeTruthy();
      const wrong = manager({
        storage,
        secrets: ["another-secret-0123456789"],
      }) as unknown as IdentityManager;
      expect(await code(wrong.authenticateApiKey(key))).toBe("invalid_credentials");
    });
  }
});

describe("review: wrong keys and any JS value", () => {
  it("wrong secret with right id, unknown id, tampered → invalid_credentials", async () => {
    const { idm, account } = await setup();
    const { key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
    await idm.authenticateApiKey(key);
    const other = await idm.createApiKey({ identity_id: account.id, name: "k2" });
    await idm.revokeApiKey(other.api_key.id);
    // same id, other key's secret part → checksum fails or digest mismatch: invalid_credentials either way
    const swapped = key.slice(0, 24) + other.key.slice(24);
    for (const k of [
      swapped,
      `${key.slice(0, -1)}${key.endsWith("x") ? "y" : "x"}`,
      key.toUpperCase(),
      `${key} `,
      key.slice(1),
      other.key,
    ]) {
      expect(await code(idm.authenticateApiKey(k))).toBe("invalid_credentials");
    }
  });

  it("no TypeError for any JS value as key or options", async () => {
    const { idm, account } = await setup();
    const { key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new TypeError("boom");
        },
        ownKeys() {
          throw new TypeError("boom");
        },
        getOwnPropertyDescriptor() {
          throw new TypeError("boom");
        },
      },
    );
    const getter = {
      get requiredScopes() {
        throw new TypeError("boom");
      },
    };
    const values: unknown[] = [
      undefined,
      null,
      0,
      Number.NaN,
      1n,
      Symbol("s"),
      true,
      {},
      [],
      () => 1,
      new String(key),
      { toString: () => key },
      revoked.proxy,
      throwing,
      getter,
      Object.create(null),
      { requiredScopes: [Symbol("x")] },
      { requiredScopes: "a" },
      { requiredScopes: [1n] },
      { requiredScopes: new Array(1e6) },
      { requiredScopes: ["a"], __proto__: { x: 1 } },
    ];
    for (const v of values) {
      for (const [k, o] of [
        [v, undefined],
        [key, v],
      ] as const) {
        let err: unknown;
        try {
          await idm.authenticateApiKey(k as string, o as never);
        } catch (e) {
          err = e;
        }
        if (err !== undefined) {
          expect(err).not.toBeInstanceOf(TypeError);
          expect(isIdentityError(err), String(err)).toBe(true);
        }
      }
    }
  });
});
