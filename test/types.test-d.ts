import { describe, expectTypeOf, it } from "vitest";
import { type Identity, type IdentityErrorCode, IdentityManager, isIdentityError } from "../src/index.js";

describe("public types", () => {
  it("IdentityManager is generic over traits", () => {
    const idm = new IdentityManager<{ email: string; name?: { first: string } }>();
    expectTypeOf(idm.createIdentity({ traits: { email: "a@b.c" } })).resolves.toEqualTypeOf<
      Identity<{ email: string; name?: { first: string } }>
    >();
    expectTypeOf<Identity<{ email: string }>["traits"]["email"]>().toEqualTypeOf<string>();
    expectTypeOf(idm.listIdentities()).resolves.toHaveProperty("nextPageToken");
  });

  it("isIdentityError narrows and only accepts known codes", () => {
    const e: unknown = new Error("x");
    if (isIdentityError(e, "identity_conflict")) {
      expectTypeOf(e.code).toEqualTypeOf<IdentityErrorCode>();
      expectTypeOf(e.status).toBeNumber();
    }
    // @ts-expect-error not a code
    isIdentityError(e, "no_such_code");
  });

  it("a fetched identity can be sent back with updateIdentity (the documented GET → PUT round trip)", async () => {
    const idm = new IdentityManager<{ email: string }>();
    const fetched = await idm.getIdentity("id", { includeCredentials: ["password"] });
    expectTypeOf(idm.updateIdentity("id", fetched)).resolves.toEqualTypeOf<Identity<{ email: string }>>();
    expectTypeOf<import("../src/index.js").ListIdentitiesResult>().toHaveProperty("identities");
  });
});
