// idkit issue 7, item 3: size caps on one identity (`limits`). The largest accepted identity is created and
// PUT-replaced; one more identifier, address or byte is `validation_failed` with the cap named, and nothing is
// written. Defaults: 100 identifiers per credential type, 100 verifiable and 100 recovery addresses, 64 KiB traits.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_IDENTITY_LIMITS, resolveIdentityLimits } from "../src/identity/limits.js";
import { IdentityManager, isIdentityError, MemoryStorage } from "../src/index.js";
import { FAST_HASHING, identitySchema, manager, rejection } from "./helpers.js";

const ext = (kratos: Record<string, unknown>) =>
  identitySchema({
    type: "object",
    properties: {
      emails: { type: "array", items: { type: "string", format: "email", "ory.sh/kratos": kratos } },
      note: { type: "string" },
    },
  });
const ALL = ext({
  credentials: { password: { identifier: true } },
  verification: { via: "email" },
  recovery: { via: "email" },
});

const emails = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}.${i}@example.org`);

function setup(limits?: Record<string, number>) {
  const storage = new MemoryStorage();
  const idm = manager({
    storage,
    schemas: {
      all: ALL,
      verification: ext({ verification: { via: "email" } }),
      recovery: ext({ recovery: { via: "email" } }),
      code: ext({ credentials: { code: { identifier: true, via: "email" } } }),
    },
    defaultSchemaId: "all",
    ...(limits ? { limits } : {}),
  });
  return { idm, storage };
}

async function refusedWith(p: Promise<unknown>) {
  const e = await rejection(p);
  expect(e.code).toBe("validation_failed");
  expect(e.status).toBe(400);
  expect(e.issues).toHaveLength(1);
  return e.issues[0] as NonNullable<(typeof e.issues)[0]>;
}

describe("defaults", () => {
  it("are 100 identifiers, 100 verifiable and 100 recovery addresses, 64 KiB of traits and of each metadata", () => {
    expect(DEFAULT_IDENTITY_LIMITS).toEqual({
      maxIdentifiers: 100,
      maxVerifiableAddresses: 100,
      maxRecoveryAddresses: 100,
      maxTraitsBytes: 65536,
      maxMetadataBytes: 65536,
    });
  });

  it("the largest accepted identity (100 emails as identifier + verification + recovery) is created and PUT-replaced", async () => {
    const { idm } = setup();
    const created = await idm.createIdentity({ traits: { emails: emails("a", 100) } });
    expect(created.credentials?.password?.identifiers).toHaveLength(100);
    expect(created.verifiable_addresses).toHaveLength(100);
    expect(created.recovery_addresses).toHaveLength(100);
    const replaced = await idm.updateIdentity(created.id, { traits: { emails: emails("b", 100) } });
    expect(replaced.verifiable_addresses?.map((a) => a.value)).toEqual(emails("b", 100));
    expect(replaced.credentials?.password?.identifiers).toHaveLength(100);
  });

  it("101 emails are refused at the 101st, naming the cap; nothing is stored", async () => {
    const { idm, storage } = setup();
    const issue = await refusedWith(idm.createIdentity({ traits: { emails: emails("a", 101) } }));
    expect(issue).toMatchObject({
      pointer: "/traits/emails/100",
      code: "too_many",
      context: { limit: "maxIdentifiers", maximum: 100 },
    });
    expect(issue.message).toContain("at most 100 password identifiers");
    expect(storage.size).toBe(0);
  });

  it("a PUT to 101 emails is refused and the stored identity is unchanged", async () => {
    const { idm } = setup();
    const created = await idm.createIdentity({ traits: { emails: emails("a", 100) } });
    const issue = await refusedWith(idm.updateIdentity(created.id, { traits: { emails: emails("b", 101) } }));
    expect(issue.pointer).toBe("/traits/emails/100");
    const after = await idm.getIdentity(created.id);
    expect(after.verifiable_addresses?.map((a) => a.value)).toEqual(emails("a", 100));
    expect(after.updated_at).toBe(created.updated_at);
  });

  it("values that normalise to the same identifier count once", async () => {
    const { idm } = setup();
    const upper = emails("a", 100).map((e) => e.toUpperCase());
    const created = await idm.createIdentity({ traits: { emails: [...emails("a", 100), ...upper] } });
    expect(created.credentials?.password?.identifiers).toHaveLength(100);
  });

  it("traits of 64 KiB are accepted, one byte more is refused at /traits before the schema runs", async () => {
    const { idm, storage } = setup();
    const traitsOf = (bytes: number) => ({ note: "x".repeat(bytes - '{"note":""}'.length) });
    expect(Buffer.byteLength(JSON.stringify(traitsOf(65536)))).toBe(65536);
    await idm.createIdentity({ traits: traitsOf(65536) });
    const issue = await refusedWith(idm.createIdentity({ traits: traitsOf(65537) }));
    expect(issue).toMatchObject({
      pointer: "/traits",
      code: "too_large",
      context: { limit: "maxTraitsBytes", maximum: 65536, actual: 65537 },
    });
    expect(storage.size).toBe(1);
  });
});

describe("configured caps", () => {
  it("maxVerifiableAddresses and maxRecoveryAddresses are counted apart", async () => {
    const { idm, storage } = setup({ maxVerifiableAddresses: 3, maxRecoveryAddresses: 2 });
    await idm.createIdentity({ schema_id: "verification", traits: { emails: emails("v", 3) } });
    await idm.createIdentity({ schema_id: "recovery", traits: { emails: emails("r", 2) } });
    const v = await refusedWith(
      idm.createIdentity({ schema_id: "verification", traits: { emails: emails("w", 4) } }),
    );
    expect(v).toMatchObject({ pointer: "/traits/emails/3", context: { limit: "maxVerifiableAddresses" } });
    const r = await refusedWith(
      idm.createIdentity({ schema_id: "recovery", traits: { emails: emails("s", 3) } }),
    );
    expect(r).toMatchObject({ pointer: "/traits/emails/2", context: { limit: "maxRecoveryAddresses" } });
    expect(storage.size).toBe(2);
  });

  it("code identifiers count (address, channel) pairs against maxIdentifiers", async () => {
    const { idm } = setup({ maxIdentifiers: 2 });
    await idm.createIdentity({ schema_id: "code", traits: { emails: emails("c", 2) } });
    const issue = await refusedWith(
      idm.createIdentity({ schema_id: "code", traits: { emails: emails("d", 3) } }),
    );
    expect(issue).toMatchObject({ pointer: "/traits/emails/2", context: { limit: "maxIdentifiers" } });
    expect(issue.message).toContain("code identifiers");
  });

  it("addresses given on create are capped too (/verifiable_addresses, /recovery_addresses)", async () => {
    const { idm, storage } = setup({ maxVerifiableAddresses: 2, maxRecoveryAddresses: 2 });
    const given = emails("a", 3).map((value) => ({ value, via: "email" as const }));
    const v = await refusedWith(idm.createIdentity({ traits: { emails: [] }, verifiable_addresses: given }));
    expect(v).toMatchObject({ pointer: "/verifiable_addresses", context: { maximum: 2, actual: 3 } });
    const r = await refusedWith(idm.createIdentity({ traits: { emails: [] }, recovery_addresses: given }));
    expect(r).toMatchObject({ pointer: "/recovery_addresses", context: { limit: "maxRecoveryAddresses" } });
    expect(storage.size).toBe(0);
  });

  it("a patch may not grow the address lists past the caps; an identity already there can still be patched", async () => {
    const { idm } = setup({ maxVerifiableAddresses: 2, maxRecoveryAddresses: 2 });
    const created = await idm.createIdentity({ traits: { emails: emails("a", 2) } });
    const extra = { value: "x@example.org", verified: false, via: "email", status: "pending" };
    const issue = await refusedWith(
      idm.patchIdentity(created.id, [{ op: "add", path: "/verifiable_addresses/-", value: extra }]),
    );
    expect(issue).toMatchObject({
      pointer: "/verifiable_addresses",
      context: { limit: "maxVerifiableAddresses" },
    });
    const patched = await idm.patchIdentity(created.id, [
      { op: "replace", path: "/metadata_public", value: { a: 1 } },
    ]);
    expect(patched.metadata_public).toEqual({ a: 1 });
  });

  it("an identity stored under larger caps can be PUT down to the new ones (the stored addresses are not refused)", async () => {
    const storage = new MemoryStorage();
    const schemas = { all: ALL };
    const before = manager({ storage, schemas, defaultSchemaId: "all" });
    const created = await before.createIdentity({ traits: { emails: emails("a", 5) } });
    const after = manager({
      storage,
      schemas,
      defaultSchemaId: "all",
      limits: { maxVerifiableAddresses: 2 },
    });
    const issue = await refusedWith(after.updateIdentity(created.id, { traits: { emails: emails("a", 5) } }));
    expect(issue).toMatchObject({
      pointer: "/traits/emails/2",
      context: { limit: "maxVerifiableAddresses" },
    });
    const shrunk = await after.updateIdentity(created.id, { traits: { emails: emails("a", 2) } });
    expect(shrunk.verifiable_addresses?.map((a) => a.id)).toEqual(
      created.verifiable_addresses?.slice(0, 2).map((a) => a.id),
    );
  });

  it("oidc links are capped by maxIdentifiers, before and after merging with the stored ones", async () => {
    const { idm, storage } = setup({ maxIdentifiers: 2 });
    const links = (n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => ({ provider: "google", subject: `s${from + i}` }));
    const before = await refusedWith(
      idm.createIdentity({
        traits: { emails: [] },
        credentials: { oidc: { config: { providers: links(3) } } },
      }),
    );
    expect(before).toMatchObject({ pointer: "/credentials/oidc/config/providers", context: { maximum: 2 } });
    expect(storage.size).toBe(0);
    const created = await idm.createIdentity({
      traits: { emails: [] },
      credentials: { oidc: { config: { providers: links(1) } } },
    });
    const after = await refusedWith(
      idm.updateIdentity(created.id, {
        traits: { emails: [] },
        credentials: { oidc: { config: { providers: links(2, 1) } } },
      }),
    );
    expect(after).toMatchObject({ pointer: "/credentials/oidc/config/providers", context: { actual: 3 } });
    const stored = await idm.getIdentity(created.id);
    expect(stored.credentials?.oidc?.identifiers).toEqual(["google:s0"]);
  });

  it("a batch entry past a cap fails alone", async () => {
    const { idm, storage } = setup({ maxIdentifiers: 5 });
    const { identities } = await idm.batchPatchIdentities({
      identities: [
        { create: { traits: { emails: emails("a", 5) } } },
        { create: { traits: { emails: emails("b", 6) } } },
      ],
    });
    expect(identities[0]?.action).toBe("create");
    expect(identities[1]).toMatchObject({ action: "error", error: { id: "validation_failed", code: 400 } });
    expect(storage.size).toBe(1);
  });

  it("Infinity lifts a cap", async () => {
    const { idm } = setup({ maxIdentifiers: Number.POSITIVE_INFINITY });
    const created = await idm.createIdentity({ schema_id: "code", traits: { emails: emails("a", 150) } });
    expect(created.credentials?.code?.identifiers).toHaveLength(150);
  });
});

describe("limits option", () => {
  it("refuses an unknown cap or a value that is not a positive integer or Infinity", () => {
    for (const limits of [
      { maxIdentifiers: 0 },
      { maxIdentifiers: -1 },
      { maxVerifiableAddresses: 1.5 },
      { maxTraitsBytes: Number.NaN },
      { maxRecoveryAddresses: "10" },
      { maxAddresses: 10 },
      5,
      null,
      [],
    ]) {
      expect(() => new IdentityManager({ hashing: FAST_HASHING, limits: limits as never })).toThrow(
        expect.objectContaining({ code: "invalid_configuration" }),
      );
    }
  });

  it("any value either resolves to frozen positive caps or is invalid_configuration (never a TypeError)", () => {
    const names = Object.keys(DEFAULT_IDENTITY_LIMITS);
    const caps = fc.dictionary(fc.constantFrom(...names), fc.oneof(fc.anything(), fc.integer(), fc.double()));
    fc.assert(
      fc.property(fc.oneof(fc.anything(), caps), (limits) => {
        let resolved: ReturnType<typeof resolveIdentityLimits>;
        try {
          resolved = resolveIdentityLimits(limits);
        } catch (e) {
          expect(isIdentityError(e, "invalid_configuration")).toBe(true);
          return;
        }
        expect(Object.isFrozen(resolved)).toBe(true);
        expect(Object.keys(resolved).sort()).toEqual([...names].sort());
        for (const v of Object.values(resolved))
          expect(v === Number.POSITIVE_INFINITY || (Number.isInteger(v) && v > 0)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
