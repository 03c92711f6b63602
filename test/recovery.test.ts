import { describe, expect, it } from "vitest";
import { isIdentityError, MemoryStorage } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

const SECRETS = ["a-long-enough-secret-for-hmac-1", "an-older-secret-still-verifying"];

function clock(start = Date.parse("2026-01-01T00:00:00Z")) {
  let t = start;
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const tokenOf = (link: string) => new URL(link).searchParams.get("token") as string;

describe("the invite flow (Kratos docs 'Invite a User')", () => {
  it("create identity -> 12h recovery link -> redeem -> setPassword -> authenticatePassword", async () => {
    const c = clock();
    const storage = new MemoryStorage();
    const idm = manager({ storage, secrets: SECRETS, now: c.now, publicUrl: "https://auth.example.org" });
    const identity = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "invitee@example.org" },
    });
    const { recovery_link, expires_at } = await idm.createRecoveryLink({
      identity_id: identity.id,
      expires_in: "12h",
    });
    expect(Math.abs(Date.parse(expires_at) - (c.now().getTime() + 12 * 3600_000))).toBeLessThan(1000);
    const url = new URL(recovery_link);
    expect(`${url.origin}${url.pathname}`).toBe("https://auth.example.org/self-service/recovery");
    expect(url.searchParams.get("flow")).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokenOf(recovery_link)).toMatch(/^[A-Za-z0-9]{32}$/);

    const redeemed = await idm.redeemRecoveryLink(tokenOf(recovery_link));
    expect(redeemed.id).toBe(identity.id);
    await idm.setPassword(identity.id, "a sturdy passphrase 2026");
    const loggedIn = await idm.authenticatePassword({
      identifier: "invitee@example.org",
      password: "a sturdy passphrase 2026",
    });
    expect(loggedIn.id).toBe(identity.id);

    expect(
      isIdentityError(await rejection(idm.redeemRecoveryLink(tokenOf(recovery_link))), "token_invalid"),
    ).toBe(true);
  });

  it("an expired link is token_expired (injectable clock)", async () => {
    const c = clock();
    const idm = manager({ secrets: SECRETS, now: c.now });
    const identity = await idm.createIdentity({ traits: { email: "late@example.org" } });
    const { recovery_link } = await idm.createRecoveryLink({ identity_id: identity.id, expires_in: "12h" });
    c.advance(12 * 3600_000 + 1);
    const e = await rejection(idm.redeemRecoveryLink(tokenOf(recovery_link)));
    expect(e).toMatchObject({ code: "token_expired", status: 410 });
  });

  it("the default lifespan is 1h; Go durations are accepted", async () => {
    const c = clock();
    const idm = manager({ secrets: SECRETS, now: c.now });
    const { id } = await idm.createIdentity({ traits: { email: "dur@example.org" } });
    const at = async (expires_in?: string) =>
      Date.parse(
        (await idm.createRecoveryLink({ identity_id: id, ...(expires_in ? { expires_in } : {}) })).expires_at,
      ) - c.now().getTime();
    expect(await at()).toBe(3600_000);
    expect(await at("1m30s")).toBe(90_000);
    expect(await at("1.5h")).toBe(5400_000);
    expect(await at("500ms")).toBe(500);
  });

  it("Kratos's error cases: unparseable or non-future expires_in, unknown identity", async () => {
    const idm = manager({ secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "err@example.org" } });
    const bad = await rejection(idm.createRecoveryLink({ identity_id: id, expires_in: "tomorrow" }));
    expect(bad.issues[0]).toMatchObject({
      pointer: "/expires_in",
      message: 'Unable to parse "expires_in" as a duration string (e.g. "1h", "1m30s", "500ms"): tomorrow',
    });
    for (const expires_in of ["0", "-1h", "0s"]) {
      const past = await rejection(idm.createRecoveryLink({ identity_id: id, expires_in }));
      expect(past.issues[0]?.pointer).toBe("/expires_in");
    }
    const unknown = await rejection(
      idm.createRecoveryLink({ identity_id: "00000000-0000-4000-8000-000000000000" }),
    );
    expect(unknown.issues[0]?.message).toBe("The requested identity id does not exist.");
    const unknownCode = await rejection(
      idm.createRecoveryCode({ identity_id: "00000000-0000-4000-8000-000000000000" }),
    );
    expect(unknownCode.code).toBe("identity_not_found");
  });

  it("an inactive identity cannot redeem", async () => {
    const idm = manager({ secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "off@example.org" }, state: "inactive" });
    const { recovery_link } = await idm.createRecoveryLink({ identity_id: id });
    expect((await rejection(idm.redeemRecoveryLink(tokenOf(recovery_link)))).code).toBe("identity_disabled");
  });
});

describe("tokens at rest", () => {
  it("no token or code appears in plain text in storage; keys rotate", async () => {
    const storage = new MemoryStorage();
    const idm = manager({ storage, secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "rest@example.org" } });
    const link = await idm.createRecoveryLink({ identity_id: id });
    const code = await idm.createRecoveryCode({ identity_id: id });
    const verification = await idm.createVerificationCode({ identity_id: id });
    const dump = JSON.stringify(storage.dumpFlowTokens());
    expect(storage.dumpFlowTokens()).toHaveLength(3);
    for (const secret of [tokenOf(link.recovery_link), code.recovery_code, verification.verification_code]) {
      expect(dump).not.toContain(secret);
    }
    // A manager with a new signing key that still lists the old one redeems the old token.
    const rotated = manager({ storage, secrets: ["a-brand-new-signing-secret-2027", ...SECRETS] });
    await expect(rotated.redeemRecoveryLink(tokenOf(link.recovery_link))).resolves.toMatchObject({ id });
    // Without the old key it is just unknown.
    const other = manager({ storage, secrets: ["a-brand-new-signing-secret-2027"] });
    expect(
      (await rejection(other.redeemRecoveryCode({ flow_id: code.flow_id, code: code.recovery_code }))).code,
    ).toBe("token_invalid");
  });

  it("1000 concurrent redemptions of one token: exactly one succeeds", async () => {
    const idm = manager({ secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "race@example.org" } });
    const token = tokenOf((await idm.createRecoveryLink({ identity_id: id })).recovery_link);
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, () => idm.redeemRecoveryLink(token)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(
      results.filter((r) => r.status === "rejected" && isIdentityError(r.reason, "token_invalid")),
    ).toHaveLength(999);
  });

  it("garbage tokens are token_invalid", async () => {
    const idm = manager({ secrets: SECRETS });
    for (const t of ["", "short", "x".repeat(500), "../../etc", 42 as unknown as string]) {
      expect((await rejection(idm.redeemRecoveryLink(t))).code).toBe("token_invalid");
    }
  });

  it("secrets must be long enough", () => {
    expect(() => manager({ secrets: ["short"] })).toThrow(
      expect.objectContaining({ code: "invalid_configuration" }),
    );
  });
});

describe("recovery codes", () => {
  it("a 6-digit code redeems once", async () => {
    const idm = manager({ secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "code@example.org" } });
    const created = await idm.createRecoveryCode({ identity_id: id, expires_in: "15m" });
    expect(created.recovery_code).toMatch(/^\d{6}$/);
    expect(new URL(created.recovery_link).searchParams.get("flow")).toBe(created.flow_id);
    await expect(
      idm.redeemRecoveryCode({ flow_id: created.flow_id, code: created.recovery_code }),
    ).resolves.toMatchObject({ id });
    expect(
      (await rejection(idm.redeemRecoveryCode({ flow_id: created.flow_id, code: created.recovery_code })))
        .code,
    ).toBe("token_invalid");
  });

  it("six wrong codes: the sixth and every later attempt, even with the right code, fails", async () => {
    const idm = manager({ secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "brute@example.org" } });
    const { flow_id, recovery_code } = await idm.createRecoveryCode({ identity_id: id });
    const wrong = recovery_code === "000000" ? "000001" : "000000";
    for (let i = 0; i < 5; i++) {
      expect((await rejection(idm.redeemRecoveryCode({ flow_id, code: wrong }))).code).toBe("token_invalid");
    }
    expect((await rejection(idm.redeemRecoveryCode({ flow_id, code: wrong }))).code).toBe(
      "too_many_attempts",
    );
    expect((await rejection(idm.redeemRecoveryCode({ flow_id, code: recovery_code }))).code).toBe(
      "too_many_attempts",
    );
    expect((await rejection(idm.redeemRecoveryCode({ flow_id, code: recovery_code }))).code).toBe(
      "too_many_attempts",
    );
  });

  it("concurrent wrong guesses cannot exceed the attempt budget", async () => {
    const idm = manager({ secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "burst@example.org" } });
    const { flow_id, recovery_code } = await idm.createRecoveryCode({ identity_id: id });
    const guesses = Array.from({ length: 50 }, (_, i) => String(i).padStart(6, "0")).filter(
      (g) => g !== recovery_code,
    );
    const results = await Promise.allSettled(
      guesses.map((code) => idm.redeemRecoveryCode({ flow_id, code })),
    );
    const invalid = results.filter(
      (r) => r.status === "rejected" && isIdentityError(r.reason, "token_invalid"),
    );
    expect(invalid).toHaveLength(5);
    expect((await rejection(idm.redeemRecoveryCode({ flow_id, code: recovery_code }))).code).toBe(
      "too_many_attempts",
    );
  });

  it("an expired code is token_expired", async () => {
    const c = clock();
    const idm = manager({ secrets: SECRETS, now: c.now });
    const { id } = await idm.createIdentity({ traits: { email: "exp@example.org" } });
    const { flow_id, recovery_code } = await idm.createRecoveryCode({ identity_id: id, expires_in: "1m" });
    c.advance(60_001);
    expect((await rejection(idm.redeemRecoveryCode({ flow_id, code: recovery_code }))).code).toBe(
      "token_expired",
    );
  });
});

describe("setPassword policy", () => {
  it("rejects 'password', the email itself and a 7-character password, each with a clear reason at /password", async () => {
    const idm = manager({ secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "policy.user@example.org" } });
    const common = await rejection(idm.setPassword(id, "password"));
    expect(common.code).toBe("validation_failed");
    expect(common.issues[0]).toMatchObject({
      pointer: "/password",
      message: "The password has been found in data breaches and must no longer be used.",
    });
    const similar = await rejection(idm.setPassword(id, "policy.user@example.org"));
    expect(similar.issues[0]).toMatchObject({
      pointer: "/password",
      message: "The password can not be used because it is too similar to the identifier.",
    });
    const short = await rejection(idm.setPassword(id, "x7#kQ2p"));
    expect(short.issues[0]).toMatchObject({
      pointer: "/password",
      message: "The password must be at least 8 characters long, but got 7.",
    });
    const stored = await idm.getIdentity(id, { includeCredentials: ["password"] });
    expect(stored.credentials?.password?.config).toEqual({});
  });

  it("under bcrypt, a password over 72 bytes is refused", async () => {
    const idm = manager({ secrets: SECRETS, hashing: { algorithm: "bcrypt", bcrypt: { cost: 4 } } });
    const { id } = await idm.createIdentity({ traits: { email: "long@example.org" } });
    const e = await rejection(idm.setPassword(id, "correct horse battery staple ".repeat(3)));
    expect(e.issues[0]).toMatchObject({
      pointer: "/password",
      message: "The password must be at most 72 characters long, but got 87.",
    });
  });

  it("a pluggable breach checker is consulted", async () => {
    const idm = manager({
      secrets: SECRETS,
      passwordPolicy: { breachedPasswordChecker: async (p) => (p.includes("leak") ? 3 : 0) },
    });
    const { id } = await idm.createIdentity({ traits: { email: "checker@example.org" } });
    expect((await rejection(idm.setPassword(id, "a-leaked-passphrase-9"))).issues[0]?.pointer).toBe(
      "/password",
    );
    await expect(idm.setPassword(id, "a-private-passphrase-9")).resolves.toMatchObject({ id });
  });
});

describe("address verification", () => {
  it("a verification code marks the address verified and completed", async () => {
    const idm = manager({ secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "verify@example.org" } });
    const created = await idm.createVerificationCode({ identity_id: id });
    expect(created.verification_code).toMatch(/^\d{6}$/);
    const verified = await idm.redeemVerificationCode({
      flow_id: created.flow_id,
      code: created.verification_code,
    });
    expect(verified.verifiable_addresses?.[0]).toMatchObject({
      verified: true,
      status: "completed",
      verified_at: expect.any(String),
    });
    expect(
      (
        await rejection(
          idm.redeemVerificationCode({ flow_id: created.flow_id, code: created.verification_code }),
        )
      ).code,
    ).toBe("token_invalid");
  });

  it("a verification link, and an address changed in between makes the token invalid", async () => {
    const idm = manager({ secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "link@example.org" } });
    const first = await idm.createVerificationLink({ identity_id: id, address: "link@example.org" });
    const verified = await idm.redeemVerificationLink(tokenOf(first.verification_link));
    expect(verified.verifiable_addresses?.[0]?.verified).toBe(true);
    const second = await idm.createVerificationLink({ identity_id: id });
    await idm.updateIdentity(id, { traits: { email: "moved@example.org" } });
    expect((await rejection(idm.redeemVerificationLink(tokenOf(second.verification_link)))).code).toBe(
      "token_invalid",
    );
  });

  it("markAddressVerified by value or id; unknown addresses are address_not_found", async () => {
    const idm = manager({ secrets: SECRETS });
    const created = await idm.createIdentity({ traits: { email: "admin-verify@example.org" } });
    const byValue = await idm.markAddressVerified(created.id, "admin-verify@example.org");
    expect(byValue.verifiable_addresses?.[0]).toMatchObject({ verified: true, status: "completed" });
    await expect(
      idm.markAddressVerified(created.id, created.verifiable_addresses?.[0]?.id as string),
    ).resolves.toBeDefined();
    expect((await rejection(idm.markAddressVerified(created.id, "nobody@example.org"))).code).toBe(
      "address_not_found",
    );
  });
});
