import { afterEach, describe, expect, it, vi } from "vitest";

// Count how many native argon2 computations overlap, with a controllable duration.
const probe = vi.hoisted(() => ({ active: 0, peak: 0 }));
vi.mock("@node-rs/argon2", async (importOriginal) => {
  const original = await importOriginal<typeof import("@node-rs/argon2")>();
  return {
    ...original,
    hashRaw: async (...args: Parameters<typeof original.hashRaw>) => {
      probe.peak = Math.max(probe.peak, ++probe.active);
      try {
        await new Promise((r) => setTimeout(r, 5));
        return await original.hashRaw(...args);
      } finally {
        probe.active--;
      }
    },
  };
});

const { createPasswordHasher } = await import("./password-hasher.js");

afterEach(() => {
  probe.peak = 0;
});

describe("PasswordHasher concurrency limit", () => {
  it.each([1, 2, 5])("runs at most %i argon2 operations at once and completes a burst", async (n) => {
    const hasher = createPasswordHasher({ concurrency: n, argon2: { memoryCost: 64 } });
    const hashes = await Promise.all(Array.from({ length: 12 }, (_, i) => hasher.hash(`pw${i}`)));
    expect(probe.peak).toBe(n);
    probe.peak = 0;
    const verified = await Promise.all(hashes.map((h, i) => hasher.verify(`pw${i}`, h)));
    expect(verified.every(Boolean)).toBe(true);
    expect(probe.peak).toBe(n);
  });

  it("gives each hasher its own limiter", async () => {
    const a = createPasswordHasher({ concurrency: 1, argon2: { memoryCost: 64 } });
    const b = createPasswordHasher({ concurrency: 1, argon2: { memoryCost: 64 } });
    await Promise.all([a.hash("x"), b.hash("y"), a.hash("z"), b.hash("w")]);
    expect(probe.peak).toBe(2);
  });
});
