import { describe, expectTypeOf, it } from "vitest";
import { IdentityManager, type IdentityManagerHooks } from "../src/index.js";

type Person = { email: string; name?: string };

describe("lifecycle hooks are typed by Traits", () => {
  it("types the identities and the changes", () => {
    const hooks: IdentityManagerHooks<Person> = {
      beforeCreate(candidate, { source }) {
        expectTypeOf(candidate.traits.email).toEqualTypeOf<string>();
        expectTypeOf(source).toEqualTypeOf<"create" | "batch" | "import">();
        return { traits: { email: candidate.traits.email.toLowerCase() } };
      },
      beforeUpdate(_candidate, { previous, operation }) {
        expectTypeOf(previous.traits.email).toEqualTypeOf<string>();
        expectTypeOf(operation).toEqualTypeOf<"update" | "patch">();
      },
      async afterCreate(identity) {
        expectTypeOf(identity.traits.name).toEqualTypeOf<string | undefined>();
      },
      onHookError(_error, { hook, identityId }) {
        expectTypeOf(hook).toEqualTypeOf<
          | "afterCreate"
          | "afterUpdate"
          | "afterDelete"
          | "afterCredentialChange"
          | "afterLogin"
          | "afterApiKeyAuthentication"
          | "afterRecovery"
          | "afterVerification"
        >();
        expectTypeOf(identityId).toEqualTypeOf<string>();
      },
    };
    new IdentityManager<Person>({ hooks });
  });

  it("rejects wrong changes and unknown hook names", () => {
    // @ts-expect-error a change whose traits do not match Traits
    const wrong: IdentityManagerHooks<Person> = { beforeCreate: () => ({ traits: { email: 1 } }) };
    // @ts-expect-error an unknown hook name
    const misspelt: IdentityManagerHooks<Person> = { beforeCreat() {} };
    // @ts-expect-error after-hooks return nothing useful, but a refuse-only hook cannot return changes either
    const refuseOnly: IdentityManagerHooks<Person> = { beforeDelete: () => ({ traits: { email: "x" } }) };
    expectTypeOf([wrong, misspelt, refuseOnly]).not.toBeNever();
  });
});
