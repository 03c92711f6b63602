import { IdentityError } from "../errors/index.js";
import { readConfiguration } from "../json/arguments.js";
import type { RetryOptions } from "./retry.js";

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function invalid(reason: string, cause?: unknown): IdentityError {
  return new IdentityError("invalid_configuration", { reason, ...(cause === undefined ? {} : { cause }) });
}

/**
 * The named methods of a driver object, read once each and bound to it (a getter or proxy that throws, or a
 * missing method, is `invalid_configuration`, never a `TypeError` later).
 * @throws IdentityError `invalid_configuration`
 */
export function methodsOf<K extends string>(
  value: unknown,
  name: string,
  methods: readonly K[],
): Record<K, (...args: unknown[]) => unknown> {
  const expected = `${name} must be an object with ${methods.map((m) => `${m}()`).join(" and ")}`;
  if (value === null || (typeof value !== "object" && typeof value !== "function")) throw invalid(expected);
  const out = {} as Record<K, (...args: unknown[]) => unknown>;
  for (const method of methods) {
    let fn: unknown;
    try {
      fn = (value as Record<string, unknown>)[method];
    } catch (cause) {
      throw invalid(`${name}.${method} could not be read`, cause);
    }
    if (typeof fn !== "function") throw invalid(expected);
    out[method] = (...args: unknown[]) => Reflect.apply(fn as (...a: unknown[]) => unknown, value, args);
  }
  return out;
}

/** `PostgresStorage`'s options, checked. @throws IdentityError `invalid_configuration` */
export function readStorageOptions(options: unknown): { schema: string | undefined; retry: RetryOptions } {
  const o = readConfiguration(options, "PostgresStorage options", ["schema", "retry"]);
  if (o.schema !== undefined && (typeof o.schema !== "string" || !SCHEMA_NAME.test(o.schema))) {
    throw invalid(
      "schema must be lower-case letters, digits and underscores, starting with a letter or underscore.",
    );
  }
  const r = readConfiguration(o.retry, "retry", ["maxAttempts", "baseDelayMs", "maxDelayMs"]);
  const retry: RetryOptions = {};
  const number = (key: keyof RetryOptions, min: number, max: number, integer: boolean) => {
    const v = r[key];
    if (v === undefined) return;
    if (typeof v !== "number" || !(v >= min && v <= max) || (integer && !Number.isInteger(v))) {
      throw invalid(`retry.${key} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}`);
    }
    retry[key] = v;
  };
  number("maxAttempts", 1, 100, true);
  number("baseDelayMs", 0, 60_000, false);
  number("maxDelayMs", 0, 60_000, false);
  return { schema: o.schema as string | undefined, retry };
}
