// limits.maxMetadataBytes: without a cap one identity grew without bound through repeated PATCHes, and a page of
// such identities exhausted memory when listed (adversarial review of issue 10).
import { describe, expect, it } from "vitest";
import { manager, rejection } from "./helpers.js";

const big = (bytes: number) => ({ blob: "x".repeat(bytes) });

describe("limits.maxMetadataBytes", () => {
  it("refuses metadata over the cap on create, PUT and PATCH, at its pointer, writing nothing", async () => {
    const idm = manager({ limits: { maxMetadataBytes: 1024 } });
    const e1 = await rejection(
      idm.createIdentity({ traits: { email: "m@example.org" }, metadata_public: big(2000) }),
    );
    expect(e1.issues).toContainEqual(
      expect.objectContaining({
        pointer: "/metadata_public",
        code: "too_large",
        context: expect.objectContaining({ limit: "maxMetadataBytes", maximum: 1024 }),
      }),
    );
    expect((await idm.listIdentities()).identities).toEqual([]);
    const a = await idm.createIdentity({ traits: { email: "m@example.org" }, metadata_admin: big(500) });
    const e2 = await rejection(
      idm.updateIdentity(a.id, { traits: { email: "m@example.org" }, metadata_admin: big(2000) } as never),
    );
    expect(e2.issues).toContainEqual(
      expect.objectContaining({ pointer: "/metadata_admin", code: "too_large" }),
    );
    // Repeated PATCHes cannot grow it past the cap.
    await idm.patchIdentity(a.id, [{ op: "add", path: "/metadata_admin/more", value: "y".repeat(400) }]);
    const e3 = await rejection(
      idm.patchIdentity(a.id, [{ op: "add", path: "/metadata_admin/again", value: "y".repeat(400) }]),
    );
    expect(e3.code).toBe("validation_failed");
    expect(Object.keys((await idm.getIdentity(a.id)).metadata_admin as object).sort()).toEqual([
      "blob",
      "more",
    ]);
  });

  it("defaults to 64 KiB each and can be lifted with Infinity", async () => {
    const idm = manager();
    await expect(
      idm.createIdentity({ traits: { email: "a@example.org" }, metadata_public: big(64 * 1024) }),
    ).rejects.toMatchObject({ code: "validation_failed" });
    const lifted = manager({ limits: { maxMetadataBytes: Number.POSITIVE_INFINITY } });
    await expect(
      lifted.createIdentity({ traits: { email: "a@example.org" }, metadata_public: big(200 * 1024) }),
    ).resolves.toBeDefined();
  });
});
