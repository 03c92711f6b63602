import { afterEach, describe, expect, it, vi } from "vitest";
import { isIdentityError } from "../../errors/index.js";

// Each test gets fresh module instances so the module-level list starts unloaded.
afterEach(() => {
  vi.doUnmock("@zxcvbn-ts/language-common");
  vi.resetModules();
});

describe("loading the offline list", () => {
  it("does not load the list at import time, only on the first check, and then once", async () => {
    vi.resetModules();
    const factory = vi.fn(() => ({ dictionary: { "passwords-common": ["hunter22", "letmein1"] } }));
    vi.doMock("@zxcvbn-ts/language-common", factory);
    const { createPasswordPolicy } = await import("./index.js");
    const policy = createPasswordPolicy();
    expect(factory).not.toHaveBeenCalled();

    // A length failure stops before the list is needed.
    await expect(policy.check("short", [])).rejects.toThrow();
    expect(factory).not.toHaveBeenCalled();

    await expect(policy.check("HUNTER22", [])).rejects.toMatchObject({ issues: [{ code: "breached" }] });
    await expect(policy.check("letmein1", [])).rejects.toMatchObject({ issues: [{ code: "breached" }] });
    await expect(policy.check("password", [])).resolves.toBeUndefined(); // not on this fake list
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it("turns a failed load into invalid_configuration and retries on the next check", async () => {
    vi.resetModules();
    let fail = true;
    vi.doMock("@zxcvbn-ts/language-common", () => {
      if (fail) throw new Error("corrupt package");
      return { dictionary: { "passwords-common": ["hunter22"] } };
    });
    const { createPasswordPolicy } = await import("./index.js");
    const policy = createPasswordPolicy();
    const error = await policy.check("hunter22", []).catch((e: unknown) => e);
    expect(isIdentityError(error, "invalid_configuration")).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(Error);

    fail = false;
    vi.resetModules();
    // The module instance still holds no cached failure: the same policy retries.
    await expect(policy.check("hunter22", [])).rejects.toMatchObject({ issues: [{ code: "breached" }] });
  });

  it("rejects a package without the expected dictionary", async () => {
    vi.resetModules();
    vi.doMock("@zxcvbn-ts/language-common", () => ({ dictionary: {} }));
    const { createPasswordPolicy } = await import("./index.js");
    const error = await createPasswordPolicy()
      .check("hunter22", [])
      .catch((e: unknown) => e);
    expect(isIdentityError(error, "invalid_configuration")).toBe(true);
  });
});
