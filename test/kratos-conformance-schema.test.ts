// Kratos conformance of JSON Schema error texts (ory/jsonschema v3 `schema.go`), the `code` extension
// (`identity/extension_credentials.go`) and list pagination (`oryx/pagination/keysetpagination`): issue 7,
// items 13, 15 and 16a.
import { describe, expect, it } from "vitest";
import { IdentityError, isIdentityError } from "../src/index.js";
import { SchemaRegistry } from "../src/schema/schema-registry.js";
import { identitySchema, manager, rejection } from "./helpers.js";

const traits = (properties: Record<string, unknown>) =>
  identitySchema({ type: "object", properties, additionalProperties: false });

function messagesFor(properties: Record<string, unknown>, value: Record<string, unknown>): string[] {
  const registry = new SchemaRegistry({ schemas: { s: traits(properties) } });
  return registry
    .require("s")
    .validate({ traits: value })
    .issues.map((i) => `${i.pointer} ${i.message}`);
}

describe("JSON Schema messages in ory/jsonschema's words", () => {
  it("type errors name JSON types: an integer is a number", () => {
    expect(messagesFor({ a: { type: "string" } }, { a: 1 })).toEqual([
      "/traits/a expected string, but got number",
    ]);
    expect(messagesFor({ a: { type: "string" } }, { a: 1.5 })).toEqual([
      "/traits/a expected string, but got number",
    ]);
    expect(messagesFor({ a: { type: "integer" } }, { a: 1.5 })).toEqual([
      "/traits/a expected integer, but got number",
    ]);
    expect(messagesFor({ a: { type: ["string", "boolean"] } }, { a: null })).toEqual([
      "/traits/a expected string or boolean, but got null",
    ]);
    expect(messagesFor({ a: { type: "object" } }, { a: [] })).toEqual([
      "/traits/a expected object, but got array",
    ]);
  });

  it("a wrong type is reported alone, as ory/jsonschema stops at the type", () => {
    expect(messagesFor({ a: { type: "string", enum: ["x", "y"] } }, { a: 5 })).toEqual([
      "/traits/a expected string, but got number",
    ]);
  });

  it("enum, const, properties, items, uniqueItems, multipleOf, dependencies, combinators", () => {
    expect(messagesFor({ a: { enum: ["x"] } }, { a: "z" })).toEqual(['/traits/a value must be "x"']);
    expect(messagesFor({ a: { enum: ["x", 1] } }, { a: "z" })).toEqual([
      '/traits/a value must be one of "x", 1',
    ]);
    expect(messagesFor({ a: { enum: [{ k: 1 }, "x"] } }, { a: "z" })).toEqual(["/traits/a enum failed"]);
    expect(messagesFor({ a: { const: [1] } }, { a: [2] })).toEqual(["/traits/a const failed"]);
    expect(messagesFor({ a: { type: "object", minProperties: 2 } }, { a: { x: 1 } })).toEqual([
      "/traits/a minimum 2 properties allowed, but found 1 properties",
    ]);
    expect(messagesFor({ a: { type: "array", maxItems: 1 } }, { a: [1, 2] })).toEqual([
      "/traits/a maximum 1 items allowed, but found 2 items",
    ]);
    expect(messagesFor({ a: { type: "number", multipleOf: 2 } }, { a: 3 })).toEqual([
      "/traits/a 3 not multipleOf 2",
    ]);
    expect(messagesFor({ a: { type: "object", dependencies: { x: ["y"] } } }, { a: { x: 1 } })).toEqual([
      '/traits/a property "y" is required, if "x" property exists',
    ]);
    expect(messagesFor({ a: { not: { type: "string" } } }, { a: "s" })).toEqual(["/traits/a not failed"]);
    expect(messagesFor({ a: { oneOf: [{ type: "string" }, { minLength: 1 }] } }, { a: "s" })).toEqual([
      "/traits/a valid against schemas at indexes 0 and 1",
    ]);
    expect(messagesFor({ a: { type: "number", minimum: 3 } }, { a: 2 })).toEqual([
      "/traits/a must be >= 3 but found 2",
    ]);
  });
});

describe("item 15: a code identifier must say its channel", () => {
  const codeSchema = (code: Record<string, unknown>) =>
    traits({ email: { type: "string", format: "email", "ory.sh/kratos": { credentials: { code } } } });

  it("is refused at registration with Kratos's text (invalid_configuration), wherever it sits", () => {
    const registry = new SchemaRegistry();
    for (const schema of [
      codeSchema({ identifier: true }),
      identitySchema({
        type: "object",
        properties: {
          emails: {
            type: "array",
            items: { type: "string", "ory.sh/kratos": { credentials: { code: { identifier: true } } } },
          },
        },
      }),
    ]) {
      let caught: unknown;
      try {
        registry.register(`s${Math.random()}`, schema);
      } catch (e) {
        caught = e;
      }
      expect(isIdentityError(caught, "invalid_configuration")).toBe(true);
      expect((caught as IdentityError).reason).toContain('channel type "" must be one of email, sms');
    }
  });

  it("is accepted with a via, or when it is not an identifier", () => {
    const registry = new SchemaRegistry();
    expect(registry.register("a", codeSchema({ identifier: true, via: "email" })).id).toBe("a");
    expect(registry.register("b", codeSchema({ identifier: false })).id).toBe("b");
  });
});

describe("item 16a: page size as Kratos's keyset paginator reads page_size", () => {
  it("0 and negatives mean the default (250); over 500 is clamped to 500", async () => {
    const idm = manager();
    for (let i = 0; i < 3; i++) await idm.createIdentity({ traits: { email: `p${i}@example.org` } });
    for (const pageSize of [0, -1, -0, -1e6, 1, 500, 501, 1e9]) {
      const page = await idm.listIdentities({ pageSize });
      expect(page.identities.length).toBe(pageSize === 1 ? 1 : 3);
    }
  });

  it("a non-integer is refused at /pageSize, with strconv.Atoi's text as reason", async () => {
    const idm = manager();
    const e = await rejection(idm.listIdentities({ pageSize: 1.5 }));
    expect(e).toMatchObject({
      code: "validation_failed",
      reason: 'strconv.Atoi: parsing "1.5": invalid syntax',
    });
    expect(e.issues[0]?.pointer).toBe("/pageSize");
    expect((await rejection(idm.listIdentities({ pageSize: 2 ** 64 }))).reason).toBe(
      'strconv.Atoi: parsing "18446744073709552000": value out of range',
    );
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, "10", 10n, null, {}]) {
      const err = await rejection(idm.listIdentities({ pageSize: bad as never }));
      expect(err.code).toBe("validation_failed");
      expect(err.issues[0]?.pointer).toBe("/pageSize");
    }
  });

  it("option errors point at the option's name", async () => {
    const idm = manager();
    expect((await rejection(idm.listIdentities({ organizationId: "x" }))).issues[0]?.pointer).toBe(
      "/organizationId",
    );
    expect(
      (await rejection(idm.listIdentities({ includeCredentials: ["nope" as never] }))).issues[0]?.pointer,
    ).toBe("/includeCredentials");
    expect((await rejection(idm.listIdentities({ ids: ["x"] }))).issues[0]?.pointer).toBe("/ids");
  });

  it("any JS value as an option gives an IdentityError or a result, never a TypeError", async () => {
    const idm = manager();
    const values = [undefined, null, 0, "", "x", Symbol("s"), 1n, [], {}, [Symbol("s")], () => 1, Number.NaN];
    for (const key of [
      "pageSize",
      "pageToken",
      "ids",
      "credentialsIdentifier",
      "organizationId",
      "includeCredentials",
    ]) {
      for (const value of values) {
        try {
          await idm.listIdentities({ [key]: value } as never);
        } catch (e) {
          expect(e).toBeInstanceOf(IdentityError);
        }
      }
    }
    for (const options of [null, 5, "x", []]) {
      try {
        await idm.listIdentities(options as never);
      } catch (e) {
        expect(e).toBeInstanceOf(IdentityError);
      }
    }
  });
});
