import { createHash } from "node:crypto";
import { IdentityError } from "../../errors/index.js";
import { readConfiguration } from "../../json/arguments.js";
import {
  issuesReason,
  optionalFunction,
  optionalInt,
  optionalString,
  strictObject,
} from "../../json/config-check.js";

/** Options of {@link createPwnedPasswordsChecker}. */
export interface PwnedPasswordsCheckerOptions {
  /** The fetch implementation (inject one for tests or a proxy). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Host (optionally `host:port`) of the range API, queried as `https://<host>/range/<prefix>`. @default "api.pwnedpasswords.com" */
  host?: string;
  /** How long a lookup result is reused, in ms; `0` disables the cache. @default 3600000 (1 h, as Kratos) */
  cacheTtlMs?: number;
  /** Most results kept; the oldest is evicted first; `0` disables the cache. @default 10000 */
  maxCacheEntries?: number;
  /** Abort a range request after this many ms (the failure then goes to the policy's `ignoreCheckerErrors`). @default 5000 */
  timeoutMs?: number;
}

/** Kratos's default `haveibeenpwned_host`. */
export const DEFAULT_PWNED_PASSWORDS_HOST = "api.pwnedpasswords.com";

const isHost = (host: string): boolean => {
  try {
    const url = new URL(`https://${host}`);
    return url.host === host.toLowerCase() && url.pathname === "/" && host.length > 0;
  } catch {
    return false;
  }
};

const check = strictObject({
  fetch: optionalFunction,
  host: optionalString(isHost, "must be a host name with an optional port, without scheme or path"),
  cacheTtlMs: optionalInt(0),
  maxCacheEntries: optionalInt(0, 10_000_000),
  timeoutMs: optionalInt(1, 600_000),
});

interface CacheEntry {
  count: number;
  expiresAt: number;
}

/** Parses a range response (`SUFFIX:COUNT` per line) and returns the count of `suffix`, or 0 when it is absent. */
export function parseRangeBody(body: string, suffix: string): number {
  const wanted = suffix.toUpperCase();
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    const colon = line.indexOf(":");
    const lineSuffix = (colon === -1 ? line : line.slice(0, colon)).toUpperCase();
    if (lineSuffix !== wanted) continue;
    if (colon === -1) return 1; // Kratos counts a bare suffix as one breach.
    const digits = line.slice(colon + 1).replaceAll(",", "");
    if (!/^\d+$/.test(digits)) throw new Error(`Pwned Passwords returned an invalid count: ${line}`);
    return Number(digits);
  }
  return 0;
}

/**
 * A breach checker for the policy's `breachedPasswordChecker` option, backed by the Have I Been Pwned
 * Pwned Passwords range API with k-anonymity: the password's upper-case hex SHA-1 is computed locally and only its
 * first 5 characters are sent (`GET https://<host>/range/<prefix>`, with `Add-Padding: true`); the response's
 * `SUFFIX:COUNT` lines are searched for the rest.
 *
 * Results are cached per SHA-1 (never per password) for `cacheTtlMs`, at most `maxCacheEntries` of them, and
 * concurrent lookups of one password share a request. Network errors, non-200 answers and malformed bodies reject
 * the returned promise; the policy then applies `ignoreCheckerErrors`.
 *
 * @example
 * ```ts
 * const policy = createPasswordPolicy({ breachedPasswordChecker: createPwnedPasswordsChecker() });
 * ```
 * @throws IdentityError `invalid_configuration` for invalid options.
 */
export function createPwnedPasswordsChecker(
  options: PwnedPasswordsCheckerOptions = {},
): (password: string) => Promise<number> {
  const given = readConfiguration(options, "pwnedPasswords", [
    "fetch",
    "host",
    "cacheTtlMs",
    "maxCacheEntries",
    "timeoutMs",
  ]);
  const issues = check(given, "");
  if (issues.length > 0) {
    throw new IdentityError("invalid_configuration", { reason: issuesReason("pwnedPasswords", issues) });
  }
  const o = given as PwnedPasswordsCheckerOptions;
  const doFetch: typeof fetch = o.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const host = (o.host ?? DEFAULT_PWNED_PASSWORDS_HOST).toLowerCase();
  const ttl = o.cacheTtlMs ?? 3_600_000;
  const maxEntries = o.maxCacheEntries ?? 10_000;
  const timeoutMs = o.timeoutMs ?? 5_000;
  const cacheEnabled = ttl > 0 && maxEntries > 0;

  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<number>>();

  function remember(hash: string, count: number): void {
    if (!cacheEnabled) return;
    cache.delete(hash);
    while (cache.size >= maxEntries) {
      const oldest = cache.keys().next();
      if (oldest.done === true) break;
      cache.delete(oldest.value);
    }
    cache.set(hash, { count, expiresAt: Date.now() + ttl });
  }

  async function lookup(hash: string): Promise<number> {
    const prefix = hash.slice(0, 5);
    const res = await doFetch(`https://${host}/range/${prefix}`, {
      headers: { "Add-Padding": "true" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.status !== 200) {
      throw new Error(`Pwned Passwords answered HTTP ${res.status} for range ${prefix}`);
    }
    const count = parseRangeBody(await res.text(), hash.slice(5));
    remember(hash, count);
    return count;
  }

  return (password: string): Promise<number> => {
    const hash = createHash("sha1").update(password, "utf8").digest("hex").toUpperCase();
    const hit = cache.get(hash);
    if (hit !== undefined) {
      if (hit.expiresAt > Date.now()) return Promise.resolve(hit.count);
      cache.delete(hash);
    }
    const pending = inFlight.get(hash);
    if (pending !== undefined) return pending;
    const request = lookup(hash).finally(() => inFlight.delete(hash));
    inFlight.set(hash, request);
    return request;
  };
}
