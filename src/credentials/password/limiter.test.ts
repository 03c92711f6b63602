import { describe, expect, it } from "vitest";
import { createLimiter } from "./limiter.js";

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("createLimiter", () => {
  it("never runs more than n tasks at once, uses all n slots, and starts them in FIFO order", async () => {
    const limiter = createLimiter(3);
    const gates = Array.from({ length: 10 }, () => deferred());
    const started: number[] = [];
    let active = 0;
    let peak = 0;
    const results = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        peak = Math.max(peak, ++active);
        await gate.promise;
        active--;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1, 2]);
    expect(limiter.active).toBe(3);
    expect(limiter.pending).toBe(7);
    // Release out of order: the queue still starts tasks in call order.
    for (const i of [2, 0, 1, 5, 3, 4, 9, 8, 7, 6]) {
      gates[i]!.resolve();
      await tick();
    }
    await expect(Promise.all(results)).resolves.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(3);
    expect(limiter.active).toBe(0);
    expect(limiter.pending).toBe(0);
  });

  it("passes rejections and synchronous throws through and frees the slot", async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(
      limiter.run(() => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    await expect(limiter.run(async () => "next")).resolves.toBe("next");
    expect(limiter.active).toBe(0);
  });

  it("keeps working after many queued tasks (queue compaction)", async () => {
    const limiter = createLimiter(2);
    const all = Array.from({ length: 5000 }, (_, i) => limiter.run(async () => i));
    const values = await Promise.all(all);
    expect(values[4999]).toBe(4999);
    expect(limiter.pending).toBe(0);
    await expect(limiter.run(async () => "after")).resolves.toBe("after");
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses concurrency %s", (n) => {
    expect(() => createLimiter(n)).toThrow(RangeError);
  });
});
