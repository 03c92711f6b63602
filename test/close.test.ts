import { describe, expect, it } from "vitest";
import { IdentityManager, isIdentityError, MemoryStorage } from "../src/index.js";

/** A MemoryStorage that counts `init` and `close` calls, optionally failing `close`. */
class CountingStorage extends MemoryStorage {
  inits = 0;
  closes = 0;
  constructor(private readonly failClose = false) {
    super();
  }
  async init(): Promise<void> {
    this.inits++;
  }
  async close(): Promise<void> {
    this.closes++;
    if (this.failClose) throw new Error("driver secret: connection reset");
  }
}

const body = { schema_id: "preset://email", traits: { email: "close@example.org" } };

describe("IdentityManager.close", () => {
  it("calls the adapter's close once, however often it is called", async () => {
    const storage = new CountingStorage();
    const idm = new IdentityManager({ storage });
    await idm.createIdentity(body);
    await Promise.all([idm.close(), idm.close()]);
    await idm.close();
    expect(storage.closes).toBe(1);
    expect(storage.inits).toBe(1);
  });

  it("rejects storage calls afterwards with storage_error, writing nothing", async () => {
    const storage = new CountingStorage();
    const idm = new IdentityManager({ storage });
    await idm.close();
    for (const call of [
      () => idm.createIdentity(body),
      () => idm.listIdentities(),
      () => idm.getIdentity("0190a5c4-6b1c-7d3e-8f00-000000000001"),
    ]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isIdentityError(error, "storage_error"), String(error)).toBe(true);
    }
    expect(storage.inits).toBe(0);
    expect(await storage.listIdentities({ limit: 10 })).toHaveLength(0);
  });

  it("works when the adapter has no close, and wraps a failing close without its text", async () => {
    await expect(new IdentityManager().close()).resolves.toBeUndefined();
    const idm = new IdentityManager({ storage: new CountingStorage(true) });
    const error = await idm.close().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isIdentityError(error, "storage_error")).toBe(true);
    expect(JSON.stringify(error)).not.toContain("driver secret");
    await expect(idm.close()).rejects.toBe(error);
  });
});
