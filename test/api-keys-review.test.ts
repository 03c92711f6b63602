// The security review of API keys (F1–F9): each fix pinned by a test that failed before it. Fake clocks, counting
// adapters and hand-made interleavings only: no timers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdentityManager, type IdentityManagerOptions, MemoryStorage } from "../src/index.js";
import { FAST_HASHING, manager, rejection } from "./helpers.js";

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

async function setup(options: IdentityManagerOptions = {}) {
  const storage = (options.storage as MemoryStorage | undefined) ?? new MemoryStorage();
  const clock = fakeClock();
  const idm = manager({ storage, now: clock.now, ...options }) as unknown as IdentityManager;
  const account = await idm.createIdentity({
    schema_id: "preset://machine",
    traits: { name: "nightly-reports", owner: "platform-team" },
  });
  return { storage, clock, idm, account };
}

describe("F7: durations", () => {
  it("a positive grace under 1 ms (it would floor to 0) is refused, 0 and whole milliseconds are not", async () => {
    const { idm, account } = await setup();
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 1n, max: 999_999n }), async (ns) => {
        const { api_key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
        const e = await rejection(idm.rotateApiKey(api_key.id, { grace: `${ns}ns` }));
        expect(e.toJSON().error.details).toMatchObject({
          issues: [{ pointer: "/grace", code: "not_future" }],
        });
        await idm.revokeApiKey(api_key.id);
      }),
      { numRuns: 30 },
    );
  });

  it("duration strings over 64 characters are refused before parsing, in API keys and recovery alike", async () => {
    const { idm, account } = await setup();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 63, max: 5000 }), async (zeros) => {
        const long = `${"0".repeat(zeros)}1h`; // a valid Go duration, just long
        const body = { identity_id: account.id, name: "k", expires_in: long };
        const e = await rejection(idm.createApiKey(body));
        expect(e.toJSON().error.details).toMatchObject({ issues: [{ pointer: "/expires_in" }] });
        const r = await rejection(idm.createRecoveryLink({ identity_id: account.id, expires_in: long }));
        expect(r.code).toBe("validation_failed");
      }),
      { numRuns: 20 },
    );
    expect((await idm.listApiKeys(account.id)).length).toBe(0);
  });
});

/** Lets every queued microtask and I/O callback run (an event-loop turn; no timer). */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe("F1: revocation and the afterApiKeyAuthentication hook", () => {
  it("a hook that revokes the key it was called for: no deadlock, the authentication is refused", async () => {
    let idm: IdentityManager | undefined;
    const ctx = await setup({
      hooks: {
        afterApiKeyAuthentication: async (_i, { api_key }) => {
          await idm?.revokeApiKey(api_key.id);
        },
      },
    });
    idm = ctx.idm;
    const { key, api_key } = await idm.createApiKey({ identity_id: ctx.account.id, name: "ci" });
    const e = await rejection(idm.authenticateApiKey(key));
    expect(e.code).toBe("invalid_credentials");
    expect((await idm.getApiKey(api_key.id)).revoked_at).not.toBeNull();
  });

  it("a revocation resolves while a hook is pending, and that authentication then rejects", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = false;
    const { idm, account } = await setup({
      hooks: {
        afterApiKeyAuthentication: async () => {
          entered = true;
          await gate;
        },
      },
    });
    const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "ci" });
    const auth = idm.authenticateApiKey(key).then(
      () => "succeeded",
      (e: { code: string }) => e.code,
    );
    await turns();
    expect(entered).toBe(true);
    let revoked = false;
    const revocation = idm.revokeApiKey(api_key.id).then(() => {
      revoked = true;
    });
    await turns();
    expect(revoked).toBe(true); // the hook is still pending: the revocation did not wait for it
    await revocation;
    release();
    expect(await auth).toBe("invalid_credentials");
  });
});

describe("F6: last_used_at writes", () => {
  class CountingStorage extends MemoryStorage {
    touches = 0;
    hold: Promise<void> | undefined;
    override async touchApiKey(id: string, at: string, usedBefore: string) {
      this.touches++;
      if (this.hold !== undefined) await this.hold;
      return super.touchApiKey(id, at, usedBefore);
    }
  }

  it("concurrent uses of a cold key send one write, and no authentication waits for it", async () => {
    const storage = new CountingStorage();
    let release: () => void = () => undefined;
    storage.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { idm, account, clock } = await setup({ storage });
    const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "hot" });
    // The write hangs; the 40 authentications resolve all the same.
    const results = await Promise.all(Array.from({ length: 40 }, () => idm.authenticateApiKey(key)));
    expect(results.every((r) => r.api_key.last_used_at === clock.now().toISOString())).toBe(true);
    expect(storage.touches).toBe(1);
    release();
    expect((await idm.getApiKey(api_key.id)).last_used_at).toBe(clock.now().toISOString());
    await idm.authenticateApiKey(key); // within the interval: no write
    expect(storage.touches).toBe(1);
  });

  it("a failing write never fails the authentication", async () => {
    const storage = new CountingStorage();
    storage.hold = Promise.reject(new Error("disk full"));
    storage.hold.catch(() => undefined);
    const { idm, account } = await setup({ storage });
    const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
    expect((await idm.authenticateApiKey(key)).api_key.id).toBe(api_key.id);
    expect((await idm.getApiKey(api_key.id)).last_used_at).toBeNull();
  });
});

describe("F2: a key is rotated once", () => {
  it("a retried rotation is api_key_already_rotated naming the successor; the successor keeps the original lifetime", async () => {
    const { idm, account, clock } = await setup();
    const a = await idm.createApiKey({ identity_id: account.id, name: "ci", expires_in: "720h" });
    clock.advance(5000);
    const b = await idm.rotateApiKey(a.api_key.id, { grace: "1h" }); // response lost
    expect(Date.parse(b.api_key.expires_at ?? "") - Date.parse(b.api_key.created_at)).toBe(720 * 3_600_000);
    clock.advance(1000);
    const e = await rejection(idm.rotateApiKey(a.api_key.id, { grace: "1h" }));
    expect(e.toJSON().error.details).toMatchObject({
      issues: [{ code: "api_key_already_rotated", context: { replaced_by: b.api_key.id } }],
    });
    expect((await idm.listApiKeys(account.id)).length).toBe(2);
    // Rotating the successor works, and keeps the original lifetime (not the grace cap).
    const c = await idm.rotateApiKey(b.api_key.id, { grace: "0s" });
    expect(Date.parse(c.api_key.expires_at ?? "") - Date.parse(c.api_key.created_at)).toBe(720 * 3_600_000);
  });

  it("two managers rotating one key at once: one success, one api_key_already_rotated", async () => {
    const storage = new MemoryStorage();
    const { idm, account } = await setup({ storage });
    const other = manager({ storage }) as unknown as IdentityManager;
    const { api_key } = await idm.createApiKey({ identity_id: account.id, name: "ci" });
    const results = await Promise.allSettled([
      idm.rotateApiKey(api_key.id, { grace: "1h" }),
      other.rotateApiKey(api_key.id, { grace: "1h" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((lost.reason as { issues: Array<{ code: string }> }).issues[0]?.code).toBe(
      "api_key_already_rotated",
    );
    expect((await idm.listApiKeys(account.id)).length).toBe(2);
  });
});

describe("F4: API keys need secrets", () => {
  it("createApiKey and rotateApiKey without `secrets` are invalid_configuration naming `secrets`; nothing written", async () => {
    const storage = new MemoryStorage();
    const { idm, account } = await setup({ storage });
    const { api_key } = await idm.createApiKey({ identity_id: account.id, name: "ci" });
    const bare = new IdentityManager({ storage, hashing: FAST_HASHING });
    const created = await rejection(bare.createApiKey({ identity_id: account.id, name: "x" }));
    expect([created.code, created.status]).toEqual(["invalid_configuration", 500]);
    expect(created.reason).toMatch(/pass `secrets/);
    const rotated = await rejection(bare.rotateApiKey(api_key.id, { grace: "1h" }));
    expect(rotated.code).toBe("invalid_configuration");
    expect(storage.dumpApiKeys()).toHaveLength(1);
    expect((await idm.getApiKey(api_key.id)).expires_at).toBeNull();
  });
});

describe("F9: smaller points", () => {
  it("requiredScopes: duplicates dropped before counting; a huge list refused by the bounded copy", async () => {
    const { idm, account } = await setup();
    const { key } = await idm.createApiKey({ identity_id: account.id, name: "k", scopes: ["a"] });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 65, max: 1000 }), async (n) => {
        const ok = await idm.authenticateApiKey(key, { requiredScopes: Array(n).fill("a") });
        expect(ok.api_key.scopes).toEqual(["a"]);
      }),
      { numRuns: 10 },
    );
    let reads = 0;
    const huge = new Proxy(Array(1_000_000).fill("a"), {
      get(target, prop, receiver) {
        if (typeof prop === "string" && /^\d+$/.test(prop)) reads++;
        return Reflect.get(target, prop, receiver);
      },
    });
    const e = await rejection(idm.authenticateApiKey(key, { requiredScopes: huge }));
    expect(e.code).toBe("validation_failed");
    expect(reads).toBe(0); // refused on its length, before copying an element
  });

  it("key names with control characters or bidi controls are refused", async () => {
    const { idm, account } = await setup();
    const unsafe = fc.constantFrom(
      "\u0007",
      "\u001b",
      "\u007f",
      "\u0085",
      "\u202e",
      "\u2066",
      "\u200f",
      "\u061c",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 10 }),
        unsafe,
        fc.string({ maxLength: 10 }),
        async (a, c, b) => {
          const e = await rejection(idm.createApiKey({ identity_id: account.id, name: `${a}${c}${b}` }));
          expect(e.toJSON().error.details).toMatchObject({
            issues: [{ pointer: "/name", code: "invalid_name" }],
          });
        },
      ),
      { numRuns: 40 },
    );
    expect(await idm.listApiKeys(account.id)).toEqual([]);
  });

  it("a refusing beforeCredentialChange cannot veto a revocation", async () => {
    const { idm, account } = await setup({
      hooks: {
        beforeCredentialChange: (_i, { operation }) => {
          if (operation === "revoke_api_key") throw new Error("veto");
        },
      },
    });
    const { key, api_key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
    expect((await idm.revokeApiKey(api_key.id)).revoked_at).not.toBeNull();
    expect((await rejection(idm.authenticateApiKey(key))).code).toBe("invalid_credentials");
  });

  it("the authentication result lists only the presented key's id, not its siblings'", async () => {
    const { idm, account } = await setup();
    const one = await idm.createApiKey({ identity_id: account.id, name: "one" });
    await idm.createApiKey({ identity_id: account.id, name: "two" });
    const { identity } = await idm.authenticateApiKey(one.key);
    expect(identity.credentials?.api_key?.identifiers).toEqual([one.api_key.id]);
    expect((await idm.getIdentity(account.id)).credentials?.api_key?.identifiers).toHaveLength(2);
  });
});

describe("F8: the API key docs exist and every link into them resolves", () => {
  it("each machine-identities.md#… and storage.md#… reference in src/, docs/ and README names a heading", async () => {
    const { readFileSync, readdirSync } = await import("node:fs");
    const { join } = await import("node:path");
    const slug = (h: string) =>
      h
        .toLowerCase()
        .replace(/[^\p{L}\p{N} -]/gu, "")
        .replace(/ /g, "-");
    const anchors = (file: string) =>
      new Set(
        readFileSync(join("docs", file), "utf8")
          .split("\n")
          .filter((l) => /^#{1,6} /.test(l))
          .map((l) => slug(l.replace(/^#+ /, ""))),
      );
    const targets = {
      "machine-identities.md": anchors("machine-identities.md"),
      "storage.md": anchors("storage.md"),
    };
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|md)$/.test(e.name) ? [join(dir, e.name)] : [],
      );
    const refs = [...files("src"), ...files("docs"), "README.md"].flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/(machine-identities|storage)\.md#([a-z0-9-]+)/g)].map((m) => ({
        f,
        doc: `${m[1]}.md` as keyof typeof targets,
        anchor: m[2] as string,
      })),
    );
    expect(refs.length).toBeGreaterThan(5);
    expect(refs.filter((r) => !targets[r.doc].has(r.anchor))).toEqual([]);
  });
});
