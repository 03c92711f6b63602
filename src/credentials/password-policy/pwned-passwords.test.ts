import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createPasswordPolicy,
  createPwnedPasswordsChecker,
  type PwnedPasswordsCheckerOptions,
} from "./index.js";
import { parseRangeBody } from "./pwned-passwords.js";
import { expectInvalidConfiguration, expectPolicyIssue } from "./test-helpers.js";

const sha1 = (s: string) => createHash("sha1").update(s, "utf8").digest("hex").toUpperCase();

const PASSWORD = "correct horse battery staple";
const HASH = sha1(PASSWORD);
const PREFIX = HASH.slice(0, 5);
const SUFFIX = HASH.slice(5);

/** A range body as the API sends it: other suffixes around ours, padding lines with count 0, CRLF endings. */
function rangeBody(count: number | undefined, suffix = SUFFIX): string {
  const lines = [
    "0018A45C4D1DEF81644B54AB7F969B88D65:1",
    "00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2",
    "011053FD0102E94D6AE2F8B83D76FAF94F6:0",
  ];
  if (count !== undefined) lines.splice(1, 0, `${suffix}:${count}`);
  return `${lines.join("\r\n")}\r\n`;
}

type FetchArgs = [input: string | URL | Request, init?: RequestInit];

function fakeFetch(respond: (url: string) => Response | Promise<Response>) {
  return vi.fn(async (...[input]: FetchArgs) => respond(String(input)));
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("createPwnedPasswordsChecker", () => {
  it("sends only the 5-character SHA-1 prefix and returns the suffix's count", async () => {
    const fetch = fakeFetch(() => new Response(rangeBody(3861493)));
    const check = createPwnedPasswordsChecker({ fetch });
    await expect(check(PASSWORD)).resolves.toBe(3861493);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(`https://api.pwnedpasswords.com/range/${PREFIX}`);
    expect(String(url)).not.toContain(SUFFIX);
    expect(String(url)).not.toContain("horse");
    expect(new Headers(init?.headers).get("add-padding")).toBe("true");
    expect(init?.signal).toBeInstanceOf(AbortSignal);
  });

  it("returns 0 when the suffix is absent or only padding", async () => {
    await expect(
      createPwnedPasswordsChecker({ fetch: fakeFetch(() => new Response(rangeBody(undefined))) })(PASSWORD),
    ).resolves.toBe(0);
    await expect(
      createPwnedPasswordsChecker({ fetch: fakeFetch(() => new Response(rangeBody(0))) })(PASSWORD),
    ).resolves.toBe(0);
  });

  it("uses the host option", async () => {
    const fetch = fakeFetch(() => new Response(rangeBody(1)));
    await createPwnedPasswordsChecker({ fetch, host: "pwned.internal:8443" })(PASSWORD);
    expect(fetch.mock.calls[0]![0]).toBe(`https://pwned.internal:8443/range/${PREFIX}`);
  });

  it("defaults to globalThis.fetch, looked up at call time", async () => {
    const check = createPwnedPasswordsChecker();
    const fetch = fakeFetch(() => new Response(rangeBody(7)));
    vi.stubGlobal("fetch", fetch);
    await expect(check(PASSWORD)).resolves.toBe(7);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("caches results: the second call does not fetch", async () => {
    const fetch = fakeFetch(() => new Response(rangeBody(42)));
    const check = createPwnedPasswordsChecker({ fetch });
    await expect(check(PASSWORD)).resolves.toBe(42);
    await expect(check(PASSWORD)).resolves.toBe(42);
    expect(fetch).toHaveBeenCalledTimes(1);
    // A different password is a different lookup.
    await check("another long passphrase");
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("expires cached results after cacheTtlMs (1 h by default)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-01-01T00:00:00Z"));
    const fetch = fakeFetch(() => new Response(rangeBody(1)));
    const check = createPwnedPasswordsChecker({ fetch });
    await check(PASSWORD);
    vi.setSystemTime(new Date("2026-01-01T00:59:59Z"));
    await check(PASSWORD);
    expect(fetch).toHaveBeenCalledTimes(1);
    vi.setSystemTime(new Date("2026-01-01T01:00:01Z"));
    await check(PASSWORD);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("keeps at most maxCacheEntries results, evicting the oldest", async () => {
    const fetch = fakeFetch(() => new Response(rangeBody(1)));
    const check = createPwnedPasswordsChecker({ fetch, maxCacheEntries: 2 });
    await check("first passphrase");
    await check("second passphrase");
    await check("third passphrase"); // evicts "first"
    expect(fetch).toHaveBeenCalledTimes(3);
    await check("third passphrase");
    await check("second passphrase");
    expect(fetch).toHaveBeenCalledTimes(3);
    await check("first passphrase");
    expect(fetch).toHaveBeenCalledTimes(4);
  });

  it("does not cache when cacheTtlMs is 0", async () => {
    const fetch = fakeFetch(() => new Response(rangeBody(1)));
    const check = createPwnedPasswordsChecker({ fetch, cacheTtlMs: 0 });
    await check(PASSWORD);
    await check(PASSWORD);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("shares one request between concurrent lookups of a password", async () => {
    const fetch = fakeFetch(() => new Response(rangeBody(5)));
    const check = createPwnedPasswordsChecker({ fetch });
    await expect(Promise.all([check(PASSWORD), check(PASSWORD)])).resolves.toEqual([5, 5]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("rejects on network errors, non-200 answers and malformed counts, and caches none of them", async () => {
    const down = fakeFetch(() => Promise.reject(new TypeError("fetch failed")));
    const downCheck = createPwnedPasswordsChecker({ fetch: down });
    await expect(downCheck(PASSWORD)).rejects.toThrow("fetch failed");
    await expect(downCheck(PASSWORD)).rejects.toThrow("fetch failed");
    expect(down).toHaveBeenCalledTimes(2);

    const limited = fakeFetch(() => new Response("slow down", { status: 429 }));
    await expect(createPwnedPasswordsChecker({ fetch: limited })(PASSWORD)).rejects.toThrow(/HTTP 429/);

    const garbled = fakeFetch(() => new Response(`${SUFFIX}:many\n`));
    await expect(createPwnedPasswordsChecker({ fetch: garbled })(PASSWORD)).rejects.toThrow(/invalid count/);
  });
});

describe("parseRangeBody", () => {
  it("reads SUFFIX:COUNT lines", () => {
    expect(parseRangeBody(rangeBody(12), SUFFIX)).toBe(12);
    expect(parseRangeBody(rangeBody(12, SUFFIX.toLowerCase()), SUFFIX)).toBe(12);
    expect(parseRangeBody(`${SUFFIX}:1,234\n`, SUFFIX)).toBe(1234);
    expect(parseRangeBody(`${SUFFIX}\n`, SUFFIX)).toBe(1);
    expect(parseRangeBody("", SUFFIX)).toBe(0);
    expect(parseRangeBody(`${SUFFIX.slice(1)}:9\n`, SUFFIX)).toBe(0);
  });
});

describe("checker options", () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ["a host with a scheme", { host: "https://api.pwnedpasswords.com" }, /pwnedPasswords\.host/],
    ["a host with a path", { host: "api.pwnedpasswords.com/range" }, /pwnedPasswords\.host/],
    ["an empty host", { host: "" }, /pwnedPasswords\.host/],
    ["a negative TTL", { cacheTtlMs: -1 }, /pwnedPasswords\.cacheTtlMs/],
    ["a fractional cache size", { maxCacheEntries: 1.5 }, /pwnedPasswords\.maxCacheEntries/],
    ["a zero timeout", { timeoutMs: 0 }, /pwnedPasswords\.timeoutMs/],
    ["a fetch that is no function", { fetch: "curl" }, /pwnedPasswords\.fetch/],
    ["an unknown option", { hots: "x" }, /hots/],
  ];
  for (const [name, options, reason] of bad) {
    it(`rejects ${name}`, () => {
      expectInvalidConfiguration(
        () => createPwnedPasswordsChecker(options as PwnedPasswordsCheckerOptions),
        reason,
      );
    });
  }
});

describe("with the policy", () => {
  const BREACHED = "The password has been found in data breaches and must no longer be used.";

  it("rejects a breached password and accepts a clean one", async () => {
    const fetch = fakeFetch(() => new Response(rangeBody(2)));
    const policy = createPasswordPolicy({ breachedPasswordChecker: createPwnedPasswordsChecker({ fetch }) });
    const issue = await expectPolicyIssue(
      policy.check(PASSWORD, ["alice@example.com"]),
      "breached",
      BREACHED,
    );
    expect(issue.context).toEqual({ source: "breached_password_checker", breaches: 2 });
    await expect(policy.check("another long passphrase", ["alice@example.com"])).resolves.toBeUndefined();
  });

  it("allows the password when the API is down (Kratos's ignore_network_errors), or rejects it", async () => {
    const fetch = fakeFetch(() => new Response("", { status: 503 }));
    const checker = createPwnedPasswordsChecker({ fetch });
    await expect(
      createPasswordPolicy({ breachedPasswordChecker: checker }).check(PASSWORD, []),
    ).resolves.toBe(undefined);
    const strict = createPasswordPolicy({ breachedPasswordChecker: checker, ignoreCheckerErrors: false });
    const issue = await expectPolicyIssue(
      strict.check(PASSWORD, []),
      "breach_check_failed",
      "The password can not be used because it could not be checked against known data breaches.",
    );
    expect(String(issue.cause)).toMatch(/HTTP 503/);
  });
});
