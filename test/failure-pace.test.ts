// The pace a failed login is brought to (issue 7, item 4): learnt from unknown identifiers, applied to failures
// against known identities that ended sooner. A fake clock makes it deterministic: no timed test.
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { type AuthenticateDeps, authenticatePassword } from "../src/credentials/authenticate-password.js";
import { FailurePace } from "../src/credentials/failure-pace.js";
import { createPasswordHasher, type StoredIdentity } from "../src/index.js";

function fakeClock() {
  const clock = { now: 0, slept: [] as number[] };
  const pace = new FailurePace(
    () => clock.now,
    async (ms) => {
      clock.slept.push(ms);
      clock.now += ms;
    },
  );
  return { clock, pace };
}

describe("FailurePace", () => {
  it("learns nothing from fewer than five failures, then waits out the rest of their median", async () => {
    const { clock, pace } = fakeClock();
    for (const ms of [10, 30, 20, 50]) {
      const t = pace.start();
      clock.now += ms;
      pace.record(t);
    }
    expect(pace.typical()).toBeUndefined();
    await pace.padTo(clock.now);
    expect(clock.slept).toEqual([]);
    const t = pace.start();
    clock.now += 40;
    pace.record(t);
    expect(pace.typical()).toBe(30);
    const started = clock.now;
    clock.now += 4; // a cheap failure took 4 ms
    await pace.padTo(started);
    expect(clock.slept).toEqual([26]);
    expect(clock.now - started).toBe(30);
  });

  it("never shortens a failure that already took as long", async () => {
    const { clock, pace } = fakeClock();
    for (let i = 0; i < 5; i++) {
      const t = pace.start();
      clock.now += 20;
      pace.record(t);
    }
    const started = clock.now;
    clock.now += 25;
    await pace.padTo(started);
    expect(clock.slept).toEqual([]);
  });

  it("property: after padTo, a failure lasted at least the median of the last 64 recorded ones", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(1000), { minLength: 5, maxLength: 200 }),
        fc.nat(1000),
        async (samples, own) => {
          const { clock, pace } = fakeClock();
          for (const ms of samples) {
            const t = pace.start();
            clock.now += ms;
            pace.record(t);
          }
          const window = samples.slice(-64).sort((a, b) => a - b);
          const median = window[Math.floor(window.length / 2)] as number;
          const started = clock.now;
          clock.now += own;
          await pace.padTo(started);
          expect(clock.now - started).toBeGreaterThanOrEqual(Math.min(median, Math.max(own, median - 1)));
          expect(clock.now - started).toBeLessThanOrEqual(Math.max(own, median));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("login uses the pace", () => {
  const MD5_OF_TEST = "$md5$CY9rzUYh03PK3k6DJie09g=="; // MD5("test"), RFC 1321's algorithm, computed with `md5sum`
  const identity = {
    id: "0190f0f0-0000-7000-8000-000000000001",
    state: "active",
    credentials: { password: { config: { hashed_password: MD5_OF_TEST } } },
  } as unknown as StoredIdentity;

  const verified: string[] = [];
  function deps(pace: FailurePace, found: StoredIdentity | undefined): AuthenticateDeps {
    const real = createPasswordHasher({ argon2: { memoryCost: 1024 } });
    const hasher = {
      ...real,
      verify: (p: string, h: string) => {
        verified.push(h);
        return real.verify(p, h);
      },
    };
    const dummy = real.hash("nobody knows this");
    return {
      hasher,
      findByIdentifier: async () => found,
      dummyHash: () => dummy,
      migrationHook: undefined,
      onRehashError: undefined,
      storeHash: async (i) => i,
      pace,
    };
  }

  it("unknown identifiers set the pace; a wrong password against a known one waits for it; a right one does not", async () => {
    const { clock, pace } = fakeClock();
    const record = vi.spyOn(pace, "record");
    for (let i = 0; i < 5; i++) {
      const t = pace.start();
      clock.now += 50; // five earlier unknown-identifier failures took 50 ms each
      pace.record(t);
    }
    record.mockClear();
    await expect(
      authenticatePassword(deps(pace, undefined), "nobody@example.org", "x"),
    ).rejects.toMatchObject({
      code: "invalid_credentials",
    });
    expect(record).toHaveBeenCalledTimes(1);
    expect(clock.slept).toEqual([]); // the unknown path is never paced: it is the pace
    await expect(
      authenticatePassword(deps(pace, identity), "md5@example.org", "wrong"),
    ).rejects.toMatchObject({
      code: "invalid_credentials",
    });
    expect(clock.slept).toEqual([50]); // the fake clock stood still: the whole median is waited out
    expect(record).toHaveBeenCalledTimes(1); // known identities do not teach the pace
    await authenticatePassword(deps(pace, identity), "md5@example.org", "test");
    expect(clock.slept).toEqual([50]);
  });

  it("once the pace is learnt, a mid-cost hash (md5-crypt) is not padded with a scaled-down dummy but waited", async () => {
    const { clock, pace } = fakeClock();
    for (let i = 0; i < 5; i++) {
      const t = pace.start();
      clock.now += 40;
      pace.record(t);
    }
    // md5-crypt, Kratos's vector (hash/hasher_test.go, test/fixtures/kratos-hash-vectors.json).
    const md5crypt = "$md5-crypt$TVEiiKNb$SN6/pUaRQS/E8Jh46As2C/";
    const user = { ...identity, credentials: { password: { config: { hashed_password: md5crypt } } } };
    verified.length = 0;
    await expect(
      authenticatePassword(deps(pace, user as unknown as StoredIdentity), "a@example.org", "wrong"),
    ).rejects.toMatchObject({ code: "invalid_credentials" });
    expect(verified).toEqual([md5crypt]);
    expect(clock.slept).toEqual([40]);
  });
});
