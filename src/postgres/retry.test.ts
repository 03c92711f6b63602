import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isRetryable, withRetry } from "./retry.js";

const failure = (code: unknown) => Object.assign(new Error("driver text"), { code });

describe("withRetry (serialization failures and deadlocks)", () => {
  it("runs the transaction again after 40001 and 40P01, and returns its result", async () => {
    const codes = ["40001", "40P01", "40001"];
    let calls = 0;
    const result = await withRetry(
      async () => {
        const code = codes[calls++];
        if (code) throw failure(code);
        return "done";
      },
      { baseDelayMs: 0 },
    );
    expect(result).toBe("done");
    expect(calls).toBe(4);
  });

  it("re-throws any other failure at once", async () => {
    let calls = 0;
    const error = failure("23505");
    await expect(
      withRetry(async () => {
        calls++;
        throw error;
      }),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it("gives up after maxAttempts, with the last failure", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw failure("40001");
        },
        { maxAttempts: 3, baseDelayMs: 0 },
      ),
    ).rejects.toMatchObject({ code: "40001" });
    expect(calls).toBe(3);
  });

  it("isRetryable: only the two SQLSTATEs, and never throws whatever it is given", () => {
    expect(isRetryable(failure("40001"))).toBe(true);
    expect(isRetryable(failure("40P01"))).toBe(true);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    expect(isRetryable(hostile)).toBe(false);
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(typeof isRetryable(value)).toBe("boolean");
        expect(isRetryable(value)).toBe(false);
      }),
    );
  });
});
