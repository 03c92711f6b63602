// bearerAuthorizer (idkit/http) and the example server's ADMIN_TOKEN fail closed: an unset or empty token never
// means "no auth", and `Bearer undefined` is refused (adversarial review of issue 10).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { start } from "../examples/admin-server/server.js";
import { bearerAuthorizer } from "../src/http/index.js";
import { isIdentityError } from "../src/index.js";

const TOKEN = "a-long-enough-admin-token";
const request = (authorization?: string) =>
  new Request("http://x/admin/identities", authorization === undefined ? {} : { headers: { authorization } });

describe("bearerAuthorizer", () => {
  it("admits exactly `Bearer <token>`", () => {
    const authorize = bearerAuthorizer(TOKEN);
    expect(authorize(request(`Bearer ${TOKEN}`))).toBe(true);
    expect(authorize(request(`bearer ${TOKEN}`))).toBe(true);
    for (const bad of [
      undefined,
      "",
      "Bearer",
      "Bearer undefined",
      `Bearer ${TOKEN}x`,
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN} extra`,
    ]) {
      expect(authorize(request(bad)), String(bad)).toBe(false);
    }
  });

  it("refuses to be built from an unset, empty, short or non-string token (never `Bearer undefined`)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string({ maxLength: 15 })), (token) => {
        if (typeof token === "string" && /^[\x21-\x7e]{16,4096}$/.test(token)) return;
        try {
          bearerAuthorizer(token);
          expect.unreachable("accepted");
        } catch (e) {
          expect(isIdentityError(e, "invalid_configuration")).toBe(true);
        }
      }),
    );
    expect(() => bearerAuthorizer(process.env.IDKIT_SURELY_UNSET)).toThrow(
      expect.objectContaining({ code: "invalid_configuration" }),
    );
  });

  it("the example server refuses to start with ADMIN_TOKEN set but empty", async () => {
    await expect(start({ port: 0, adminToken: "" })).rejects.toMatchObject({ code: "invalid_configuration" });
  });
});
