import { describe, expectTypeOf, it } from "vitest";
import {
  type BatchPatchBody,
  type CreateIdentityBody,
  type Identity,
  IdentityManager,
  type IdentityManagerHooks,
  type JsonObject,
  type ListIdentitiesOptions,
  type TraitsFromSchema,
  type TraitsFromSchemas,
  type UpdateIdentityBody,
} from "../src/index.js";

const personSchema = {
  $id: "https://example.org/person.schema.json",
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: {
    traits: {
      type: "object",
      properties: {
        email: {
          type: "string",
          format: "email",
          "ory.sh/kratos": { credentials: { password: { identifier: true } } },
        },
        name: { type: "object", properties: { first: { type: "string" }, last: { type: "string" } } },
        age: { type: "integer", minimum: 0 },
      },
      required: ["email"],
      additionalProperties: false,
    },
  },
} as const;

const companySchema = {
  type: "object",
  properties: {
    traits: {
      type: "object",
      properties: { vat: { type: "string" } },
      required: ["vat"],
      additionalProperties: false,
    },
  },
} as const;

type Person = TraitsFromSchema<typeof personSchema>;
type Company = TraitsFromSchema<typeof companySchema>;

interface PersonInterface {
  email: string;
  nickname?: string;
}

describe("traits typed both ways (issue #11, item 1)", () => {
  it("create, update, batch and import bodies are typed by Traits", async () => {
    const idm = new IdentityManager<{ email: string }>();
    expectTypeOf(idm.createIdentity({ traits: { email: "a@example.org" } })).resolves.toEqualTypeOf<
      Identity<{ email: string }>
    >();
    // @ts-expect-error a misspelt trait with a wrong type
    await idm.createIdentity({ traits: { emial: 42 } });
    // @ts-expect-error a trait of the wrong type
    await idm.createIdentity({ traits: { email: 42 } });
    // @ts-expect-error a missing required trait
    await idm.createIdentity({ traits: {} });
    // @ts-expect-error an unknown trait next to a known one (excess property)
    await idm.createIdentity({ traits: { email: "a@example.org", emial: "x" } });
    // @ts-expect-error traits: null is refused by the schema, and by the type
    await idm.createIdentity({ traits: null });
    // @ts-expect-error typed on PUT too
    await idm.updateIdentity("id", { traits: { email: 1 } });
    await idm.updateIdentity("id", { traits: { email: "b@example.org" }, state: "inactive" });
    await idm.batchPatchIdentities({ identities: [{ create: { traits: { email: "c@example.org" } } }] });
    // @ts-expect-error typed in batch entries
    await idm.batchPatchIdentities({ identities: [{ create: { traits: { emial: "c@example.org" } } }] });
    await idm.importIdentities([{ traits: { email: "d@example.org" } }]);
    // @ts-expect-error typed in imported items
    await idm.importIdentities([{ traits: { email: false } }]);
    expectTypeOf<CreateIdentityBody<{ email: string }>["traits"]>().toEqualTypeOf<
      { email: string } | undefined
    >();
    expectTypeOf<UpdateIdentityBody<{ email: string }>["traits"]>().toEqualTypeOf<
      { email: string } | undefined
    >();
  });

  it("interfaces are accepted (no index signature needed)", async () => {
    const idm = new IdentityManager<PersonInterface>();
    const traits: PersonInterface = { email: "a@example.org" };
    const created = await idm.createIdentity({ schema_id: "default", traits });
    expectTypeOf(created.traits).toEqualTypeOf<PersonInterface>();
    await idm.updateIdentity(created.id, { traits: { ...created.traits, nickname: "ada" } });
    // @ts-expect-error nickname is a string
    await idm.createIdentity({ traits: { email: "a@example.org", nickname: 1 } });
    // An interface's value also goes into an untyped manager's body.
    await new IdentityManager().createIdentity({ traits });
  });

  it("the GET → PUT round trip type-checks", async () => {
    const idm = new IdentityManager<PersonInterface>();
    const fetched = await idm.getIdentity("id", { includeCredentials: ["password"] });
    expectTypeOf(idm.updateIdentity("id", fetched)).resolves.toEqualTypeOf<Identity<PersonInterface>>();
    const loose = new IdentityManager();
    await loose.updateIdentity("id", await loose.getIdentity("id"));
    const inferred = new IdentityManager({ schemas: { person: personSchema } });
    await inferred.updateIdentity("id", await inferred.getIdentity("id"));
  });

  it("the untyped default keeps today's loose bodies", async () => {
    const idm = new IdentityManager();
    expectTypeOf(idm).toEqualTypeOf<IdentityManager<JsonObject>>();
    const record: Record<string, unknown> = { email: "a@example.org" };
    await idm.createIdentity({ traits: record });
    await idm.createIdentity({ traits: "not an object: the schema refuses it at run time" });
    expectTypeOf<CreateIdentityBody["traits"]>().toEqualTypeOf<unknown>();
    expectTypeOf<BatchPatchBody>().toEqualTypeOf<BatchPatchBody<JsonObject>>();
    await new IdentityManager<Record<string, unknown>>().createIdentity({ traits: 42 });
  });

  it("a typed manager is usable where a manager of unknown is expected (covariant)", () => {
    const takesAny = (_idm: IdentityManager<unknown>): void => {};
    takesAny(new IdentityManager<{ email: string }>());
    takesAny(new IdentityManager({ schemas: { person: personSchema } }));
    takesAny(new IdentityManager<Record<string, unknown>>());
  });
});

describe("Traits inferred from as-const schemas", () => {
  it("FromSchema of properties.traits", () => {
    expectTypeOf<Person>().toEqualTypeOf<{
      email: string;
      name?: { first?: string; last?: string; [x: string]: unknown };
      age?: number;
    }>();
  });

  it("new IdentityManager({ schemas }) types identity.traits without an interface", async () => {
    const idm = new IdentityManager({ schemas: { person: personSchema } });
    const identity = await idm.createIdentity({
      schema_id: "person",
      traits: { email: "a@example.org", age: 3 },
    });
    expectTypeOf(identity.traits).toEqualTypeOf<Person>();
    expectTypeOf(identity.traits.email).toEqualTypeOf<string>();
    // @ts-expect-error additionalProperties: false — unknown trait keys do not compile
    await idm.createIdentity({ schema_id: "person", traits: { email: "a@example.org", nickname: "x" } });
    // @ts-expect-error age is an integer
    await idm.createIdentity({ schema_id: "person", traits: { email: "a@example.org", age: "3" } });
    // @ts-expect-error email is required
    await idm.createIdentity({ schema_id: "person", traits: { age: 3 } });
  });

  it("several schemas give the union; explicit Traits wins; untyped schemas keep the default", async () => {
    const both = new IdentityManager({ schemas: { person: personSchema, company: companySchema } });
    expectTypeOf(both).toEqualTypeOf<IdentityManager<Person | Company>>();
    await both.createIdentity({ schema_id: "company", traits: { vat: "DE1" } });
    expectTypeOf<TraitsFromSchemas<{ a: typeof personSchema; b: typeof companySchema }>>().toEqualTypeOf<
      Person | Company
    >();

    const explicit = new IdentityManager<PersonInterface>({ schemas: { person: personSchema } });
    expectTypeOf(explicit).toEqualTypeOf<IdentityManager<PersonInterface>>();

    const untyped: Record<string, unknown> = { type: "object", properties: { traits: { type: "object" } } };
    const loose = new IdentityManager({ schemas: { person: untyped } });
    expectTypeOf(loose).toEqualTypeOf<IdentityManager<JsonObject>>();
    const none = new IdentityManager({ publicUrl: "https://id.example.org" });
    expectTypeOf(none).toEqualTypeOf<IdentityManager<JsonObject>>();
    const record = new IdentityManager({ schemas: {} as Record<string, Record<string, unknown>> });
    expectTypeOf(record).toEqualTypeOf<IdentityManager<JsonObject>>();
  });

  it("hooks are typed by the inferred Traits, and by an explicit one", () => {
    new IdentityManager({
      schemas: { person: personSchema },
      hooks: {
        afterCreate(identity) {
          expectTypeOf(identity.traits).toEqualTypeOf<Person>();
          // @ts-expect-error the inferred traits have no nickname
          void identity.traits.nickname;
        },
        beforeUpdate(candidate, { previous }) {
          expectTypeOf(candidate.traits).toEqualTypeOf<Person>();
          expectTypeOf(previous.traits).toEqualTypeOf<Person>();
          return { traits: { ...candidate.traits, age: 1 } };
        },
      },
    });
    const refusing: IdentityManagerHooks<Person> = {
      // @ts-expect-error a before-hook's changed traits are checked against Traits
      beforeCreate: () => ({ traits: { email: 1 } }),
    };
    void refusing;
    new IdentityManager<PersonInterface>({
      hooks: {
        afterDelete(identity) {
          expectTypeOf(identity.traits).toEqualTypeOf<PersonInterface>();
        },
      },
    });
  });

  it("the class stays a class: instanceof and extends work", () => {
    class MyManager extends IdentityManager<PersonInterface> {}
    const mine = new MyManager();
    expectTypeOf(mine.createIdentity).parameter(0).toHaveProperty("traits");
    expectTypeOf(mine instanceof IdentityManager).toBeBoolean();
  });
});

describe("exactOptionalPropertyTypes (issue #11, item 7)", () => {
  it("{ pageToken: page.nextPageToken } compiles where nextPageToken may be undefined", async () => {
    const idm = new IdentityManager();
    const page = await idm.listIdentities({ pageSize: 10 });
    const next = await idm.listIdentities({ pageSize: 10, pageToken: page.nextPageToken });
    expectTypeOf(next.nextPageToken).toEqualTypeOf<string | undefined>();
    const options: ListIdentitiesOptions = { pageToken: undefined };
    expectTypeOf(options.pageToken).toEqualTypeOf<string | undefined>();
  });
});
