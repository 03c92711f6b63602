// Issue 12's acceptance, on every store: a service account, a key issued and used in an HTTP route (the example
// app), rotated with a grace period (both keys work, then only the new one), revoked (refused at once); nothing of
// a key at rest; concurrent revocation and use; the clock is a fake one, never a timer.
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../examples/machine-keys/app.js";
import {
  type IdentityManager,
  type IdentityManagerOptions,
  isIdentityError,
  MemoryStorage,
  type StorageAdapter,
} from "../src/index.js";
import { PostgresStorage } from "../src/postgres/index.js";
import { manager, rejection } from "./helpers.js";
import { endPools, postgresTargets, type TestStorage } from "./setup/postgres.js";

afterAll(endPools);

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse("2030-01-01T00:00:00.000Z")) {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const targets: Array<[string, () => Promise<StorageAdapter>]> = [
  ["memory", async () => new MemoryStorage()],
  ...(await postgresTargets("test/api-keys.test.ts")),
];

/** Everything the store holds, as text: MemoryStorage's dumps, or every row of every idkit table. */
async function dump(storage: StorageAdapter, idm: IdentityManager): Promise<string> {
  if (storage instanceof MemoryStorage) {
    const { identities } = await idm.listIdentities({
      pageSize: 500,
      includeCredentials: ["api_key", "password"],
    });
    return JSON.stringify([storage.dumpApiKeys(), storage.dumpFlowTokens(), identities]);
  }
  const pg = storage as TestStorage;
  const tables = ["idkit_identities", "idkit_identity_keys", "idkit_flow_tokens", "idkit_api_keys"];
  const rows = await Promise.all(
    tables.map((t) => pg.executor.query(`SELECT row_to_json(x)::text AS row FROM ${pg.schema}.${t} x`)),
  );
  return JSON.stringify(rows.map((r) => r.rows));
}

describe.each(targets)("API keys on %s", (_name, create) => {
  async function setup(options: IdentityManagerOptions = {}) {
    const storage = await create();
    const clock = fakeClock();
    const idm = manager({ storage, now: clock.now, ...options }) as unknown as IdentityManager;
    const account = await idm.createIdentity({
      schema_id: "preset://machine",
      traits: { name: "nightly-reports", owner: "platform-team" },
    });
    return { storage, clock, idm, account, close: () => storage.close?.() };
  }

  it("acceptance: issued, used in an HTTP route, rotated with a grace period, revoked at once", async () => {
    const { idm, clock, account, close } = await setup();
    try {
      const app = createApp(idm);
      const call = (key: string) => app.request("/reports", { headers: { authorization: `Bearer ${key}` } });
      const first = await idm.createApiKey({ identity_id: account.id, name: "ci", scopes: ["reports:read"] });
      expect(first.key).toMatch(new RegExp(`^idk_${first.api_key.id}[0-9A-Za-z]{49}$`));
      const ok = await call(first.key);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ requested_by: { name: "nightly-reports" }, key: "ci" });

      clock.advance(1000);
      const second = await idm.rotateApiKey(first.api_key.id, { grace: "10m" });
      expect(second.api_key).toMatchObject({ name: "ci", scopes: ["reports:read"], expires_at: null });
      expect((await idm.getApiKey(first.api_key.id)).expires_at).toBe(
        new Date(clock.now().getTime() + 600_000).toISOString(),
      );
      expect((await call(first.key)).status).toBe(200); // both work during the grace period
      expect((await call(second.key)).status).toBe(200);
      clock.advance(600_000);
      const expired = await call(first.key);
      expect(expired.status).toBe(401); // then only the new one
      expect(((await expired.json()) as { error: { id: string } }).error.id).toBe("invalid_credentials");
      expect((await call(second.key)).status).toBe(200);

      const revoked = await idm.revokeApiKey(second.api_key.id);
      expect(revoked.revoked_at).toBe(clock.now().toISOString());
      expect((await call(second.key)).status).toBe(401); // refused at once
      expect((await idm.listApiKeys(account.id)).map((k) => k.id)).toEqual([
        first.api_key.id,
        second.api_key.id,
      ]);
    } finally {
      await close();
    }
  });

  it("no key or secret appears in storage, only digests; the api_key credential lists key ids without secrets", async () => {
    const { storage, idm, account, close } = await setup();
    try {
      const issued = [];
      for (let i = 0; i < 3; i++)
        issued.push(await idm.createApiKey({ identity_id: account.id, name: `k${i}` }));
      issued.push(
        await idm.rotateApiKey((issued[0] as { api_key: { id: string } }).api_key.id, { grace: "1h" }),
      );
      const text = await dump(storage, idm);
      for (const { key, api_key } of issued) {
        const secret = key.slice(`idk_${api_key.id}`.length, -6);
        expect(secret).toHaveLength(43);
        expect(text).not.toContain(secret);
        expect(text).not.toContain(key);
        expect(text).toContain(api_key.id);
      }
      const read = await idm.getIdentity(account.id, { includeCredentials: ["api_key"] });
      expect(read.credentials?.api_key).toMatchObject({
        type: "api_key",
        identifiers: issued.map((i) => i.api_key.id).sort(),
        config: {},
      });
    } finally {
      await close();
    }
  });

  it("concurrent revocation and use: once revokeApiKey resolves, no authentication with the key succeeds", async () => {
    const { idm, account, close } = await setup();
    try {
      const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "hot" });
      let revokedAt = Number.POSITIVE_INFINITY;
      let tick = 0;
      const outcomes: Array<{ ok: boolean; resolved: number }> = [];
      const attempt = () =>
        idm.authenticateApiKey(key).then(
          () => outcomes.push({ ok: true, resolved: ++tick }),
          (e) => {
            expect(isIdentityError(e, "invalid_credentials")).toBe(true);
            outcomes.push({ ok: false, resolved: ++tick });
          },
        );
      const before = Array.from({ length: 40 }, attempt);
      const revoke = idm.revokeApiKey(api_key.id).then(() => {
        revokedAt = ++tick;
      });
      const during = Array.from({ length: 40 }, attempt);
      await revoke;
      const after = Array.from({ length: 40 }, attempt);
      await Promise.all([...before, ...during, ...after]);
      expect(outcomes).toHaveLength(120);
      expect(outcomes.filter((o) => o.ok && o.resolved > revokedAt)).toEqual([]);
      expect(outcomes.filter((o) => o.resolved > revokedAt).length).toBeGreaterThanOrEqual(40);
    } finally {
      await close();
    }
  });

  it("rotation grace, expiry and the throttled last_used_at follow the (fake) clock", async () => {
    const { idm, clock, account, close } = await setup({ apiKeys: { lastUsedInterval: 60_000 } });
    try {
      const { key, api_key } = await idm.createApiKey({
        identity_id: account.id,
        name: "short",
        expires_in: "1h",
      });
      const plus = (at: string, ms: number) => new Date(Date.parse(at) + ms).toISOString();
      expect(api_key.expires_at).toBe(plus(api_key.created_at, 3_600_000)); // created_at: the write's time
      const used = (await idm.authenticateApiKey(key)).api_key.last_used_at;
      expect(used).toBe(clock.now().toISOString());
      clock.advance(30_000);
      await idm.authenticateApiKey(key);
      expect((await idm.getApiKey(api_key.id)).last_used_at).toBe(used); // within the interval: no write
      clock.advance(30_000);
      await idm.authenticateApiKey(key);
      expect((await idm.getApiKey(api_key.id)).last_used_at).toBe(clock.now().toISOString());
      // A rotation keeps the lifetime; a grace beyond the old key's expiry never extends it.
      const rotated = await idm.rotateApiKey(api_key.id, { grace: "24h" });
      expect(rotated.api_key.expires_at).toBe(plus(rotated.api_key.created_at, 3_600_000));
      expect((await idm.getApiKey(api_key.id)).expires_at).toBe(api_key.expires_at);
      clock.advance(3_600_000 - 60_000 + 1); // the original expiry (created_at + 1h)
      expect(isIdentityError(await rejection(idm.authenticateApiKey(key)), "invalid_credentials")).toBe(true);
      expect((await idm.authenticateApiKey(rotated.key)).identity.id).toBe(account.id);
      const error = await rejection(idm.rotateApiKey(api_key.id));
      expect(error.issues[0]?.code).toBe("api_key_inactive");
    } finally {
      await close();
    }
  });

  it("a 0s grace ends the old key at once, though the rotation's write time stands ahead of the clock", async () => {
    // The clock stands still: each write of the identity gets an `updated_at` 1 ms later than the last, so the
    // successor's created_at is ahead of what authentication reads (the old key once worked for those ms).
    const { idm, clock, account, close } = await setup();
    try {
      const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
      const next = await idm.rotateApiKey(api_key.id, { grace: "0s" });
      expect(Date.parse(next.api_key.created_at)).toBeGreaterThan(clock.now().getTime());
      expect(isIdentityError(await rejection(idm.authenticateApiKey(key)), "invalid_credentials")).toBe(true);
      expect((await idm.getApiKey(api_key.id)).expires_at).toBe(clock.now().toISOString());
      expect((await idm.authenticateApiKey(next.key)).identity.id).toBe(account.id);
    } finally {
      await close();
    }
  });

  it("an inactive identity is identity_disabled, a missing scope insufficient_scope (403)", async () => {
    const { idm, account, close } = await setup();
    try {
      const { key } = await idm.createApiKey({ identity_id: account.id, name: "s", scopes: ["a", "b"] });
      expect((await idm.authenticateApiKey(key, { requiredScopes: ["b", "a"] })).api_key.scopes).toEqual([
        "a",
        "b",
      ]);
      const scope = await rejection(idm.authenticateApiKey(key, { requiredScopes: ["a", "c"] }));
      expect([scope.code, scope.status, scope.details]).toEqual([
        "insufficient_scope",
        403,
        { missing_scopes: ["c"] },
      ]);
      await idm.patchIdentity(account.id, [{ op: "replace", path: "/state", value: "inactive" }]);
      const disabled = await rejection(idm.authenticateApiKey(key));
      expect([disabled.code, disabled.status]).toEqual(["identity_disabled", 401]);
    } finally {
      await close();
    }
  });

  it("deleting the identity deletes its keys; other writes keep the api_key credential in step", async () => {
    const { idm, account, close } = await setup();
    try {
      const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "x" });
      const fetched = await idm.getIdentity(account.id, { includeCredentials: ["api_key"] });
      await idm.updateIdentity(account.id, { ...fetched, traits: { name: "renamed" } });
      await idm.patchIdentity(account.id, [{ op: "add", path: "/traits/owner", value: "ops" }]);
      const patch = await rejection(
        idm.patchIdentity(account.id, [{ op: "remove", path: "/credentials/api_key" }]),
      );
      expect(patch.code).toBe("invalid_patch");
      expect((await rejection(idm.deleteCredential(account.id, "api_key"))).code).toBe(
        "credential_not_deletable",
      );
      expect((await idm.getIdentity(account.id)).credentials?.api_key?.identifiers).toEqual([api_key.id]);
      expect((await idm.authenticateApiKey(key)).identity.traits).toEqual({ name: "renamed", owner: "ops" });
      await idm.deleteIdentity(account.id);
      expect((await rejection(idm.getApiKey(api_key.id))).code).toBe("api_key_not_found");
      expect((await rejection(idm.authenticateApiKey(key))).code).toBe("invalid_credentials");
    } finally {
      await close();
    }
  });
});

describe.each(targets.slice(1))("upgrading a version 1 schema on %s", (_name, create) => {
  it("migrate() adds idkit_api_keys to a schema made by the previous release; its identities get keys", async () => {
    const fresh = (await create()) as TestStorage;
    const { executor, schema } = fresh;
    try {
      // Rebuild the schema as the previous release left it: migration 1 only.
      await executor.query(`DROP TABLE ${schema}.idkit_api_keys`);
      await executor.query(`DELETE FROM ${schema}.idkit_migrations WHERE version >= 2`);
      const old = new PostgresStorage(executor, { schema });
      await expect(old.init()).rejects.toMatchObject({
        code: "storage_error",
        reason: expect.stringMatching(
          /version 1, this release needs 3: run `await storage.migrate\(\)` first/,
        ),
      });
      expect(await old.migrate()).toEqual([2, 3]);
      const idm = manager({ storage: old }) as unknown as IdentityManager;
      const account = await idm.createIdentity({ schema_id: "preset://machine", traits: { name: "legacy" } });
      const { key } = await idm.createApiKey({ identity_id: account.id, name: "after upgrade" });
      expect((await idm.authenticateApiKey(key)).identity.id).toBe(account.id);
    } finally {
      await fresh.close();
    }
  });
});
