// A recovery token redeemed while the identity is deactivated concurrently: the deactivation that commits
// between the redemption's read and its consume is seen (compare-and-set), so the answer is identity_disabled and
// the token stays unspent. Found by the adversarial review of issue 8.
import { describe, expect, it } from "vitest";
import { type FlowTokenRedemption, isIdentityError, MemoryStorage } from "../src/index.js";
import { manager } from "./helpers.js";

/** A store that runs `before` once, right before the next redemption reaches it. */
class RacingStorage extends MemoryStorage {
  before: (() => Promise<void>) | undefined;
  override async redeemFlowToken(redemption: FlowTokenRedemption) {
    const before = this.before;
    this.before = undefined;
    await before?.();
    return super.redeemFlowToken(redemption);
  }
}

describe("recovery redemption racing a deactivation", () => {
  it.each(["link", "code"] as const)(
    "%s: identity_disabled, and the token works once re-enabled",
    async (kind) => {
      const storage = new RacingStorage();
      const idm = manager({ storage });
      const admin = manager({ storage });
      const { id } = await idm.createIdentity({ traits: { email: "race@example.org" } });
      const redeem =
        kind === "link"
          ? await idm.createRecoveryLink({ identity_id: id }).then(({ recovery_link }) => {
              const token = new URL(recovery_link).searchParams.get("token") as string;
              return () => idm.redeemRecoveryLink(token);
            })
          : await idm.createRecoveryCode({ identity_id: id }).then(({ flow_id, recovery_code }) => {
              return () => idm.redeemRecoveryCode({ flow_id, code: recovery_code });
            });
      storage.before = async () => {
        await admin.patchIdentity(id, [{ op: "replace", path: "/state", value: "inactive" }]);
      };
      const error = await redeem().catch((e) => e);
      expect(isIdentityError(error, "identity_disabled"), String(error)).toBe(true);
      expect((await idm.getIdentity(id)).state).toBe("inactive");
      await admin.patchIdentity(id, [{ op: "replace", path: "/state", value: "active" }]);
      await expect(redeem()).resolves.toMatchObject({ id, state: "active" });
    },
  );
});
