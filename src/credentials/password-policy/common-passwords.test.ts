import { describe, expect, it } from "vitest";
import { isCommonPassword, loadCommonPasswords, preloadCommonPasswords } from "./common-passwords.js";

describe("offline common-password list", () => {
  it("loads zxcvbn-ts's passwords-common list once and shares it", async () => {
    const first = await loadCommonPasswords();
    expect(first.size).toBeGreaterThan(40_000);
    expect(first.has("password")).toBe(true);
    expect(await loadCommonPasswords()).toBe(first);
    await expect(preloadCommonPasswords()).resolves.toBeUndefined();
  });

  it("matches exactly and lower-cased", async () => {
    await expect(isCommonPassword("password")).resolves.toBe(true);
    await expect(isCommonPassword("PASSWORD")).resolves.toBe(true);
    await expect(isCommonPassword("Qwerty")).resolves.toBe(true);
    await expect(isCommonPassword("correct horse battery staple")).resolves.toBe(false);
    await expect(isCommonPassword("")).resolves.toBe(false);
  });
});
