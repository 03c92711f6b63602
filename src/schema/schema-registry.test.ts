import { describe, expect, it } from "vitest";
import { isIdentityError } from "../errors/index.js";
import { SchemaRegistry, schemaIdToBase64 } from "./schema-registry.js";

const traitsSchema = (traits: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...extra,
  type: "object",
  properties: { traits: { type: "object", properties: traits } },
});

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isIdentityError(e, "invalid_configuration")) return e.reason ?? "";
    throw e;
  }
  throw new Error("expected invalid_configuration");
}

describe("SchemaRegistry", () => {
  it("registers preset://email and default, looks up by id or base64url, computes schema_url", () => {
    const registry = new SchemaRegistry({ publicUrl: "https://id.example.org/" });
    expect(registry.list().map((s) => s.id)).toEqual(["preset://email", "default", "preset://machine"]);
    expect(schemaIdToBase64("preset://email")).toBe("cHJlc2V0Oi8vZW1haWw");
    expect(registry.get("cHJlc2V0Oi8vZW1haWw")?.id).toBe("preset://email");
    expect(registry.get("employee")).toBeUndefined();
    expect(registry.urlFor("employee")).toBe("https://id.example.org/schemas/ZW1wbG95ZWU"); // Kratos [test]
    expect(() => registry.require("nope")).toThrow(
      expect.objectContaining({ code: "schema_not_found", status: 400 }),
    );
  });

  it("a host `default` replaces the built-in one", () => {
    const registry = new SchemaRegistry({
      schemas: { default: traitsSchema({ username: { type: "string" } }) },
    });
    expect(registry.require("default").validate({ traits: { username: "x" } }).issues).toEqual([]);
    expect(registry.require("default").validate({ traits: { username: 1 } }).issues[0]).toMatchObject({
      pointer: "/traits/username",
      message: "expected string, but got number", // ory/jsonschema names JSON types only
    });
  });

  it("compiles draft 2020-12 schemas ($defs, prefixItems) with the extension", () => {
    const registry = new SchemaRegistry({
      schemas: {
        modern: {
          $schema: "https://json-schema.org/draft/2020-12/schema",
          $defs: {
            email: { type: "string", format: "email", "ory.sh/kratos": { recovery: { via: "email" } } },
          },
          type: "object",
          properties: {
            traits: {
              type: "object",
              properties: {
                email: { $ref: "#/$defs/email" },
                pair: { type: "array", prefixItems: [{ type: "string" }, { type: "number" }] },
              },
            },
          },
        },
      },
    });
    const schema = registry.require("modern");
    const ok = schema.validate({ traits: { email: "a@example.org", pair: ["x", 1] } });
    expect(ok.issues).toEqual([]);
    expect(ok.hits).toEqual([expect.objectContaining({ pointer: "/traits/email", value: "a@example.org" })]);
    expect(schema.validate({ traits: { email: "a@example.org", pair: [1, 1] } }).issues[0]?.pointer).toBe(
      "/traits/pair/0",
    );
  });

  it("refuses schemas that break Kratos's meta-rules, with a reason", () => {
    const r = new SchemaRegistry();
    expect(configError(() => r.register("a", { type: "object" }))).toMatch(/properties\.traits/);
    expect(
      configError(() =>
        r.register("b", { properties: { traits: { type: "string", properties: { x: {} } } } }),
      ),
    ).toMatch(/must be "object"/);
    expect(configError(() => r.register("c", traitsSchema({})))).toMatch(/at least one trait/);
    expect(
      configError(() =>
        r.register(
          "d",
          traitsSchema({
            x: { type: "string", format: "uri", "ory.sh/kratos": { verification: { via: "email" } } },
          }),
        ),
      ),
    ).toMatch(/format must be one of/);
    expect(
      configError(() =>
        r.register("e", traitsSchema({ x: { type: "string", "ory.sh/kratos": { unknown: true } } })),
      ),
    ).toMatch(/does not compile/);
    expect(
      configError(() =>
        r.register(
          "f",
          traitsSchema({ x: { type: "string", "ory.sh/kratos": { recovery: { via: "pigeon" } } } }),
        ),
      ),
    ).toMatch(/does not compile/);
    expect(configError(() => r.register("preset://email", traitsSchema({ x: {} })))).toMatch(
      /already registered/,
    );
    expect(configError(() => r.register("", traitsSchema({ x: {} })))).toMatch(/must not be empty/);
    const huge = traitsSchema({ x: { type: "string", description: "y".repeat(1024 * 1024) } });
    expect(configError(() => r.register("g", huge))).toMatch(/1 MiB/);
  });

  it("keeps a frozen copy: mutating the registered object changes nothing", () => {
    const source = traitsSchema({ name: { type: "string" } });
    const registry = new SchemaRegistry({ schemas: { s: source } });
    (source.properties.traits.properties as Record<string, unknown>).name = { type: "number" };
    expect(registry.require("s").validate({ traits: { name: "text" } }).issues).toEqual([]);
    expect(Object.isFrozen(registry.require("s").schema)).toBe(true);
  });

  it("patterns run on RE2: a catastrophic-backtracking pattern stays linear; look-around is refused", () => {
    const registry = new SchemaRegistry({
      schemas: { s: traitsSchema({ x: { type: "string", pattern: "^(a+)+$" } }) },
    });
    const started = performance.now();
    expect(registry.require("s").validate({ traits: { x: `${"a".repeat(5000)}!` } }).issues[0]?.code).toBe(
      "pattern",
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(
      configError(() => registry.register("t", traitsSchema({ x: { type: "string", pattern: "^(?=a)a$" } }))),
    ).toMatch(/does not compile/);
  });

  it("accepts RE2-style patterns JavaScript's unicode mode refuses (Kratos's docomo fixture)", () => {
    const registry = new SchemaRegistry({
      schemas: { s: traitsSchema({ x: { type: "string", pattern: "^[a-z\\=]+$" } }) },
    });
    expect(registry.require("s").validate({ traits: { x: "a=b" } }).issues).toEqual([]);
    expect(registry.require("s").validate({ traits: { x: "A" } }).issues[0]?.code).toBe("pattern");
  });
});
