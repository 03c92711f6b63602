// Issue 7, item 7 (expires_in under 1 ms after Go's nanosecond truncation) and item 13's recovery texts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../src/index.js";
import { expiryFrom } from "../src/recovery/flows.js";
import { manager, rejection } from "./helpers.js";

const SECRETS = ["a-long-enough-secret-for-hmac-1"];
const NOW = new Date("2026-01-01T00:00:00Z");
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

describe("expires_in shorter than a millisecond is refused like a non-positive one", () => {
  it.each(["0.0000001ns", "1ns", "999999ns", "999us", "0.9999ms", "0.0000000001h", "-0.5ms"])(
    "%s: validation_failed at /expires_in, nothing issued",
    async (expires_in) => {
      const storage = new MemoryStorage();
      const idm = manager({ storage, secrets: SECRETS, now: () => NOW });
      const { id } = await idm.createIdentity({ traits: { email: "short@example.org" } });
      const link = await rejection(idm.createRecoveryLink({ identity_id: id, expires_in }));
      expect(link.code).toBe("validation_failed");
      expect(link.issues[0]).toMatchObject({
        pointer: "/expires_in",
        code: "not_future",
        message: `Value from "expires_in" must be result to a future time: ${expires_in}`,
      });
      for (const create of [
        () => idm.createRecoveryCode({ identity_id: id, expires_in }),
        () => idm.createVerificationLink({ identity_id: id, expires_in }),
        () => idm.createVerificationCode({ identity_id: id, expires_in }),
      ]) {
        const e = await rejection(create());
        expect(e.issues[0]).toMatchObject({ pointer: "/expires_in", code: "not_future" });
      }
      expect(storage.dumpFlowTokens()).toHaveLength(0);
    },
  );

  it("the code endpoint prints the truncated duration as Go does", () => {
    const message = (expiresIn: string) => {
      try {
        expiryFrom(expiresIn, NOW, "code");
      } catch (e) {
        return (e as { issues: { message: string }[] }).issues[0]?.message;
      }
      return undefined;
    };
    expect(message("0.0000001ns")).toBe('Value from "expires_in" must result to a future time: 0s');
    expect(message("999us")).toBe('Value from "expires_in" must result to a future time: 999µs');
    expect(message("-1h")).toBe('Value from "expires_in" must result to a future time: -1h0m0s');
  });

  it("1ms is the shortest lifespan; it and anything longer expire strictly after now", () => {
    expect(expiryFrom("1ms", NOW).getTime()).toBe(NOW.getTime() + 1);
    expect(expiryFrom("1000000ns", NOW).getTime()).toBe(NOW.getTime() + 1);
    expect(expiryFrom("1.9999ms", NOW).getTime()).toBe(NOW.getTime() + 1);
    fc.assert(
      fc.property(fc.bigInt(1n, 10n ** 16n), (ns) => {
        const text = `${ns}ns`;
        let expiry: Date | undefined;
        try {
          expiry = expiryFrom(text, NOW);
        } catch {
          expiry = undefined;
        }
        if (ns < 1_000_000n) expect(expiry).toBeUndefined();
        else expect(expiry?.getTime()).toBe(NOW.getTime() + Number(ns / 1_000_000n));
      }),
      { numRuns: 500 },
    );
  });

  it("an empty expires_in is the default lifespan, as Kratos (`len(p.ExpiresIn) > 0`)", () => {
    expect(expiryFrom("", NOW).getTime()).toBe(NOW.getTime() + 3600_000);
  });
});

describe("recovery for an unknown identity, in Kratos's words", () => {
  it("link: 400 with reason 'The requested identity id does not exist.' (strategy/link/strategy_recovery.go)", async () => {
    const idm = manager({ secrets: SECRETS });
    const e = await rejection(idm.createRecoveryLink({ identity_id: UNKNOWN }));
    expect(e.toJSON().error).toMatchObject({
      id: "validation_failed",
      code: 400,
      reason: "The requested identity id does not exist.",
    });
    expect(e.issues[0]).toMatchObject({ pointer: "/identity_id" });
  });

  it("code: 404 'Unable to locate the resource' with reason 'could not find identity' (strategy/code/strategy_recovery_admin.go)", async () => {
    const idm = manager({ secrets: SECRETS });
    for (const identity_id of [UNKNOWN, "not-a-uuid"]) {
      const e = await rejection(idm.createRecoveryCode({ identity_id }));
      expect(e.toJSON().error).toEqual({
        id: "identity_not_found",
        code: 404,
        status: "Not Found",
        reason: "could not find identity",
        message: "Unable to locate the resource",
      });
    }
  });
});
