import { describe, expect, it, vi } from "vitest";
import { IdentityError, type IdentityManagerHooks, MemoryStorage } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

/** A manager over a store the test can read, with these hooks, and one identity with a password. */
async function setup(hooks: IdentityManagerHooks<{ email: string }>) {
  const storage = new MemoryStorage();
  const idm = manager<{ email: string }>({ storage, hooks });
  const identity = await idm.createIdentity({
    traits: { email: "a@example.org" },
    credentials: { password: { config: { password: "a sturdy passphrase 2026" } } },
  });
  const snapshot = async () =>
    JSON.stringify(await idm.getIdentity(identity.id, { includeCredentials: ["password"] }));
  return { idm, identity, snapshot };
}

const refuse = () => {
  throw new IdentityError("validation_failed", { reason: "refused by hook" });
};

describe("beforeCredentialChange / afterCredentialChange", () => {
  it("setPassword: a refusal writes nothing; afterCredentialChange sees the stored identity", async () => {
    const refused = await setup({ beforeCredentialChange: refuse });
    const before = await refused.snapshot();
    const error = await rejection(refused.idm.setPassword(refused.identity.id, "another sturdy passphrase"));
    expect(error.reason).toBe("refused by hook");
    expect(await refused.snapshot()).toBe(before);

    const calls: unknown[] = [];
    const { idm, identity } = await setup({
      beforeCredentialChange: (i, c) => {
        calls.push(["before", i.id, c]);
      },
      afterCredentialChange: (i, c) => {
        calls.push(["after", i.id, c]);
      },
    });
    await idm.setPassword(identity.id, "another sturdy passphrase");
    const context = { operation: "set_password", type: "password" };
    expect(calls).toEqual([
      ["before", identity.id, context],
      ["after", identity.id, context],
    ]);
    await idm.authenticatePassword({ identifier: "a@example.org", password: "another sturdy passphrase" });
  });

  it("deleteCredential: a refusal writes nothing; a throwing after-hook leaves the removal intact", async () => {
    const extra = { oidc: { config: { providers: [{ provider: "github", subject: "s1" }] } } };
    const refused = await setup({ beforeCredentialChange: refuse });
    await refused.idm.patchIdentity(refused.identity.id, []);
    await refused.idm.updateIdentity(refused.identity.id, {
      schema_id: "default",
      traits: { email: "a@example.org" },
      credentials: extra,
    });
    const before = await refused.snapshot();
    expect(
      (
        await rejection(
          refused.idm.deleteCredential(refused.identity.id, "oidc", { identifier: "github:s1" }),
        )
      ).reason,
    ).toBe("refused by hook");
    expect(await refused.snapshot()).toBe(before);

    const onHookError = vi.fn();
    const { idm, identity } = await setup({
      afterCredentialChange: () => {
        throw new Error("after");
      },
      onHookError,
    });
    await idm.updateIdentity(identity.id, {
      schema_id: "default",
      traits: { email: "a@example.org" },
      credentials: extra,
    });
    const after = await idm.deleteCredential(identity.id, "oidc", { identifier: "github:s1" });
    expect(after.credentials?.oidc?.identifiers ?? []).toEqual([]);
    expect((await idm.getIdentity(identity.id)).credentials?.oidc?.identifiers ?? []).toEqual([]);
    expect(onHookError).toHaveBeenCalledWith(expect.any(Error), {
      hook: "afterCredentialChange",
      identityId: identity.id,
    });
  });
});

describe("afterLogin", () => {
  it("runs after a successful login only; its failure never fails the login", async () => {
    const onHookError = vi.fn();
    const afterLogin = vi.fn(async () => {
      throw new Error("after");
    });
    const { idm, identity } = await setup({ afterLogin, onHookError });
    const wrong = await rejection(
      idm.authenticatePassword({ identifier: "a@example.org", password: "nope nope nope" }),
    );
    expect(wrong.code).toBe("invalid_credentials");
    expect(afterLogin).not.toHaveBeenCalled();
    const logged = await idm.authenticatePassword({
      identifier: "a@example.org",
      password: "a sturdy passphrase 2026",
    });
    expect(logged.id).toBe(identity.id);
    expect(afterLogin).toHaveBeenCalledWith(expect.objectContaining({ id: identity.id }));
    expect(onHookError).toHaveBeenCalledWith(expect.any(Error), {
      hook: "afterLogin",
      identityId: identity.id,
    });
  });
});

describe("afterRecovery / afterVerification", () => {
  it("afterRecovery runs once a recovery code is redeemed", async () => {
    const afterRecovery = vi.fn();
    const { idm, identity } = await setup({ afterRecovery });
    const code = await idm.createRecoveryCode({ identity_id: identity.id });
    await idm.redeemRecoveryCode({ flow_id: code.flow_id, code: code.recovery_code });
    expect(afterRecovery).toHaveBeenCalledTimes(1);
    expect(afterRecovery).toHaveBeenCalledWith(expect.objectContaining({ id: identity.id }));
  });

  it("afterVerification runs for a redeemed verification code and for markAddressVerified; a throw keeps the write", async () => {
    const onHookError = vi.fn();
    const afterVerification = vi.fn(() => {
      throw new Error("after");
    });
    const { idm, identity } = await setup({ afterVerification, onHookError });
    const code = await idm.createVerificationCode({ identity_id: identity.id });
    const verified = await idm.redeemVerificationCode({
      flow_id: code.flow_id,
      code: code.verification_code,
    });
    expect(verified.verifiable_addresses?.[0]?.verified).toBe(true);
    expect((await idm.getIdentity(identity.id)).verifiable_addresses?.[0]?.verified).toBe(true);
    await idm.markAddressVerified(identity.id, "a@example.org");
    const address = { address: { via: "email", value: "a@example.org" } };
    expect(afterVerification.mock.calls.map((c) => (c as unknown[])[1])).toEqual([address, address]);
    expect(onHookError).toHaveBeenCalledTimes(2);
  });
});

describe("the hooks option", () => {
  it("refuses unknown names, non-functions and throwing getters with invalid_configuration", () => {
    const bad: unknown[] = [
      { beforeCreat: () => {} },
      { beforeCreate: "not a function" },
      { afterLogin: null },
      { onHookError: 1 },
      Object.defineProperty({}, "afterCreate", {
        enumerable: true,
        get() {
          throw new Error("getter");
        },
      }),
      new Proxy(
        {},
        {
          ownKeys() {
            throw new Error("trap");
          },
        },
      ),
      "hooks",
      [],
    ];
    for (const hooks of bad) {
      let error: unknown;
      try {
        manager({ hooks: hooks as IdentityManagerHooks });
      } catch (e) {
        error = e;
      }
      expect(error, `case ${bad.indexOf(hooks)}`).toBeInstanceOf(IdentityError);
      expect((error as IdentityError).code).toBe("invalid_configuration");
    }
  });

  it("a before-hook returning a non-object or a non-JSON value is invalid_configuration, nothing written", async () => {
    for (const result of [42, "x", [1], { traits: () => 1 }, { id: "changed" }]) {
      const idm = manager({ hooks: { beforeCreate: () => result as never } });
      const error = await rejection(idm.createIdentity({ traits: { email: "a@example.org" } }));
      expect(error.code).toBe("invalid_configuration");
      expect((await idm.listIdentities()).identities).toEqual([]);
    }
  });
});
