import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

const P = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

describe("batchPatchIdentities", () => {
  it("stores the valid entries and reports a conflicting and an invalid one by patch_id", async () => {
    const storage = new MemoryStorage();
    const idm = manager({ storage });
    await idm.createIdentity({ traits: { email: "taken@example.org" } });
    const { identities } = await idm.batchPatchIdentities({
      identities: [
        { patch_id: P(1), create: { traits: { email: "one@example.org" } } },
        { patch_id: P(2), create: { traits: { email: "TAKEN@example.org" } } },
        { patch_id: P(3), create: { traits: { email: "not an email" } } },
        { patch_id: P(4), create: { traits: { email: "four@example.org" } } },
        { patch_id: P(5), create: null },
        { patch_id: P(6), create: { traits: { email: "four@example.org" } } },
      ],
    });
    expect(identities).toHaveLength(6);
    expect(identities[0]).toMatchObject({ action: "create", patch_id: P(1), identity: expect.any(String) });
    expect(identities[1]).toMatchObject({
      action: "error",
      patch_id: P(2),
      error: { id: "identity_conflict", code: 409, status: "Conflict" },
    });
    expect(identities[2]).toMatchObject({
      action: "error",
      patch_id: P(3),
      error: { id: "validation_failed", code: 400 },
    });
    expect(
      (identities[2] as { error: { details: { issues: { pointer: string }[] } } }).error.details.issues.map(
        (i) => i.pointer,
      ),
    ).toContain("/traits/email");
    expect(identities[3]).toMatchObject({ action: "create", patch_id: P(4) });
    expect(identities[4]).toBeNull();
    // A duplicate within the same batch: the second copy conflicts (Kratos "case=invalid patches fail").
    expect(identities[5]).toMatchObject({
      action: "error",
      patch_id: P(6),
      error: { id: "identity_conflict" },
    });
    expect(storage.size).toBe(3);
    const emails = (await idm.listIdentities()).identities
      .map((i) => (i.traits as { email: string }).email)
      .sort();
    expect(emails).toEqual(["four@example.org", "one@example.org", "taken@example.org"]);
  });

  it("an entry with a bad hash or an unknown field fails alone", async () => {
    const idm = manager();
    const { identities } = await idm.batchPatchIdentities({
      identities: [
        {
          create: {
            traits: { email: "h1@example.org" },
            credentials: { password: { config: { hashed_password: "$nope$" } } },
          },
        },
        { create: { traits: { email: "h2@example.org" }, nope: 1 } as never },
        { create: { traits: { email: "h3@example.org" } } },
      ],
    });
    expect(identities.map((i) => i?.action)).toEqual(["error", "error", "create"]);
    expect(identities[0]).toMatchObject({ error: { id: "unsupported_hash" } });
    expect(identities[1]).not.toHaveProperty("patch_id");
  });

  it("refuses more than 1000 entries and more than 200 clear-text passwords, storing nothing", async () => {
    const storage = new MemoryStorage();
    const idm = manager({ storage });
    const many = Array.from({ length: 1001 }, (_, i) => ({
      create: { traits: { email: `m${i}@example.org` } },
    }));
    const e = await rejection(idm.batchPatchIdentities({ identities: many }));
    expect(e.code).toBe("validation_failed");
    expect(e.issues[0]?.message).toBe(
      "The maximum number of identities per request that can be created or deleted at once is 1000.",
    );
    const clear = Array.from({ length: 201 }, (_, i) => ({
      create: {
        traits: { email: `c${i}@example.org` },
        credentials: { password: { config: { password: "secret-password" } } },
      },
    }));
    const e2 = await rejection(idm.batchPatchIdentities({ identities: clear }));
    expect(e2.issues[0]?.message).toBe(
      "The maximum number of identities per request that can be created with a plaintext password is 200.",
    );
    expect(storage.size).toBe(0);
  });

  it("rejects a malformed batch body", async () => {
    const e = await rejection(
      manager().batchPatchIdentities({ identities: [{ create: {}, patch_id: "not-a-uuid" }] }),
    );
    expect(e.issues[0]?.pointer).toBe("/identities/0/patch_id");
  });

  it("patch_id and organization_id accept any 8-4-4-4-12 hex UUID, as Kratos's gofrs/uuid parses them", async () => {
    const idm = manager();
    const nil = "00000000-0000-0000-0000-000000000001"; // not an RFC 4122 variant: zod's uuid() would refuse it
    const { identities } = await idm.batchPatchIdentities({
      identities: [
        { patch_id: nil, create: { traits: { email: "guid@example.org" }, organization_id: nil } },
      ],
    } as never);
    expect(identities[0]).toMatchObject({ action: "create", patch_id: nil });
    const created = await idm.getIdentity((identities[0] as { identity: string }).identity);
    expect(created.organization_id).toBe(nil);
  });
});
