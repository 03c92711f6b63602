// The security review of API keys (F1–F9): each fix pinned by a test that failed before it. Fake clocks, counting
// adapters and hand-made interleavings only: no timers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type IdentityManager, type IdentityManagerOptions, MemoryStorage } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse("2030-01-01T00:00:00.000Z")) {
  let now = start;
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function setup(options: IdentityManagerOptions = {}) {
  const storage = (options.storage as MemoryStorage | undefined) ?? new MemoryStorage();
  const clock = fakeClock();
  const idm = manager({ storage, now: clock.now, ...options }) as unknown as IdentityManager;
  const account = await idm.createIdentity({
    schema_id: "preset://machine",
    traits: { name: "nightly-reports", owner: "platform-team" },
  });
  return { storage, clock, idm, account };
}

describe("F7: durations", () => {
  it("a positive grace under 1 ms (it would floor to 0) is refused, 0 and whole milliseconds are not", async () => {
    const { idm, account } = await setup();
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 1n, max: 999_999n }), async (ns) => {
        const { api_key } = await idm.createApiKey({ identity_id: account.id, name: "k" });
        const e = await rejection(idm.rotateApiKey(api_key.id, { grace: `${ns}ns` }));
        expect(e.toJSON().error.details).toMatchObject({
          issues: [{ pointer: "/grace", code: "not_future" }],
        });
        await idm.revokeApiKey(api_key.id);
      }),
      { numRuns: 30 },
    );
  });

  it("duration strings over 64 characters are refused before parsing, in API keys and recovery alike", async () => {
    const { idm, account } = await setup();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 63, max: 5000 }), async (zeros) => {
        const long = `${"0".repeat(zeros)}1h`; // a valid Go duration, just long
        const body = { identity_id: account.id, name: "k", expires_in: long };
        const e = await rejection(idm.createApiKey(body));
        expect(e.toJSON().error.details).toMatchObject({ issues: [{ pointer: "/expires_in" }] });
        const r = await rejection(idm.createRecoveryLink({ identity_id: account.id, expires_in: long }));
        expect(r.code).toBe("validation_failed");
      }),
      { numRuns: 20 },
    );
    expect((await idm.listApiKeys(account.id)).length).toBe(0);
  });
});
