// Issue 7, item 6: a token is never burned by a transient storage failure. Redemption is all-or-nothing: the
// adapter consumes the token together with the identity change it grants (redeemFlowToken), after every read.
import { describe, expect, it } from "vitest";
import { isIdentityError, MemoryStorage } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

const SECRETS = ["a-long-enough-secret-for-hmac-1"];
const tokenOf = (link: string) => new URL(link).searchParams.get("token") as string;
type IdentityManager = ReturnType<typeof manager>;

/** A MemoryStorage whose methods fail once when armed, and can pause before delegating. */
class FlakyStorage extends MemoryStorage {
  readonly #armed = new Set<string>();
  /** Awaited by every getIdentity / checkFlowCode / findFlowToken (to line concurrent calls up). */
  gate: Promise<void> = Promise.resolve();
  /** Runs before the next redeemFlowToken (e.g. a concurrent writer). */
  beforeRedeem: (() => Promise<void>) | undefined;

  failOnce(method: "getIdentity" | "findFlowToken" | "checkFlowCode" | "redeemFlowToken"): void {
    this.#armed.add(method);
  }

  #trip(method: string): void {
    if (this.#armed.delete(method)) throw new Error("ECONNRESET: server closed the connection unexpectedly");
  }

  override async getIdentity(id: string) {
    await this.gate;
    this.#trip("getIdentity");
    return super.getIdentity(id);
  }

  override async findFlowToken(...args: Parameters<MemoryStorage["findFlowToken"]>) {
    await this.gate;
    this.#trip("findFlowToken");
    return super.findFlowToken(...args);
  }

  override async checkFlowCode(...args: Parameters<MemoryStorage["checkFlowCode"]>) {
    await this.gate;
    this.#trip("checkFlowCode");
    return super.checkFlowCode(...args);
  }

  override async redeemFlowToken(...args: Parameters<MemoryStorage["redeemFlowToken"]>) {
    const before = this.beforeRedeem;
    this.beforeRedeem = undefined;
    await before?.();
    this.#trip("redeemFlowToken");
    return super.redeemFlowToken(...args);
  }
}

type Redeem = (
  idm: IdentityManager,
) => Promise<{ id: string; verifiable_addresses?: { verified: boolean }[] }>;

/** Issues one token of each kind for a fresh identity and returns how to redeem it. */
async function issue(
  idm: IdentityManager,
  kind: "recovery link" | "recovery code" | "verification link" | "verification code",
  email: string,
): Promise<{ id: string; redeem: Redeem }> {
  const { id } = await idm.createIdentity({ traits: { email } });
  switch (kind) {
    case "recovery link": {
      const token = tokenOf((await idm.createRecoveryLink({ identity_id: id })).recovery_link);
      return { id, redeem: (m) => m.redeemRecoveryLink(token) };
    }
    case "recovery code": {
      const { flow_id, recovery_code } = await idm.createRecoveryCode({ identity_id: id });
      return { id, redeem: (m) => m.redeemRecoveryCode({ flow_id, code: recovery_code }) };
    }
    case "verification link": {
      const token = tokenOf((await idm.createVerificationLink({ identity_id: id })).verification_link);
      return { id, redeem: (m) => m.redeemVerificationLink(token) };
    }
    case "verification code": {
      const { flow_id, verification_code } = await idm.createVerificationCode({ identity_id: id });
      return { id, redeem: (m) => m.redeemVerificationCode({ flow_id, code: verification_code }) };
    }
  }
}

const KINDS = ["recovery link", "recovery code", "verification link", "verification code"] as const;
const FAILURES = {
  "recovery link": ["findFlowToken", "getIdentity", "redeemFlowToken"],
  "recovery code": ["checkFlowCode", "getIdentity", "redeemFlowToken"],
  "verification link": ["findFlowToken", "getIdentity", "redeemFlowToken"],
  "verification code": ["checkFlowCode", "getIdentity", "redeemFlowToken"],
} as const;

describe.each(KINDS)("%s: redemption is all-or-nothing", (kind) => {
  it.each(FAILURES[kind])(
    "a transient failure of %s is storage_error; nothing changes; the token still works",
    async (method) => {
      const storage = new FlakyStorage();
      const idm = manager({ storage, secrets: SECRETS });
      const { id, redeem } = await issue(idm, kind, `flaky-${method.toLowerCase()}@example.org`);
      const before = await idm.getIdentity(id);
      const tokensBefore = storage.dumpFlowTokens();

      storage.failOnce(method);
      const e = await rejection(redeem(idm));
      expect(e.code).toBe("storage_error");
      expect(JSON.stringify(e)).not.toContain("ECONNRESET");
      expect(await idm.getIdentity(id)).toEqual(before); // no address verified, nothing written
      expect(storage.dumpFlowTokens()).toEqual(tokensBefore); // not consumed, no attempt counted

      const redeemed = await redeem(idm);
      expect(redeemed.id).toBe(id);
      if (kind.startsWith("verification")) expect(redeemed.verifiable_addresses?.[0]?.verified).toBe(true);
      expect((await rejection(redeem(idm))).code).toBe("token_invalid"); // and now it is spent
    },
  );

  it("two concurrent redemptions: exactly one succeeds, the other is token_invalid", async () => {
    const storage = new FlakyStorage();
    const idm = manager({ storage, secrets: SECRETS });
    const { redeem } = await issue(idm, kind, "race@example.org");
    let open!: () => void;
    storage.gate = new Promise((resolve) => {
      open = resolve;
    });
    // Two managers on one store stand for two processes (no shared in-process lock).
    const other = manager({ storage, secrets: SECRETS });
    const racing = Promise.allSettled([redeem(idm), redeem(other), redeem(idm)]);
    open();
    const results = await racing;
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect(isIdentityError(r.reason, "token_invalid")).toBe(true);
    }
    expect(storage.dumpFlowTokens()).toHaveLength(0);
  });
});

describe("verification redemption and concurrent writers", () => {
  it("an identity changed between the read and the redemption is re-read, and the token consumed once", async () => {
    const storage = new FlakyStorage();
    const idm = manager({ storage, secrets: SECRETS });
    const { id } = await idm.createIdentity({
      traits: { email: "cas@example.org" },
      metadata_public: { n: 0 },
    });
    const token = tokenOf((await idm.createVerificationLink({ identity_id: id })).verification_link);
    const writer = manager({ storage });
    storage.beforeRedeem = async () => {
      await writer.patchIdentity(id, [{ op: "replace", path: "/metadata_public", value: { n: 1 } }]);
    };
    const verified = await idm.redeemVerificationLink(token);
    expect(verified.verifiable_addresses?.[0]).toMatchObject({ verified: true, status: "completed" });
    expect(verified.metadata_public).toEqual({ n: 1 }); // the concurrent write was not lost
    expect(storage.dumpFlowTokens()).toHaveLength(0);
  });

  it("a verification token whose address is gone stays token_invalid and changes nothing", async () => {
    const storage = new FlakyStorage();
    const idm = manager({ storage, secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "gone@example.org" } });
    const token = tokenOf((await idm.createVerificationLink({ identity_id: id })).verification_link);
    await idm.updateIdentity(id, { traits: { email: "moved@example.org" } });
    const before = await idm.getIdentity(id);
    expect((await rejection(idm.redeemVerificationLink(token))).code).toBe("token_invalid");
    expect((await rejection(idm.redeemVerificationLink(token))).code).toBe("token_invalid");
    expect(await idm.getIdentity(id)).toEqual(before);
  });
});

describe("codes: attempts stay atomic with a non-consuming check", () => {
  it("four wrong codes and the right one twice, at once: the right one redeems exactly once", async () => {
    const storage = new FlakyStorage();
    const idm = manager({ storage, secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "mix@example.org" } });
    const { flow_id, recovery_code } = await idm.createRecoveryCode({ identity_id: id });
    const wrong = Array.from({ length: 4 }, (_, i) =>
      String((Number(recovery_code) + i + 1) % 1e6).padStart(6, "0"),
    );
    const results = await Promise.allSettled(
      [recovery_code, ...wrong, recovery_code].map((code) => idm.redeemRecoveryCode({ flow_id, code })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const codes = results.map((r) => (r.status === "rejected" ? r.reason.code : "ok"));
    expect(codes.filter((c) => c === "token_invalid")).toHaveLength(5);
  });

  it("concurrent wrong codes never exceed the budget, even with the right code in flight", async () => {
    const storage = new FlakyStorage();
    const idm = manager({ storage, secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "budget@example.org" } });
    const { flow_id, recovery_code } = await idm.createRecoveryCode({ identity_id: id });
    const wrong = Array.from({ length: 20 }, (_, i) =>
      String((Number(recovery_code) + i + 1) % 1e6).padStart(6, "0"),
    );
    const results = await Promise.allSettled(
      [...wrong, recovery_code].map((code) => idm.redeemRecoveryCode({ flow_id, code })),
    );
    const codes = results.map((r) => (r.status === "rejected" ? r.reason.code : "ok"));
    expect(codes.filter((c) => c === "token_invalid")).toHaveLength(5);
    expect(codes.filter((c) => c === "too_many_attempts")).toHaveLength(16);
    expect(storage.dumpFlowTokens()[0]?.attempts).toBe(5);
  });

  it("a right code that hit a failure does not count as an attempt", async () => {
    const storage = new FlakyStorage();
    const idm = manager({ storage, secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "count@example.org" } });
    const { flow_id, recovery_code } = await idm.createRecoveryCode({ identity_id: id });
    const wrong = recovery_code === "000000" ? "000001" : "000000";
    for (let i = 0; i < 4; i++) await rejection(idm.redeemRecoveryCode({ flow_id, code: wrong }));
    for (let i = 0; i < 3; i++) {
      storage.failOnce("redeemFlowToken");
      expect((await rejection(idm.redeemRecoveryCode({ flow_id, code: recovery_code }))).code).toBe(
        "storage_error",
      );
    }
    expect(storage.dumpFlowTokens()[0]?.attempts).toBe(4);
    await expect(idm.redeemRecoveryCode({ flow_id, code: recovery_code })).resolves.toMatchObject({ id });
  });

  it("an inactive identity's recovery token is identity_disabled and stays unspent", async () => {
    const storage = new FlakyStorage();
    const idm = manager({ storage, secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "paused@example.org" }, state: "inactive" });
    const token = tokenOf((await idm.createRecoveryLink({ identity_id: id })).recovery_link);
    expect((await rejection(idm.redeemRecoveryLink(token))).code).toBe("identity_disabled");
    await idm.patchIdentity(id, [{ op: "replace", path: "/state", value: "active" }]);
    await expect(idm.redeemRecoveryLink(token)).resolves.toMatchObject({ id });
  });
});
