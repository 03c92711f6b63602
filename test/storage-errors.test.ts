// Issue 7, item 5: what a client sees (the `toJSON()` envelope) never contains an adapter's or a host
// callback's text; the original stays on `cause` for the host's logs.
import { describe, expect, it } from "vitest";
import {
  ConflictError,
  type IdentityError,
  IdentityError as IdentityErrorClass,
  isIdentityError,
  MemoryStorage,
  type StorageAdapter,
} from "../src/index.js";
import { manager, rejection } from "./helpers.js";

/** The issue's driver error, verbatim. */
const DRIVER_TEXT = "ECONNREFUSED 10.0.0.5:5432 password=...";
const driverError = () => new Error(DRIVER_TEXT);

function expectClean(e: IdentityError, code: string) {
  expect(isIdentityError(e, code as IdentityError["code"]), `${e?.code}: ${String(e)}`).toBe(true);
  const wire = JSON.stringify(e);
  expect(wire).not.toContain("ECONNREFUSED");
  expect(wire).not.toContain("password=");
  expect(JSON.stringify(e.toJSON())).toBe(wire);
  expect(`${e.message} ${e.reason ?? ""}`).not.toContain("ECONNREFUSED");
  expect(Object.keys(e.toJSON().error).sort()).toEqual(
    ["code", "id", "message", "status", ...(e.reason === undefined ? [] : ["reason"])]
      .concat(e.details === undefined ? [] : ["details"])
      .sort(),
  );
}

/** A MemoryStorage whose named method throws `error` on every call. */
function failing(method: keyof StorageAdapter, error: () => unknown): MemoryStorage {
  const storage = new MemoryStorage();
  Object.defineProperty(storage, method, {
    value: async () => {
      throw error();
    },
  });
  return storage;
}

const ID = "0190a0a0-0000-7000-8000-000000000001";
const SECRETS = ["a-long-enough-secret-for-hmac-1"];

/** `inner`, except that `method` throws the driver error. */
function failingOn(inner: MemoryStorage, method: string): StorageAdapter {
  return new Proxy(inner, {
    get(target, key) {
      if (key === method)
        return async () => {
          throw driverError();
        };
      const value = Reflect.get(target, key);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("storage_error carries no driver text", () => {
  it("the issue's ECONNREFUSED error: generic reason in the envelope, the original on cause", async () => {
    const cause = driverError();
    const idm = manager({ storage: failing("getIdentity", () => cause) });
    const e = await rejection(idm.getIdentity(ID));
    expectClean(e, "storage_error");
    expect(e.status).toBe(500);
    expect(e.reason).toBe("The storage adapter failed in getIdentity.");
    expect(e.cause).toBe(cause);
    expect((e.cause as Error).message).toBe(DRIVER_TEXT);
  });

  it("whatever is thrown: strings, objects with throwing getters, hostile proxies, IdentityErrors of other codes", async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error(DRIVER_TEXT);
        },
      },
    );
    const thrown: Array<() => unknown> = [
      () => DRIVER_TEXT,
      () => ({ message: DRIVER_TEXT, stack: DRIVER_TEXT }),
      () =>
        Object.defineProperty({}, "message", {
          get() {
            throw new Error(DRIVER_TEXT);
          },
        }),
      () => hostile,
      () => undefined,
      () => new IdentityErrorClass("storage_error", { reason: DRIVER_TEXT, message: DRIVER_TEXT }),
      () =>
        new IdentityErrorClass("validation_failed", {
          details: { issues: [{ pointer: "", code: "x", message: DRIVER_TEXT }] },
        }),
      () => new IdentityErrorClass("identity_not_found", { reason: DRIVER_TEXT }),
    ];
    for (const error of thrown) {
      const idm = manager({ storage: failing("listIdentities", error) });
      const e = await rejection(idm.listIdentities());
      expectClean(e, "storage_error");
    }
  });

  it("every adapter entry point: init, writes, token lookups and redemption", async () => {
    const init = new MemoryStorage() as MemoryStorage & { init?: () => Promise<void> };
    init.init = async () => {
      throw driverError();
    };
    expectClean(await rejection(manager({ storage: init }).getIdentity(ID)), "storage_error");

    const insert = manager({ storage: failing("insertIdentities", driverError) });
    expectClean(
      await rejection(insert.createIdentity({ traits: { email: "a@example.org" } })),
      "storage_error",
    );

    const seeded = new MemoryStorage();
    const idm = manager({ storage: seeded, secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "b@example.org" } });
    const link = await idm.createRecoveryLink({ identity_id: id });
    const code = await idm.createRecoveryCode({ identity_id: id });
    const token = new URL(link.recovery_link).searchParams.get("token") as string;
    const calls: Record<string, (m: typeof idm) => Promise<unknown>> = {
      findFlowToken: (m) => m.redeemRecoveryLink(token),
      checkFlowCode: (m) => m.redeemRecoveryCode({ flow_id: code.flow_id, code: code.recovery_code }),
      redeemFlowToken: (m) => m.redeemRecoveryLink(token),
      insertFlowToken: (m) => m.createRecoveryLink({ identity_id: id }),
      updateIdentity: (m) => m.updateIdentity(id, { traits: { email: "b2@example.org" } }),
      deleteIdentity: (m) => m.deleteIdentity(id),
      findIdentityByCredentialIdentifier: (m) =>
        m.authenticatePassword({ identifier: "b@example.org", password: "irrelevant-here" }),
      findIdentityByExternalId: (m) => m.getIdentityByExternalId("ext"),
    };
    for (const [method, call] of Object.entries(calls)) {
      const broken = manager({ storage: failingOn(seeded, method), secrets: SECRETS });
      expectClean(await rejection(call(broken)), "storage_error");
    }
  });

  it("a failed init (a database not up yet) is retried by the next call, not cached forever", async () => {
    let calls = 0;
    class FlakyInit extends MemoryStorage {
      async init() {
        calls++;
        if (calls === 1) throw driverError();
      }
    }
    const adapter = new FlakyInit();
    const idm = manager({ storage: adapter });
    expectClean(
      await rejection(idm.createIdentity({ traits: { email: "a@example.com" } } as never)),
      "storage_error",
    );
    await expect(idm.createIdentity({ traits: { email: "a@example.com" } } as never)).resolves.toBeDefined();
    expect(calls).toBe(2);
  });

  it("batch entries: an adapter's per-entry Error is a clean storage_error in the item", async () => {
    const storage = new MemoryStorage();
    storage.insertIdentities = async (identities) => identities.map(() => driverError());
    const idm = manager({ storage });
    const { identities } = await idm.batchPatchIdentities({
      identities: [{ create: { traits: { email: "c@example.org" } }, patch_id: ID }],
    });
    const item = identities[0];
    expect(item?.action).toBe("error");
    expect(item?.action === "error" && item.error).toMatchObject({ id: "storage_error", code: 500 });
    expect(JSON.stringify(identities)).not.toMatch(/ECONNREFUSED|password=/);
  });

  it("an adapter's identity_conflict passes with its own message and reason, never its details", async () => {
    const storage = new MemoryStorage();
    const original = new ConflictError({
      reason: "This email is taken.",
      details: { driver: DRIVER_TEXT },
      cause: driverError(),
    });
    storage.insertIdentities = async () => {
      throw original;
    };
    const e = await rejection(manager({ storage }).createIdentity({ traits: { email: "d@example.org" } }));
    expectClean(e, "identity_conflict");
    expect(e.status).toBe(409);
    expect(e.reason).toBe("This email is taken.");
    expect(e.details).toBeUndefined();
    expect(e.cause).toBe(original);
  });
});

describe("host callbacks' text stays on cause", () => {
  it("password_migration_failed: the hook's error is the cause, not the envelope", async () => {
    const cause = driverError();
    const idm = manager({
      hooks: {
        passwordMigration: async () => {
          throw cause;
        },
      },
    });
    await idm.createIdentity({
      traits: { email: "migrate@example.org" },
      credentials: { password: { config: { use_password_migration_hook: true } } },
    });
    const e = await rejection(
      idm.authenticatePassword({ identifier: "migrate@example.org", password: "whatever-it-is" }),
    );
    expectClean(e, "password_migration_failed");
    expect(e.status).toBe(502);
    expect(e.cause).toBe(cause);
  });

  it("a breach checker's error: validation_failed with Kratos's text only", async () => {
    const idm = manager({
      passwordPolicy: {
        breachedPasswordChecker: async () => {
          throw driverError();
        },
        ignoreCheckerErrors: false,
      },
    });
    const { id } = await idm.createIdentity({ traits: { email: "breach@example.org" } });
    expectClean(await rejection(idm.setPassword(id, "a-private-passphrase-9")), "validation_failed");
  });

  it("generateId that throws or returns a non-string: invalid_configuration without its text", async () => {
    const cause = driverError();
    const throwing = manager({
      generateId: () => {
        throw cause;
      },
    });
    const e = await rejection(throwing.createIdentity({ traits: { email: "gen@example.org" } }));
    expectClean(e, "invalid_configuration");
    expect(e.cause).toBe(cause);
    for (const value of [10n, { toString: () => DRIVER_TEXT }, DRIVER_TEXT, null]) {
      const idm = manager({ generateId: () => value as unknown as string });
      expectClean(
        await rejection(idm.createIdentity({ traits: { email: "gen@example.org" } })),
        "invalid_configuration",
      );
    }
  });
});
