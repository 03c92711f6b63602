import { IdentityError, isIdentityError, ValidationError } from "../errors/index.js";
import type { toJsonInput } from "../json/json-input.js";

/**
 * Size caps on one identity, checked on every create, update, patch and batch entry. Beyond a cap the write is
 * `validation_failed` (400), nothing is stored, and the issue names the cap (`context.limit`) and its value
 * (`context.maximum`). Each cap is a positive integer, or `Infinity` to lift it. Kratos has no such caps; the
 * defaults are far above what a person's identity holds and keep the largest accepted identity's write to a few
 * milliseconds of event-loop time (see bench/large-identity.bench.ts).
 */
export interface IdentityLimits {
  /**
   * Most identifiers one credential type may hold: the password, webauthn and code identifiers derived from the
   * traits (code counts (address, channel) pairs), and the oidc / saml links (`provider:subject`) after an import.
   * @default 100
   */
  maxIdentifiers: number;
  /** Most verifiable addresses, derived from the traits or given on create / in a patch. @default 100 */
  maxVerifiableAddresses: number;
  /** Most recovery addresses, derived from the traits or given on create / in a patch. @default 100 */
  maxRecoveryAddresses: number;
  /**
   * Largest `traits`, in bytes of their UTF-8 JSON text (`JSON.stringify`, no white space). Checked before the
   * schema runs. 64 KiB is four times the 16 kB Auth0 recommends as the practical ceiling of a user's metadata.
   * @default 65536
   */
  maxTraitsBytes: number;
  /**
   * Largest `metadata_public`, and separately `metadata_admin`, in bytes of UTF-8 JSON text. Without it one
   * identity grows without bound through repeated PATCHes, and listing a page of such identities exhausts memory.
   * @default 65536
   */
  maxMetadataBytes: number;
}

/** The caps used when {@link IdentityLimits} fields are not given. */
export const DEFAULT_IDENTITY_LIMITS: Readonly<IdentityLimits> = Object.freeze({
  maxIdentifiers: 100,
  maxVerifiableAddresses: 100,
  maxRecoveryAddresses: 100,
  maxTraitsBytes: 64 * 1024,
  maxMetadataBytes: 64 * 1024,
});

const LIMIT_NAMES = Object.keys(DEFAULT_IDENTITY_LIMITS) as (keyof IdentityLimits)[];
const LINK_TYPES = ["oidc", "saml"] as const;

/**
 * The caps to use: defaults overridden by `options`, frozen.
 * @throws IdentityError `invalid_configuration` when `options` is not an object, names an unknown cap, or gives a
 *   cap that is not a positive integer or `Infinity`.
 */
export function resolveIdentityLimits(options: unknown): Readonly<IdentityLimits> {
  if (options === undefined) return DEFAULT_IDENTITY_LIMITS;
  const fail = (reason: string): never => {
    throw new IdentityError("invalid_configuration", { reason: `limits: ${reason}` });
  };
  let given: Record<string, unknown>;
  try {
    // One plain copy: a throwing getter or a revoked proxy is a configuration error, not a TypeError.
    given = { ...(options as object) };
    if (options === null || typeof options !== "object" || Array.isArray(options)) fail("must be an object");
  } catch (e) {
    if (isIdentityError(e)) throw e;
    return fail("cannot be read");
  }
  const out: IdentityLimits = { ...DEFAULT_IDENTITY_LIMITS };
  for (const key of Object.keys(given)) {
    if (!(LIMIT_NAMES as string[]).includes(key)) fail(`unknown limit ${JSON.stringify(key)}`);
    const value = given[key];
    if (value === undefined) continue;
    if (
      typeof value !== "number" ||
      !(value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value > 0))
    )
      fail(`${key} must be a positive integer or Infinity`);
    out[key as keyof IdentityLimits] = value as number;
  }
  return Object.freeze(out);
}

/** The issue for a count over its cap, at `pointer`. */
export function tooMany(
  pointer: string,
  limit: keyof IdentityLimits,
  maximum: number,
  what: string,
  count: number,
) {
  return {
    pointer,
    code: "too_many",
    message: `An identity may have at most ${maximum} ${what}; got ${count}.`,
    context: { limit, maximum, actual: count },
  };
}

/** @throws ValidationError (issue code `too_many`) when `count` exceeds `maximum`. */
export function checkCount(
  count: number,
  maximum: number,
  pointer: string,
  limit: keyof IdentityLimits,
  what: string,
): void {
  if (count > maximum) throw new ValidationError([tooMany(pointer, limit, maximum, what, count)]);
}

/** UTF-8 bytes of `value` written as JSON (`{}` for undefined), or undefined when it is not JSON data. */
function jsonBytes(value: unknown): number | undefined {
  try {
    return Buffer.byteLength(JSON.stringify(value ?? {}) ?? "", "utf8");
  } catch {
    return undefined; // a bigint or a cycle: not JSON data, left to the schema validation to report
  }
}

/**
 * Whether `value` certainly takes at most `maximum` bytes as UTF-8 JSON, by an upper bound summed in one walk that
 * stops as soon as the bound passes `maximum` (so it costs O(min(size, maximum))): a string counts 6 bytes per UTF-16
 * unit (`\uXXXX`, the longest any unit is written), a number 32. `false` means "measure exactly".
 */
function surelyWithin(value: unknown, maximum: number): boolean {
  return boundOf(value, 0, maximum) <= maximum;
}

/**
 * `bound` plus {@link surelyWithin}'s upper bound of `v`, or `Infinity` as soon as it passes `maximum` or `v` is
 * not plain JSON data (measured exactly, or refused, by JSON.stringify). One recursion, no closure per call.
 */
function boundOf(v: unknown, bound: number, maximum: number): number {
  if (typeof v === "string") bound += 2 + 6 * v.length;
  else if (typeof v === "number") bound += 32;
  else if (v === null || typeof v === "boolean") bound += 5;
  else if (Array.isArray(v)) {
    bound += 2 + v.length;
    for (let i = 0; i < v.length && bound <= maximum; i++) bound = boundOf(v[i], bound, maximum);
  } else if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    bound += 2;
    for (const key in v) {
      if (bound > maximum || !Object.hasOwn(v, key)) return Number.POSITIVE_INFINITY;
      bound = boundOf((v as Record<string, unknown>)[key], bound + 4 + 6 * key.length, maximum);
    }
  } else return Number.POSITIVE_INFINITY;
  return bound <= maximum ? bound : Number.POSITIVE_INFINITY;
}

function checkJsonSize(
  value: unknown,
  maximum: number,
  pointer: string,
  what: string,
  limit: string,
  plainCopy: boolean,
): void {
  if (maximum === Number.POSITIVE_INFINITY) return;
  // Only on a plain JSON copy (no toJSON, getter, proxy or cycle; nesting bounded) may the walk stand in for JSON.
  // An absent value is `{}` as JSON (2 bytes); null's bound (5) stands for it without making an object.
  if (plainCopy && surelyWithin(value ?? null, maximum)) return;
  const bytes = jsonBytes(value);
  if (bytes === undefined || bytes <= maximum) return;
  throw new ValidationError([
    {
      pointer,
      code: "too_large",
      message: `${what} may hold at most ${maximum} bytes of JSON; got ${bytes}.`,
      context: { limit, maximum, actual: bytes },
    },
  ]);
}

/**
 * Refuses traits larger than `maximum` bytes of JSON before any schema work. `plainCopy`: `traits` is a plain JSON
 * copy ({@link toJsonInput}'s), so a bounded walk may show it is within the cap without stringifying it.
 * @throws ValidationError at `/traits`, issue code `too_large`.
 */
export function checkTraitsSize(traits: unknown, maximum: number, plainCopy = false): void {
  checkJsonSize(traits, maximum, "/traits", "The traits", "maxTraitsBytes", plainCopy);
}

/**
 * Refuses `metadata_public` or `metadata_admin` larger than `maximum` bytes of JSON each (`plainCopy`: as for
 * {@link checkTraitsSize}).
 * @throws ValidationError at `/metadata_public` or `/metadata_admin`, issue code `too_large`.
 */
export function checkMetadataSize(
  identity: { metadata_public?: unknown; metadata_admin?: unknown },
  maximum: number,
  plainCopy = false,
): void {
  checkJsonSize(
    identity.metadata_public ?? null,
    maximum,
    "/metadata_public",
    "metadata_public",
    "maxMetadataBytes",
    plainCopy,
  );
  checkJsonSize(
    identity.metadata_admin ?? null,
    maximum,
    "/metadata_admin",
    "metadata_admin",
    "maxMetadataBytes",
    plainCopy,
  );
}

/**
 * Refuses a create body or a patched document that carries more addresses than the caps allow, before they are
 * indexed. `floor` lifts each cap to what the identity already stores, so an identity stored under larger caps can
 * still be written as long as the write does not grow it.
 * @throws ValidationError at `/verifiable_addresses` or `/recovery_addresses`, issue code `too_many`.
 */
export function checkGivenAddresses(
  given: {
    verifiable?: readonly unknown[] | null | undefined;
    recovery?: readonly unknown[] | null | undefined;
  },
  limits: Readonly<IdentityLimits>,
  floor: { verifiable: number; recovery: number } = { verifiable: 0, recovery: 0 },
): void {
  const verifiable = given.verifiable?.length ?? 0;
  const recovery = given.recovery?.length ?? 0;
  const maxVerifiable = Math.max(limits.maxVerifiableAddresses, floor.verifiable);
  const maxRecovery = Math.max(limits.maxRecoveryAddresses, floor.recovery);
  checkCount(
    verifiable,
    maxVerifiable,
    "/verifiable_addresses",
    "maxVerifiableAddresses",
    "verifiable addresses",
  );
  checkCount(recovery, maxRecovery, "/recovery_addresses", "maxRecoveryAddresses", "recovery addresses");
}

/**
 * Refuses oidc / saml link counts over `maxIdentifiers`: call it with the number of links an import body carries
 * (before merging them) and with the number of identifiers the merged credential holds (after).
 * @throws ValidationError at `/credentials/<type>/config/providers`, issue code `too_many`.
 */
export function checkLinks(
  counts: { oidc?: number | undefined; saml?: number | undefined },
  limits: Readonly<IdentityLimits>,
): void {
  for (const type of LINK_TYPES) {
    const count = counts[type] ?? 0;
    if (count <= limits.maxIdentifiers) continue; // no pointer or label built for a count within the cap
    const pointer = `/credentials/${type}/config/providers`;
    checkCount(count, limits.maxIdentifiers, pointer, "maxIdentifiers", `${type} links`);
  }
}
