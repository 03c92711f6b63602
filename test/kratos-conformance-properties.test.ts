// Property tests for issue 7 items 10 and 12: arbitrary JSON (with `__proto__`, `constructor`... keys) in traits
// and metadata round-trips verbatim through create → get → update → get; `null` for optional members, in any
// combination, is accepted as absent (Go's zero value, identity/handler.go CreateIdentityBody / UpdateIdentityBody).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { manager, OPEN_EMAIL_SCHEMA as OPEN } from "./helpers.js";

const key = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", ""),
  fc.string({ maxLength: 6 }),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
    fc.string({ maxLength: 8 }),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(key, tie("value"), { maxKeys: 4 }),
  ),
})).value;
const object = fc.dictionary(key, json, { maxKeys: 5 });

/** JSON text of a value whose object members were created as own properties (JSON.parse keeps `__proto__`). */
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v));

describe("properties: JSON is stored verbatim", () => {
  it("traits and metadata round-trip through create, get, update and get", async () => {
    const idm = manager({ schemas: { open: OPEN }, defaultSchemaId: "open" });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(object, json, json, object, json, async (extra, pub, admin, extra2, pub2) => {
        const email = `prop${n++}@example.org`;
        const traits = asJson({ ...extra, email });
        const created = await idm.createIdentity({
          traits,
          metadata_public: asJson(pub),
          metadata_admin: asJson(admin),
        });
        const read = await idm.getIdentity(created.id);
        expect(JSON.stringify(read.traits)).toBe(JSON.stringify(traits));
        expect(JSON.stringify(read.metadata_public)).toBe(JSON.stringify(pub));
        expect(JSON.stringify(read.metadata_admin)).toBe(JSON.stringify(admin));
        const traits2 = asJson({ ...extra2, email });
        await idm.updateIdentity(created.id, { traits: traits2, metadata_public: asJson(pub2) });
        const again = await idm.getIdentity(created.id);
        expect(JSON.stringify(again.traits)).toBe(JSON.stringify(traits2));
        expect(JSON.stringify(again.metadata_public)).toBe(JSON.stringify(pub2));
        expect(again.metadata_admin).toBeNull();
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.getPrototypeOf(again.traits)).toBe(Object.prototype);
      }),
      { numRuns: 60 },
    );
  });
});

const OPTIONAL_CREATE = [
  "schema_id",
  "credentials",
  "verifiable_addresses",
  "recovery_addresses",
  "metadata_public",
  "metadata_admin",
  "state",
  "organization_id",
  "external_id",
  "region",
] as const;
const OPTIONAL_UPDATE = [
  "schema_id",
  "credentials",
  "metadata_public",
  "metadata_admin",
  "state",
  "external_id",
  "region",
] as const;

describe("properties: null for optional members means absent", () => {
  it("any subset of null optional members is accepted on create and PUT, with the defaults", async () => {
    const idm = manager({ schemas: { open: OPEN }, defaultSchemaId: "open" });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.subarray([...OPTIONAL_CREATE]), fc.subarray([...OPTIONAL_UPDATE]), async (c, u) => {
        const email = `null${n++}@example.org`;
        const body: Record<string, unknown> = { traits: { email } };
        for (const k of c) body[k] = null;
        const created = await idm.createIdentity(body as never);
        expect(created).toMatchObject({ schema_id: "open", state: "active", metadata_public: null });
        expect(created).not.toHaveProperty("external_id");
        const update: Record<string, unknown> = { traits: { email } };
        for (const k of u) update[k] = null;
        const updated = await idm.updateIdentity(created.id, update as never);
        expect(updated).toMatchObject({ schema_id: "open", state: "active", metadata_admin: null });
      }),
      { numRuns: 40 },
    );
  });
});
