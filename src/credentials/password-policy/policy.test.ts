import { describe, expect, it, vi } from "vitest";
import { createPasswordPolicy } from "./index.js";
import { expectPolicyIssue } from "./test-helpers.js";

const EMAIL = "alice@example.com";
const GOOD = "correct horse battery staple";
const BREACHED = "The password has been found in data breaches and must no longer be used.";
const SIMILAR = "The password can not be used because it is too similar to the identifier.";
const tooShort = (min: number, n: number) =>
  `The password must be at least ${min} characters long, but got ${n}.`;
const tooLong = (max: number, n: number) =>
  `The password must be at most ${max} characters long, but got ${n}.`;

describe("createPasswordPolicy: defaults", () => {
  const policy = createPasswordPolicy();

  it("accepts a long random phrase", async () => {
    await expect(policy.check(GOOD, [EMAIL])).resolves.toBeUndefined();
    await expect(policy.check("Tr0ub4dor&3-xylophone-quartz", [EMAIL, "alice"])).resolves.toBeUndefined();
  });

  it("rejects a 7-character password for length, with Kratos's message", async () => {
    const issue = await expectPolicyIssue(policy.check("xq7#kpz", [EMAIL]), "too_short", tooShort(8, 7));
    expect(issue.context).toEqual({ min_length: 8, actual_length: 7 });
  });

  it("accepts exactly 8 bytes", async () => {
    await expect(policy.check("xq7#kpzw", [EMAIL])).resolves.toBeUndefined();
  });

  it("rejects `password` with the breached reason (offline list)", async () => {
    const issue = await expectPolicyIssue(policy.check("password", [EMAIL]), "breached", BREACHED);
    expect(issue.context).toEqual({ source: "common_password_list" });
  });

  it("compares with the list lower-cased", async () => {
    await expectPolicyIssue(policy.check("PassWord", [EMAIL]), "breached", BREACHED);
    await expectPolicyIssue(policy.check("ILOVEYOU", [EMAIL]), "breached", BREACHED);
    await expectPolicyIssue(policy.check("12345678", [EMAIL]), "breached", BREACHED);
  });

  it("rejects the email itself for similarity, in any case", async () => {
    await expectPolicyIssue(policy.check(EMAIL, [EMAIL]), "too_similar", SIMILAR);
    await expectPolicyIssue(policy.check("ALICE@Example.COM", [EMAIL]), "too_similar", SIMILAR);
    await expectPolicyIssue(policy.check(EMAIL, ["Alice@Example.com"]), "too_similar", SIMILAR);
  });

  it("checks every identifier and skips empty ones", async () => {
    await expectPolicyIssue(
      policy.check("alice-wonder", ["", EMAIL, "alice-wonder"]),
      "too_similar",
      SIMILAR,
    );
    await expect(policy.check(GOOD, [""])).resolves.toBeUndefined();
    await expect(policy.check(GOOD, [])).resolves.toBeUndefined();
  });

  it("rejects a non-string password", async () => {
    await expectPolicyIssue(
      policy.check(12345678 as unknown as string, []),
      "invalid_type",
      "The password must be a string.",
    );
  });
});

describe("length in bytes", () => {
  const policy = createPasswordPolicy({ commonPasswordCheck: false, maxBytes: 72 });

  it("counts multi-byte characters in UTF-8 bytes", async () => {
    // 3 characters, 6 bytes: too short although... 3 characters.
    await expectPolicyIssue(policy.check("äöü", []), "too_short", tooShort(8, 6));
    // 4 characters, 8 bytes: long enough.
    await expect(policy.check("äöüß", [])).resolves.toBeUndefined();
    // One emoji is 4 bytes (2 UTF-16 units): two are enough.
    await expect(policy.check("🔑🐙", [])).resolves.toBeUndefined();
    await expectPolicyIssue(policy.check("🔑a", []), "too_short", tooShort(8, 5));
  });

  it("rejects more than maxBytes bytes", async () => {
    await expect(policy.check("x".repeat(72), [])).resolves.toBeUndefined();
    const issue = await expectPolicyIssue(policy.check("x".repeat(73), []), "too_long", tooLong(72, 73));
    expect(issue.context).toEqual({ max_length: 72, actual_length: 73 });
    await expect(policy.check("é".repeat(36), [])).resolves.toBeUndefined();
    await expectPolicyIssue(policy.check("é".repeat(37), []), "too_long", tooLong(72, 74));
  });

  it("has no upper bound by default", async () => {
    await expect(createPasswordPolicy().check("q".repeat(10_000), [EMAIL])).resolves.toBeUndefined();
  });

  it("honours a custom minLength", async () => {
    const six = createPasswordPolicy({ minLength: 6, commonPasswordCheck: false });
    await expect(six.check("xq7#kp", [])).resolves.toBeUndefined();
    await expectPolicyIssue(six.check("xq7#k", []), "too_short", tooShort(6, 5));
    const twelve = createPasswordPolicy({ minLength: 12 });
    await expectPolicyIssue(twelve.check(EMAIL.slice(0, 11), [EMAIL]), "too_short", tooShort(12, 11));
  });

  it("stops at the length rules: no similarity, list or checker work", async () => {
    const checker = vi.fn(async () => 1000);
    const p = createPasswordPolicy({ breachedPasswordChecker: checker, maxBytes: 10 });
    await expectPolicyIssue(p.check("alice", ["alice"]), "too_short", tooShort(8, 5));
    await expectPolicyIssue(p.check("password1234", ["password1234"]), "too_long", tooLong(10, 12));
    expect(checker).not.toHaveBeenCalled();
  });
});

describe("identifier similarity", () => {
  const policy = createPasswordPolicy({ commonPasswordCheck: false });

  it("rejects a Levenshtein distance below 5", async () => {
    // distance 4 from the identifier
    await expectPolicyIssue(policy.check("johnsmith1234", ["johnsmith"]), "too_similar", SIMILAR);
    await expectPolicyIssue(policy.check("j0hnsm1th", ["johnsmith"]), "too_similar", SIMILAR);
  });

  it("rejects a common substring over half of the password, allows exactly half", async () => {
    // distance 7, common substring 9 / 16
    await expectPolicyIssue(policy.check("johnsmith!x7Qz_3", ["johnsmith"]), "too_similar", SIMILAR);
    // distance 9, common substring 9 / 18 = 0.5: not more than half
    await expect(policy.check("johnsmith!x7Qz_3aa", ["johnsmith"])).resolves.toBeUndefined();
  });

  it("skips the check when the identifier or the password is over 256 bytes", async () => {
    const id256 = `${"a".repeat(244)}@example.com`;
    const id257 = `${"a".repeat(245)}@example.com`;
    expect(Buffer.byteLength(id256)).toBe(256);
    await expectPolicyIssue(policy.check(id256, [id256]), "too_similar", SIMILAR);
    await expect(policy.check(id257, [id257])).resolves.toBeUndefined();
    // The identifier short, the password over 256 bytes (and made almost entirely of it).
    await expect(policy.check(`${"bob".repeat(86)}`, ["bob".repeat(85)])).resolves.toBeUndefined();
    // Bytes, not characters: 129 × "é" is 258 bytes.
    await expect(policy.check("é".repeat(129), ["é".repeat(129)])).resolves.toBeUndefined();
    await expectPolicyIssue(policy.check("é".repeat(128), ["é".repeat(128)]), "too_similar", SIMILAR);
  });

  it("can be turned off", async () => {
    const off = createPasswordPolicy({ identifierSimilarityCheck: false, commonPasswordCheck: false });
    await expect(off.check(EMAIL, [EMAIL])).resolves.toBeUndefined();
  });

  it("runs before the list and the checker", async () => {
    const checker = vi.fn(async () => 1000);
    const p = createPasswordPolicy({ breachedPasswordChecker: checker });
    await expectPolicyIssue(p.check("password", ["password"]), "too_similar", SIMILAR);
    expect(checker).not.toHaveBeenCalled();
  });
});

describe("offline list", () => {
  it("can be turned off", async () => {
    const off = createPasswordPolicy({ commonPasswordCheck: false });
    await expect(off.check("password", [EMAIL])).resolves.toBeUndefined();
  });

  it("runs before the asynchronous checker", async () => {
    const checker = vi.fn(async () => 0);
    const p = createPasswordPolicy({ breachedPasswordChecker: checker });
    await expectPolicyIssue(p.check("password", [EMAIL]), "breached", BREACHED);
    expect(checker).not.toHaveBeenCalled();
    await p.check(GOOD, [EMAIL]);
    expect(checker).toHaveBeenCalledWith(GOOD);
  });
});

describe("breachedPasswordChecker", () => {
  it("rejects a count above maxBreaches (default 0)", async () => {
    const p = createPasswordPolicy({ breachedPasswordChecker: async () => 3 });
    const issue = await expectPolicyIssue(p.check(GOOD, [EMAIL]), "breached", BREACHED);
    expect(issue.context).toEqual({ source: "breached_password_checker", breaches: 3 });
    await expect(
      createPasswordPolicy({ breachedPasswordChecker: async () => 0 }).check(GOOD, [EMAIL]),
    ).resolves.toBeUndefined();
  });

  it("allows counts up to maxBreaches", async () => {
    let count = 5;
    const p = createPasswordPolicy({ breachedPasswordChecker: async () => count, maxBreaches: 5 });
    await expect(p.check(GOOD, [EMAIL])).resolves.toBeUndefined();
    count = 6;
    await expectPolicyIssue(p.check(GOOD, [EMAIL]), "breached", BREACHED);
  });

  it("ignores checker errors by default", async () => {
    const boom = new Error("network down");
    const p = createPasswordPolicy({ breachedPasswordChecker: () => Promise.reject(boom) });
    await expect(p.check(GOOD, [EMAIL])).resolves.toBeUndefined();
    const sync = createPasswordPolicy({
      breachedPasswordChecker: () => {
        throw boom;
      },
    });
    await expect(sync.check(GOOD, [EMAIL])).resolves.toBeUndefined();
  });

  it("rejects on checker errors when told to, keeping the cause", async () => {
    const boom = new Error("network down");
    const p = createPasswordPolicy({
      breachedPasswordChecker: () => Promise.reject(boom),
      ignoreCheckerErrors: false,
    });
    const issue = await expectPolicyIssue(
      p.check(GOOD, [EMAIL]),
      "breach_check_failed",
      "The password can not be used because it could not be checked against known data breaches.",
    );
    expect(issue.cause).toBe(boom);
  });

  it("treats a result that is not a count as a checker error", async () => {
    for (const bad of [Number.NaN, -1, Number.POSITIVE_INFINITY, "3" as unknown as number, undefined]) {
      const strict = createPasswordPolicy({
        breachedPasswordChecker: async () => bad as number,
        ignoreCheckerErrors: false,
      });
      const issue = await expectPolicyIssue(
        strict.check(GOOD, [EMAIL]),
        "breach_check_failed",
        "The password can not be used because it could not be checked against known data breaches.",
      );
      expect(issue.cause).toBeInstanceOf(TypeError);
      const lenient = createPasswordPolicy({ breachedPasswordChecker: async () => bad as number });
      await expect(lenient.check(GOOD, [EMAIL])).resolves.toBeUndefined();
    }
  });
});
