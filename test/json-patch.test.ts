// JSON Patch depth bounds and round trip (idkit issue 7, item 9), Kratos's patch details (item 14, item 13's PATCH
// part). Kratos: identity/handler.go `patch`, identity/handler_test.go "suite=PATCH" cases, oryx/jsonx/patch.go
// (replace → add unless element access; evanphx/json-patch v5 with EnsurePathExistsOnAdd).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyJsonPatch } from "../src/identity/json-patch.js";
import { escapePointerToken, isIdentityError } from "../src/index.js";
import { manager, RFC3339, rejection } from "./helpers.js";

const OPEN_SCHEMA = {
  open: {
    type: "object",
    properties: {
      traits: { type: "object", properties: { email: { type: "string" } }, additionalProperties: true },
    },
  },
};

/** `{ a: { a: ... 1 } }` with `levels` objects. */
const nested = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};

describe("JSON Patch: deep pointers and documents", () => {
  it("a pointer of 1543 tokens is invalid_patch, not a RangeError", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({ traits: { email: "deep@example.org" } });
    for (const op of ["add", "replace", "remove"]) {
      const e = await rejection(
        idm.patchIdentity(id, [{ op, path: `/metadata_public${"/a".repeat(1542)}`, value: 1 }]),
      );
      expect(e.code).toBe("invalid_patch");
      expect(e.message).toBe("JSON pointer nested deeper than 256 levels");
    }
    // A pointer of a million tokens is refused as fast (the split is bounded).
    const started = performance.now();
    const e = await rejection(idm.patchIdentity(id, [{ op: "add", path: "/a".repeat(1_000_000), value: 1 }]));
    expect(e.code).toBe("invalid_patch");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("the deepest storable document is accepted and round-trips through updateIdentity; one level more is not", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({ traits: { email: "edge@example.org" } });
    // 256 tokens (the most a pointer may hold): containers at depths 1..255, a scalar at 256 (MAX_JSON_DEPTH).
    const deepest = `/metadata_public${"/a".repeat(255)}`;
    await idm.patchIdentity(id, [{ op: "add", path: deepest, value: 1 }]);
    const got = await idm.getIdentity(id);
    await expect(idm.updateIdentity(id, got as never)).resolves.toMatchObject({
      metadata_public: got.metadata_public,
    });
    // The same pointer with an object value would store an object at depth 256.
    const e = await rejection(idm.patchIdentity(id, [{ op: "replace", path: deepest, value: {} }]));
    expect(e.code).toBe("invalid_patch");
    expect(e.message).toMatch(
      /^the patched document is nested deeper than 256 levels at \/metadata_public\/a/,
    );
    expect(e.details?.pointer).toBe(`/metadata_public${"/a".repeat(255)}`);
    const e1 = await rejection(idm.patchIdentity(id, [{ op: "add", path: `${deepest}/a`, value: 1 }]));
    expect(e1.message).toBe("JSON pointer nested deeper than 256 levels");
    // A shallow path with a deep value is refused the same way: the sum is what is stored.
    const e2 = await rejection(
      idm.patchIdentity(id, [{ op: "add", path: "/metadata_admin/x/y", value: nested(254) }]),
    );
    expect(e2.code).toBe("invalid_patch");
    expect((await idm.getIdentity(id)).metadata_admin).toBeNull();
  });

  it("property: whatever a patch stores, getIdentity's result can be sent back with updateIdentity", async () => {
    const idm = manager({ schemas: OPEN_SCHEMA });
    const { id } = await idm.createIdentity({ schema_id: "open", traits: { email: "rt@example.org" } });
    const segment = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom("a", "b", "x~y", "s/t", "0", "-") },
      { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
    );
    // Shallow paths, and paths that reach close to (or past) the depth limit with a chain of "d" tokens.
    const path = fc
      .tuple(
        fc.constantFrom(
          "/metadata_public",
          "/metadata_public",
          "/metadata_admin",
          "/metadata_admin",
          "/traits",
          "/external_id",
        ),
        fc.array(segment, { maxLength: 3 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 240, max: 258 })),
      )
      .map(([root, rest, deep]) =>
        [root, ...rest.map((t) => escapePointerToken(t)), ...Array(deep).fill("d")].join("/"),
      );
    const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 0, max: 20 }).map(nested));
    const op = fc.record({
      op: fc.constantFrom("add", "add", "add", "replace", "replace", "remove"),
      path,
      value,
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 2 }), async (ops) => {
        try {
          await idm.patchIdentity(id, ops);
        } catch (e) {
          if (!isIdentityError(e)) throw e;
          return;
        }
        // Sent as a client would: through JSON (which also turns -0 into 0).
        const got = JSON.parse(JSON.stringify(await idm.getIdentity(id)));
        const back = await idm.updateIdentity(id, got);
        expect(back.traits).toEqual(got.traits);
        expect(back.metadata_public).toEqual(got.metadata_public);
        expect(back.metadata_admin).toEqual(got.metadata_admin);
      }),
      { numRuns: 120 },
    );
  });

  it("property: applyJsonPatch on any operations gives a result or an IdentityError, never another error", () => {
    const doc = { traits: { a: [1, { b: null }] }, metadata_public: null };
    fc.assert(
      fc.property(fc.array(fc.anything(), { maxLength: 4 }), (ops) => {
        try {
          applyJsonPatch(doc, ops as never);
        } catch (e) {
          expect(isIdentityError(e), String(e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect(doc).toEqual({ traits: { a: [1, { b: null }] }, metadata_public: null });
  });
});

describe("JSON Patch: Kratos's details", () => {
  it("a whole credential replaced without timestamps keeps working; timestamps are filled in", async () => {
    let t = Date.parse("2026-02-01T00:00:00Z");
    const idm = manager({
      now: () => {
        t += 1000;
        return new Date(t);
      },
    });
    const password = "a-long-and-unusual-password-2";
    const created = await idm.createIdentity({
      traits: { email: "whole@example.org" },
      credentials: { password: { config: { password } } },
    });
    const full = await idm.getIdentity(created.id, { includeCredentials: ["password"] });
    const old = full.credentials?.password;
    const patched = await idm.patchIdentity(created.id, [
      {
        op: "replace",
        path: "/credentials/password",
        value: { type: "password", identifiers: ["whole@example.org"], config: old?.config },
      },
    ]);
    const cred = patched.credentials?.password;
    expect(cred?.created_at).toBe(old?.created_at);
    expect(cred?.updated_at).toMatch(RFC3339);
    expect(cred?.updated_at).not.toBe(old?.updated_at);
    await expect(
      idm.authenticatePassword({ identifier: "whole@example.org", password }),
    ).resolves.toMatchObject({ id: created.id });
  });

  it("a changed password config may not hold clear text or unknown members (difference: Kratos stores it verbatim)", async () => {
    const idm = manager();
    const password = "a-long-and-unusual-password-3";
    const { id } = await idm.createIdentity({
      traits: { email: "cfg@example.org" },
      credentials: { password: { config: { password } } },
    });
    const before = JSON.stringify(await idm.getIdentity(id, { includeCredentials: ["password"] }));
    for (const [path, value, pointer] of [
      [
        "/credentials/password/config",
        { password: "cleartext-1234" },
        "/credentials/password/config/password",
      ],
      ["/credentials/password/config/extra", "x", "/credentials/password/config/extra"],
    ] as const) {
      const e = await rejection(idm.patchIdentity(id, [{ op: "add", path, value }]));
      expect(e.code).toBe("validation_failed");
      expect(e.issues[0]).toMatchObject({ pointer, code: "unknown_field" });
    }
    expect(JSON.stringify(await idm.getIdentity(id, { includeCredentials: ["password"] }))).toBe(before);
    // The migration-hook flag is a stored config member, so it may be patched; the GET can be PUT back.
    await idm.patchIdentity(id, [
      { op: "add", path: "/credentials/password/config/use_password_migration_hook", value: false },
    ]);
    const got = await idm.getIdentity(id, { includeCredentials: ["password"] });
    await expect(idm.updateIdentity(id, JSON.parse(JSON.stringify(got)))).resolves.toBeDefined();
  });

  it("a credential without type gets Kratos's reason and writes nothing", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({ traits: { email: "notype@example.org" } });
    const before = JSON.stringify(await idm.getIdentity(id, { includeCredentials: ["password"] }));
    for (const [op, key] of [
      ["replace", "password"],
      ["add", "foo"],
      ["add", "totp"],
    ] as const) {
      const e = await rejection(
        idm.patchIdentity(id, [{ op, path: `/credentials/${key}`, value: { config: {} } }]),
      );
      expect(e.code).toBe("validation_failed");
      expect(e.reason).toBe(`credentials.${key}.type must equal "${key}", got ""`);
      expect(e.issues[0]).toMatchObject({ pointer: `/credentials/${key}/type` });
    }
    const e = await rejection(
      idm.patchIdentity(id, [{ op: "replace", path: "/credentials/password/type", value: "" }]),
    );
    expect(e.reason).toBe('credentials.password.type must equal "password", got ""');
    expect(JSON.stringify(await idm.getIdentity(id, { includeCredentials: ["password"] }))).toBe(before);
  });

  it("an invalid state says `identity state is not valid` like create, with Kratos's PATCH reason", async () => {
    const idm = manager();
    const { id, state_changed_at } = await idm.createIdentity({ traits: { email: "state@example.org" } });
    const e = await rejection(
      idm.patchIdentity(id, [{ op: "replace", path: "/state", value: "invalid-value" }]),
    );
    expect(e.code).toBe("validation_failed");
    expect(e.status).toBe(400);
    expect(e.reason).toBe(
      "The supplied state ('invalid-value') was not valid. Valid states are ('active', 'inactive').",
    );
    expect(e.message).toBe("identity state is not valid");
    expect(e.issues).toEqual([
      { pointer: "/state", code: "invalid_state", message: "identity state is not valid" },
    ]);
    expect((await idm.getIdentity(id)).state_changed_at).toBe(state_changed_at);
  });

  it("a null or missing parent is created by add and by a replace that is not an element access, as in Kratos", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({ traits: { email: "nullparent@example.org" } });
    // metadata_admin is null: evanphx/json-patch reads a null member as missing and EnsurePathExistsOnAdd creates it.
    let p = await idm.patchIdentity(id, [{ op: "add", path: "/metadata_admin/x", value: 1 }]);
    expect(p.metadata_admin).toEqual({ x: 1 });
    p = await idm.patchIdentity(id, [{ op: "replace", path: "/metadata_public/a/b", value: 2 }]);
    expect(p.metadata_public).toEqual({ a: { b: 2 } });
    // A new container followed by `0` or `-` is an array.
    p = await idm.patchIdentity(id, [{ op: "add", path: "/metadata_public/tags/-", value: "t" }]);
    expect(p.metadata_public).toEqual({ a: { b: 2 }, tags: ["t"] });
    // Not created: for remove, for a replace of an element (its target must exist), under a scalar, or past an
    // array's end (evanphx pads with nulls; idkit refuses).
    for (const op of [
      { op: "remove", path: "/metadata_admin/none/x" },
      { op: "replace", path: "/metadata_admin/none/0", value: 1 },
      { op: "replace", path: "/metadata_admin/0", value: 1 },
      { op: "add", path: "/metadata_admin/x/y", value: 1 },
      { op: "add", path: "/metadata_public/list/3", value: 1 },
      { op: "add", path: "/metadata_public/tags/5/x", value: 1 },
      { op: "replace", path: "/metadata_public/tags/-", value: 1 },
      { op: "add", path: "/metadata_public/tags/-1", value: 1 },
    ]) {
      expect((await rejection(idm.patchIdentity(id, [op]))).code, op.path).toBe("invalid_patch");
    }
    expect((await idm.getIdentity(id)).metadata_public).toEqual({ a: { b: 2 }, tags: ["t"] });
  });
});
