// Deliberate differences from Kratos that no other test file pins (README, "Deliberate differences from Kratos").
import { describe, expect, it } from "vitest";
import { manager, rejection } from "./helpers.js";

describe("deliberate differences from Kratos", () => {
  it("PUT refuses an unknown field (Kratos's PUT decoder ignores it) and writes nothing", async () => {
    const idm = manager();
    const created = await idm.createIdentity({ traits: { email: "put-unknown@example.org" } });
    const e = await rejection(
      idm.updateIdentity(created.id, {
        traits: { email: "changed@example.org" },
        metadata_pubilc: { typo: true },
      } as never),
    );
    expect(e.code).toBe("validation_failed");
    expect(e.issues).toContainEqual(
      expect.objectContaining({ pointer: "/metadata_pubilc", code: "unknown_field" }),
    );
    expect((await idm.getIdentity(created.id)).traits).toEqual({ email: "put-unknown@example.org" });
  });

  it("member names are case-sensitive (Go's decoder would take `Traits` for `traits`)", async () => {
    const idm = manager();
    const e = await rejection(idm.createIdentity({ Traits: { email: "case@example.org" } } as never));
    expect(e.code).toBe("validation_failed");
    expect(e.message).toBe('json: unknown field "Traits"');
    expect((await idm.listIdentities()).identities).toEqual([]);
  });

  it("a null element of a typed array is refused at its pointer (Go would store a zero-value entry)", async () => {
    const idm = manager();
    const e = await rejection(
      idm.createIdentity({
        traits: { email: "null-entry@example.org" },
        verifiable_addresses: [null],
      } as never),
    );
    expect(e.code).toBe("validation_failed");
    expect(e.issues[0]?.pointer).toBe("/verifiable_addresses/0");
    expect((await idm.listIdentities()).identities).toEqual([]);
  });

  it("under bcrypt, a clear-text password over 72 bytes is a validation error at its pointer, not a 500", async () => {
    const idm = manager({ hashing: { algorithm: "bcrypt", bcrypt: { cost: 4 } } });
    const e = await rejection(
      idm.createIdentity({
        traits: { email: "long@example.org" },
        credentials: { password: { config: { password: "p".repeat(73) } } },
      }),
    );
    expect(e.code).toBe("validation_failed");
    expect(e.status).toBe(400);
    expect(e.issues[0]?.pointer).toBe("/credentials/password/config/password");
    expect((await idm.listIdentities()).identities).toEqual([]);
  });

  it("a string with U+0000 or an unpaired surrogate is refused at its pointer, on every store (Kratos on PostgreSQL answers 500)", async () => {
    const idm = manager();
    const cases: Array<[unknown, string]> = [
      [{ traits: { email: "nul\u0000@example.org" } }, "/traits/email"],
      [{ traits: { email: "a@example.org" }, metadata_public: { "k\u0000": 1 } }, "/metadata_public/k\u0000"],
      [{ traits: { email: "a@example.org" }, metadata_admin: ["\ud800"] }, "/metadata_admin/0"],
      [{ traits: { email: "a@example.org" }, external_id: "x\udfffy" }, "/external_id"],
    ];
    for (const [body, pointer] of cases) {
      const e = await rejection(idm.createIdentity(body as never));
      expect(e.code).toBe("validation_failed");
      expect(e.issues).toContainEqual(expect.objectContaining({ pointer, code: "invalid_json" }));
    }
    // Paired surrogates (an emoji) are ordinary text.
    const ok = await idm.createIdentity({
      traits: { email: "a@example.org" },
      metadata_public: { m: "\ud83d\ude00" },
    });
    expect(ok.metadata_public).toEqual({ m: "😀" });
    expect((await idm.listIdentities()).identities).toHaveLength(1);
  });
});
