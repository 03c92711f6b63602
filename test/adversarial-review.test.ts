// Regressions from an adversarial review of the packed package (issue 7): each case failed before its fix.
import { describe, expect, it } from "vitest";
import {
  createPwnedPasswordsChecker,
  IdentityError,
  IdentityManager,
  isIdentityError,
  MemoryStorage,
  SchemaRegistry,
  toPointer,
  ValidationError,
} from "../src/index.js";
import { manager, rejection } from "./helpers.js";

const revoked = () => {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
};

/** A MemoryStorage whose reads answer malformed values. */
function malformed(answers: Partial<Record<"getIdentity" | "listIdentities" | "updateIdentity", unknown>>) {
  const inner = new MemoryStorage();
  return Object.assign(Object.create(inner) as MemoryStorage, {
    getIdentity: async (id: string) =>
      "getIdentity" in answers ? answers.getIdentity : inner.getIdentity(id),
    listIdentities: async (q: never) =>
      "listIdentities" in answers ? answers.listIdentities : inner.listIdentities(q),
    updateIdentity: async (i: never, e?: string) =>
      "updateIdentity" in answers ? answers.updateIdentity : inner.updateIdentity(i, e),
    insertIdentities: inner.insertIdentities.bind(inner),
  });
}

describe("an adapter's malformed answers are its failure (storage_error), never a TypeError or a 4xx", () => {
  it("a malformed identity, page or update outcome", async () => {
    const id = "0190f0f0-0000-7000-8000-000000000001";
    const bad = manager({ storage: malformed({ getIdentity: { hello: "world" }, listIdentities: {} }) });
    for (const call of [bad.getIdentity(id), bad.listIdentities(), bad.updateIdentity(id, { traits: {} })]) {
      const e = await rejection(call);
      expect(e.code).toBe("storage_error");
      expect(JSON.stringify(e.toJSON())).not.toContain("hello");
    }
    const weird = manager({ storage: malformed({ updateIdentity: "weird" }) });
    const { id: created } = await weird.createIdentity({ traits: { email: "weird@example.org" } });
    expect(
      (await rejection(weird.updateIdentity(created, { traits: { email: "w2@example.org" } }))).code,
    ).toBe("storage_error");
  });
});

describe("whatever a patch stores, a GET of it can be PUT back", () => {
  it("a password config holding only use_password_migration_hook: false", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({ traits: { email: "hook@example.org" } });
    await idm.patchIdentity(id, [
      { op: "replace", path: "/credentials/password/config", value: { use_password_migration_hook: false } },
    ]);
    const fetched = await idm.getIdentity(id, { includeCredentials: ["password"] });
    await expect(idm.updateIdentity(id, JSON.parse(JSON.stringify(fetched)))).resolves.toBeDefined();
  });

  it("a totp config with an unknown member or a wrong type is refused by the patch itself", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({
      traits: { email: "totp@example.org" },
      credentials: { totp: { config: { totp_url: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP" } } },
    });
    for (const value of [{ totp_url: "otpauth://x", extra: 1 }, { totp_url: 5 }]) {
      const e = await rejection(
        idm.patchIdentity(id, [{ op: "replace", path: "/credentials/totp/config", value }]),
      );
      expect(e.code).toBe("validation_failed");
      expect(e.issues[0]?.pointer).toMatch(/^\/credentials\/totp\/config/);
    }
    const fetched = await idm.getIdentity(id, { includeCredentials: ["totp"] });
    await expect(idm.updateIdentity(id, JSON.parse(JSON.stringify(fetched)))).resolves.toBeDefined();
  });
});

describe("a rejected call writes nothing", () => {
  it("a link builder that throws leaves no flow token behind", async () => {
    const storage = new MemoryStorage();
    const throwing = () => {
      throw new Error("host bug");
    };
    const idm = manager({
      storage,
      links: {
        recoveryLink: throwing,
        recoveryCode: throwing,
        verificationLink: throwing,
        verificationCode: throwing,
      },
    });
    const { id } = await idm.createIdentity({ traits: { email: "links@example.org" } });
    for (const call of [
      idm.createRecoveryLink({ identity_id: id }),
      idm.createRecoveryCode({ identity_id: id }),
      idm.createVerificationLink({ identity_id: id }),
      idm.createVerificationCode({ identity_id: id }),
    ]) {
      expect((await rejection(call)).code).toBe("invalid_configuration");
    }
    expect(storage.dumpFlowTokens()).toEqual([]);
  });
});

describe("every entry point answers hostile values with an IdentityError or a result", () => {
  const typed = (fn: () => unknown) => {
    try {
      fn();
      return "result";
    } catch (e) {
      return isIdentityError(e) ? e.code : `untyped: ${String(e)}`;
    }
  };

  it("constructors and helpers", () => {
    expect(typed(() => new IdentityManager({ limits: revoked() } as never))).toBe("invalid_configuration");
    expect(typed(() => new IdentityManager({ storage: revoked() } as never))).toBe("invalid_configuration");
    expect(typed(() => new IdentityManager({ storage: {} } as never))).toBe("invalid_configuration");
    expect(typed(() => new SchemaRegistry(null as never))).toBe("invalid_configuration");
    expect(typed(() => new SchemaRegistry({ publicUrl: 5 } as never))).toBe("invalid_configuration");
    expect(typed(() => new SchemaRegistry({ schemas: revoked() } as never))).toBe("invalid_configuration");
    expect(typed(() => createPwnedPasswordsChecker(revoked() as never))).toBe("invalid_configuration");
    expect(typed(() => new IdentityError("no_such_code" as never))).toBe("invalid_configuration");
    expect(typed(() => toPointer(["a", "b/c", 0]))).toBe("result");
    expect(toPointer(["a", "b/c", 0])).toBe("/a/b~1c/0");
    expect(typed(() => toPointer("x" as never))).toBe("validation_failed");
    expect(typed(() => toPointer(revoked() as never))).toBe("validation_failed");
    const huge: string[] = [];
    huge.length = 2 ** 32 - 1;
    expect(typed(() => toPointer(huge))).toBe("validation_failed");
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    expect(new ValidationError(sparse as never).issues).toEqual([]);
    expect(new ValidationError("x" as never).issues).toEqual([]);
  });

  it("the hasher's hash of a non-string, and a clock past year 9999", async () => {
    const idm = manager();
    expect((await rejection(idm.passwordHasher.hash(undefined as never))).code).toBe("validation_failed");
    const far = manager({ now: () => new Date(8.64e15 - 1000) });
    expect((await rejection(far.createIdentity({ traits: { email: "far@example.org" } }))).code).toBe(
      "invalid_configuration",
    );
  });
});

describe("second review", () => {
  it("async host callbacks that reject are refused without an unhandled rejection (which would end the process)", async () => {
    const failing = async () => {
      throw new Error("mailer down");
    };
    const idm = manager({ links: { recoveryLink: failing as never } });
    const { id } = await idm.createIdentity({ traits: { email: "async@example.org" } });
    expect((await rejection(idm.createRecoveryLink({ identity_id: id }))).code).toBe("invalid_configuration");
    for (const options of [{ generateId: failing }, { now: failing }]) {
      const other = manager(options as never);
      expect((await rejection(other.createIdentity({ traits: { email: "a2@example.org" } }))).code).toBe(
        "invalid_configuration",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // vitest fails the run on an unhandled rejection
  });

  it("a stored identity malformed deep inside (addresses, credentials, timestamps) is the adapter's failure", async () => {
    const inner = new MemoryStorage();
    let edit: (i: Record<string, unknown>) => void = () => {};
    const getIdentity = async (id: string) => {
      const found = (await inner.getIdentity(id)) as unknown as Record<string, unknown> | undefined;
      if (found) edit(found);
      return found;
    };
    const storage = new Proxy(inner, {
      get(target, key) {
        if (key === "getIdentity") return getIdentity;
        const value = Reflect.get(target, key, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const idm = manager({ storage });
    const { id } = await idm.createIdentity({
      traits: { email: "deep@example.org" },
      credentials: { oidc: { config: { providers: [{ provider: "g", subject: "s" }] } } },
    });
    const edits: ((i: Record<string, unknown>) => void)[] = [
      (i) => {
        i.verifiable_addresses = [null];
      },
      (i) => {
        (i.verifiable_addresses as Record<string, unknown>[])[0] = { value: 0 };
      },
      (i) => {
        i.updated_at = "x";
      },
      (i) => {
        (i.credentials as Record<string, Record<string, unknown>>).oidc = {
          ...(i.credentials as Record<string, Record<string, unknown>>).oidc,
          config: { providers: [null] },
        };
      },
      (i) => {
        (i.credentials as Record<string, unknown>).saml = null;
      },
      (i) => {
        (
          (i.credentials as Record<string, Record<string, unknown>>).password as Record<string, unknown>
        ).identifiers = 0;
      },
    ];
    for (const e of edits) {
      edit = e;
      for (const call of [
        idm.getIdentity(id, { includeCredentials: ["oidc", "password", "webauthn"] }),
        idm.patchIdentity(id, [{ op: "add", path: "/metadata_admin", value: 1 }]),
        idm.updateIdentity(id, { traits: { email: "deep@example.org" } }),
      ]) {
        expect((await rejection(call)).code).toBe("storage_error");
      }
    }
  });

  it("toPointer refuses an array whose elements cannot be read", () => {
    const hostile = new Proxy([], {
      get(target, key) {
        if (key === "length") return 3;
        if (key === Symbol.iterator) return Reflect.get(target, key);
        throw new Error("arr boom");
      },
    });
    expect(() => toPointer(hostile)).toThrow(ValidationError);
  });
});
