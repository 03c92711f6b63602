import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readCommonBatchBody, readCommonCreateBody } from "../src/identity/create-body-fast.js";
import { BatchPatchBodySchema, CreateIdentityBodySchema } from "../src/identity/payloads.js";
import { toJsonInput } from "../src/json/json-input.js";

/** Values a member of a create body may plausibly hold, valid and not. */
const anyValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom("", "active", "inactive", "email", "sms", "eu", "nope", "x".repeat(17)),
  fc.constantFrom(
    "0191d6f8-0000-7000-8000-00000000000A",
    "0191d6f8-0000-7000-8000-00000000000",
    "2024-01-01T00:00:00Z",
  ),
  fc.string(),
  fc.integer(),
  fc.constant({}),
  fc.constant([]),
);

const member = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof(arb, anyValue), { nil: undefined });

const passwordConfig = fc.record(
  {
    password: member(fc.string()),
    hashed_password: member(fc.constantFrom("$2a$10$abc", "")),
    use_password_migration_hook: member(fc.boolean()),
    extra: member(fc.string()),
  },
  { requiredKeys: [] },
);

const credentials = fc.oneof(
  fc.record(
    { password: fc.oneof(fc.record({ config: fc.oneof(passwordConfig, anyValue) }), anyValue) },
    { requiredKeys: [] },
  ),
  fc.record({ oidc: anyValue, password: fc.constant(null) }, { requiredKeys: [] }),
  anyValue,
);

const address = (verifiable: boolean): fc.Arbitrary<Record<string, unknown>> =>
  fc.record<Record<string, unknown>>(
    {
      id: member(fc.string()),
      value: member(fc.emailAddress()),
      via: member(fc.constantFrom("email", "sms", "")),
      created_at: member(fc.string()),
      updated_at: member(fc.string()),
      ...(verifiable
        ? {
            verified: member(fc.boolean()),
            status: member(fc.constantFrom("pending", "completed", "sent")),
            verified_at: member(fc.constantFrom("2024-01-01T00:00:00Z")),
          }
        : { break_glass_for_organization: member(fc.string()) }),
    },
    { requiredKeys: [] },
  );

/** Bodies of the common shape, with nulls here and there. */
const common = fc.record(
  {
    schema_id: fc.option(fc.constantFrom("default", ""), { nil: undefined }),
    traits: fc.record({ email: fc.emailAddress() }),
    credentials: fc.option(
      fc.record({
        password: fc.record({ config: fc.record({ hashed_password: fc.constantFrom("$2a$10$abc") }) }),
      }),
      { nil: undefined },
    ),
    verifiable_addresses: fc.option(fc.array(address(true), { maxLength: 2 }), { nil: undefined }),
    recovery_addresses: fc.option(fc.array(address(false), { maxLength: 2 }), { nil: undefined }),
    metadata_public: fc.option(fc.jsonValue(), { nil: undefined }),
    state: fc.option(fc.constantFrom("active", "inactive", "", null), { nil: undefined }),
    external_id: fc.option(fc.oneof(fc.string(), fc.constant(null)), { nil: undefined }),
  },
  { requiredKeys: ["traits"] },
);

const body = fc.oneof(
  { arbitrary: common, weight: 3 },
  fc.record(
    {
      id: member(fc.uuid()),
      schema_id: member(fc.constantFrom("default", "preset://email")),
      traits: member(fc.oneof(fc.record({ email: fc.emailAddress() }), fc.jsonValue())),
      credentials: member(credentials),
      verifiable_addresses: member(fc.array(fc.oneof(address(true), anyValue), { maxLength: 3 })),
      recovery_addresses: member(fc.array(fc.oneof(address(false), anyValue), { maxLength: 3 })),
      metadata_public: member(fc.jsonValue()),
      metadata_admin: member(fc.jsonValue()),
      state: member(fc.constantFrom("active", "inactive", "")),
      organization_id: member(fc.uuid()),
      external_id: member(fc.string()),
      region: member(fc.constantFrom("eu", "", "us-east", "mars")),
      unknown: fc.option(anyValue, { nil: undefined }),
      __proto__: fc.option(anyValue, { nil: undefined }),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

/** Drops members whose value is undefined (the schema may write `state: undefined` for `""`). */
const defined = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));

describe("readCommonCreateBody (the create body's fast path)", () => {
  it("returns exactly what the schema returns, or defers to it", () => {
    let fast = 0;
    fc.assert(
      fc.property(body, (input) => {
        let data: ReturnType<typeof toJsonInput>;
        try {
          data = toJsonInput(input);
        } catch {
          return; // not JSON: refused before either parser runs
        }
        const read = readCommonCreateBody(data);
        if (read === undefined) return;
        fast++;
        const parsed = CreateIdentityBodySchema().safeParse(data);
        expect(parsed.success).toBe(true);
        expect(defined(read)).toStrictEqual(defined(parsed.data));
      }),
      { numRuns: 5000 },
    );
    expect(fast).toBeGreaterThan(200); // the property is not vacuous
  });

  it("reads the common import body", () => {
    const data = toJsonInput({
      schema_id: "default",
      traits: { email: "a@example.org" },
      credentials: { password: { config: { hashed_password: "$2a$10$x" } } },
      verifiable_addresses: [{ value: "a@example.org", verified: true, via: "email" }],
      recovery_addresses: [{ value: "a@example.org", via: "email" }],
      metadata_public: null,
      state: "",
      external_id: null,
    });
    expect(readCommonCreateBody(data)).toStrictEqual(
      defined(CreateIdentityBodySchema().parse(data)) as Record<string, unknown>,
    );
  });

  it("defers what it does not read to the schema", () => {
    for (const input of [
      { traits: null },
      { credentials: { oidc: { config: { providers: [] } } } },
      { verifiable_addresses: [{ value: "a@b.c", verified_at: "2024-01-01T00:00:00Z" }] },
      { credentials: { password: { config: null } } },
      { credentials: { password: {} } },
      { unknown: 1 },
      [],
    ]) {
      expect(readCommonCreateBody(toJsonInput(input))).toBeUndefined();
    }
  });
});

describe("readCommonBatchBody (the batch envelope's fast path)", () => {
  it("returns exactly what the schema returns, or defers to it", () => {
    const entry = fc.oneof(
      fc.record(
        {
          create: fc.option(fc.oneof(fc.constant(null), fc.record({ traits: fc.object() })), {
            nil: undefined,
          }),
          patch_id: fc.option(fc.oneof(fc.uuid(), fc.constant(null), fc.string()), { nil: undefined }),
          other: fc.option(fc.anything(), { nil: undefined }),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    let fast = 0;
    fc.assert(
      fc.property(
        fc.oneof(fc.record({ identities: fc.array(entry, { maxLength: 4 }) }), fc.anything()),
        (input) => {
          let data: unknown;
          try {
            data = toJsonInput(input, { opaque: ["/identities/*/create"] });
          } catch {
            return;
          }
          const read = readCommonBatchBody(data);
          if (read === undefined) return;
          fast++;
          const parsed = BatchPatchBodySchema().safeParse(data);
          expect(parsed.success).toBe(true);
          expect(defined(read)).toStrictEqual(defined(parsed.data));
          // `create` is handed on as the very value the caller gave (copied later, entry by entry).
          read.identities.forEach((e, i) => {
            expect(e.create).toBe(parsed.data?.identities[i]?.create ?? undefined);
          });
        },
      ),
      { numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(100);
  });
});
