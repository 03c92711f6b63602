import { IdentityError, isIdentityError, ValidationError } from "../errors/index.js";
import { toJsonInput } from "./json-input.js";
import type { JsonObject } from "./json-types.js";

/**
 * Checks of the plain (non-body) arguments of public methods: ids, strings and option bags. Each either returns a
 * value the rest of the library can use without further care or throws a typed error; none ever lets a
 * `TypeError` escape, whatever the caller passed.
 */

function invalidType(pointer: string, expected: string): ValidationError {
  return new ValidationError([{ pointer, code: "invalid_type", message: `expected ${expected}` }]);
}

/**
 * A string argument.
 * @throws ValidationError `validation_failed` at `pointer` (`invalid_type`) for anything but a string.
 */
export function stringArgument(value: unknown, pointer: string): string {
  if (typeof value !== "string") throw invalidType(pointer, "string");
  return value;
}

/** A string argument that may be left out (`undefined`). @throws ValidationError like {@link stringArgument}. */
export function optionalStringArgument(value: unknown, pointer: string): string | undefined {
  return value === undefined ? undefined : stringArgument(value, pointer);
}

/**
 * An options bag: `undefined` means `{}`; anything else must be a plain object of JSON values, copied once (so a
 * getter or proxy cannot change it later). Pointers of its issues name the option (`/pageSize`), as the
 * TypeScript API spells it.
 * @throws ValidationError `validation_failed` for a non-object or a non-JSON member.
 */
export function optionsArgument(value: unknown): JsonObject {
  if (value === undefined) return {};
  const copy = toJsonInput(value, { maxDepth: 8 });
  if (copy === null || typeof copy !== "object" || Array.isArray(copy))
    throw invalidType("", "an options object");
  return copy as JsonObject;
}

/**
 * Reads the named members of a configuration object once each (functions and class instances allowed), so a
 * throwing getter or proxy becomes `invalid_configuration` instead of escaping. An own key that is not one of
 * `keys` is refused (a misspelt option must not be ignored silently).
 * @throws IdentityError `invalid_configuration` naming `name`.
 */
export function readConfiguration<K extends string>(
  value: unknown,
  name: string,
  keys: readonly K[],
): Partial<Record<K, unknown>> {
  if (value === undefined) return {};
  const notAnObject = () =>
    new IdentityError("invalid_configuration", { reason: `${name} must be an object` });
  if (value === null || typeof value !== "object") throw notAnObject();
  let present: string[];
  try {
    if (Array.isArray(value)) throw notAnObject();
    present = Object.keys(value);
  } catch (e) {
    if (isIdentityError(e)) throw e;
    throw new IdentityError("invalid_configuration", { reason: `${name} could not be read` });
  }
  const unknown = present.find((key) => !(keys as readonly string[]).includes(key));
  if (unknown !== undefined) {
    throw new IdentityError("invalid_configuration", { reason: `${name}.${unknown}: unknown option` });
  }
  const out: Partial<Record<K, unknown>> = {};
  for (const key of keys) {
    let member: unknown;
    try {
      member = (value as Record<string, unknown>)[key];
    } catch {
      throw new IdentityError("invalid_configuration", { reason: `${name}.${key} could not be read` });
    }
    if (member !== undefined) out[key] = member;
  }
  return out;
}

/**
 * A host callback must answer synchronously; if it returned a promise anyway, its rejection is handled here (it
 * would otherwise crash the process as an unhandled rejection), and `check` refuses the promise as a value.
 */
export function settleQuietly(value: unknown): void {
  try {
    if (
      value !== null &&
      typeof value === "object" &&
      typeof (value as PromiseLike<unknown>).then === "function"
    ) {
      Promise.resolve(value).catch(() => {});
    }
  } catch {
    // a hostile thenable: nothing to settle
  }
}
