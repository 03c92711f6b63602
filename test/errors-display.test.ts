import { describe, expect, it } from "vitest";
import { IdentityError, StorageError, ValidationError } from "../src/index.js";

// What a log line shows of an error (issue #11, tried by a newcomer: `String(e)` and the stack said only
// "Invalid configuration"): the code and the specific reason, while the envelope keeps Kratos's fields.
describe("IdentityError in logs", () => {
  it("String(e) and the stack's first line carry the code and the reason", () => {
    const e = new IdentityError("invalid_configuration", { reason: "Unknown option `foo`." });
    expect(String(e)).toBe(
      "IdentityError [invalid_configuration]: Invalid configuration — Unknown option `foo`.",
    );
    expect(e.stack?.split("\n")[0]).toBe(String(e));
    expect(e.stack?.split("\n")[1]).toMatch(/^\s+at /);
  });

  it("without a reason: the code and the message", () => {
    const e = new IdentityError("identity_not_found");
    expect(String(e)).toBe(`IdentityError [identity_not_found]: ${e.message}`);
  });

  it("subclasses name themselves; the envelope and message are unchanged", () => {
    const v = new ValidationError([{ pointer: "/traits/email", code: "format", message: "bad" }]);
    expect(String(v)).toMatch(/^ValidationError \[validation_failed\]: /);
    expect(v.toJSON().error.message).toBe(v.message);
    expect(v.message).not.toContain("—");
    const s = new StorageError({ reason: "x" });
    expect(String(s).startsWith(`${s.name} [storage_error]: `)).toBe(true);
  });

  it("the class keeps its name (Node's inspector prints the constructor's)", () => {
    expect(IdentityError.name).toBe("IdentityError");
  });
});
