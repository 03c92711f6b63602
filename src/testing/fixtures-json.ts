import assert from "node:assert/strict";
import type { JsonObject } from "../identity/identity.js";

/**
 * JSON that is hard to store faithfully, and the comparison the fidelity cases use. No U+0000 and no lone
 * surrogate anywhere: the library refuses both before they reach storage.
 */

/** Characters of {@link LONG_STRING_LENGTH}-long strings: ASCII, Latin-1, a non-BMP emoji. */
const LONG_UNIT = "abcü😀";
/** Length (UTF-16 code units) of the long string of a {@link richDocument}. */
export const LONG_STRING_LENGTH = 100_000;
/** Nesting depth of the `deep` member of a {@link richDocument}. */
export const DEPTH = 100;

/** Adds `key` as an own enumerable data property, even `__proto__` (which `obj[key] = v` would not create). */
function own(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  return target;
}

/**
 * A JSON object that a lossy store would damage: a 100,000-character string, non-BMP emoji and ZWJ sequences,
 * a leading U+FEFF (in a value and in a key), every character JSON escapes except U+0000, own `__proto__`,
 * `constructor`, `prototype` and `toString` members (at the top and nested), an empty key, 100 levels of
 * alternating objects and arrays, numbers at the edges of IEEE 754 (`1e308`, `Number.MAX_VALUE`, `5e-324`,
 * `-0`, `2^53 - 1`), a 10,000-element array and an array of 1,000 objects. `label` makes two documents differ.
 */
export function richDocument(label: string): JsonObject {
  const prefix = `${label}:`;
  const body = LONG_UNIT.repeat(Math.floor((LONG_STRING_LENGTH - prefix.length) / LONG_UNIT.length));
  const long = prefix + body + "x".repeat(LONG_STRING_LENGTH - prefix.length - body.length); // no split pair
  let deep: unknown = `bottom of ${label}`;
  for (let level = DEPTH; level > 1; level--)
    deep = level % 2 === 0 ? { [`l${level}`]: deep } : [level, deep];
  const keys = own(
    {
      "": "empty key",
      "😀": "emoji key",
      "a.b": "dotted",
      "/~0~1": "pointer characters",
      "\uFEFFbom": "key with a leading U+FEFF",
      " spaced ": "spaces",
      [`k${"é".repeat(500)}`]: "a 501-character key",
    },
    "__proto__",
    { polluted: label, inner: own({}, "__proto__", { polluted: `${label} (nested)` }) },
  );
  own(keys, "constructor", { prototype: { polluted: label } });
  const doc: Record<string, unknown> = {
    label,
    long,
    emoji: "😀 👩‍👩‍👧‍👦 🏳️‍🌈 𝄞 𠀋 🀄 🇫🇷",
    bom: `\uFEFF${label}`,
    only_bom: "\uFEFF",
    escapes: '"\\/\b\f\n\r\t\u0001\u001f\u007f\u0080\u00ad\u2028\u2029\uFFFD',
    numbers: [
      1e308,
      -1e308,
      Number.MAX_VALUE,
      5e-324,
      -5e-324,
      -0,
      0,
      0.1,
      1e-7,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
    ],
    literals: [true, false, null, "", [], {}],
    deep,
    keys,
    big: Array.from({ length: 10_000 }, (_, i) =>
      i % 3 === 0 ? i * 1.5 : i % 3 === 1 ? `s${i}` : i % 2 === 0,
    ),
    rows: Array.from({ length: 1000 }, (_, i) => ({ i, name: `row ${i} 😀`, tags: [label, null] })),
  };
  own(doc, "__proto__", { polluted: label });
  own(doc, "constructor", { name: label, prototype: { polluted: label } });
  own(doc, "prototype", null);
  own(doc, "toString", "not a function");
  own(doc, "hasOwnProperty", 1);
  return doc as JsonObject;
}

/** `value` as JSON would carry it (`-0` becomes `0`), or `undefined`. */
export function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** A short rendering of a JSON value for assertion messages. */
function short(value: unknown): string {
  if (typeof value === "string")
    return value.length > 40
      ? `${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`
      : JSON.stringify(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === "object") return `an object of ${Object.keys(value).length} members`;
  return value === undefined ? "undefined" : JSON.stringify(value);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const escapeToken = (key: string) => key.replaceAll("~", "~0").replaceAll("/", "~1");

/** Where `actual` first differs from `expected` (two JSON values), as a JSON pointer and what differs. */
function difference(actual: unknown, expected: unknown, path: string): string | undefined {
  const at = path === "" ? "the root" : path;
  if (isObject(expected) && isObject(actual)) {
    for (const key of Object.keys(expected)) {
      if (!Object.hasOwn(actual, key)) return `${at}: the member ${JSON.stringify(key)} is missing`;
      const d = difference(actual[key], expected[key], `${path}/${escapeToken(key)}`);
      if (d !== undefined) return d;
    }
    const extra = Object.keys(actual).find((key) => !Object.hasOwn(expected, key));
    return extra === undefined ? undefined : `${at}: an unexpected member ${JSON.stringify(extra)}`;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (actual.length !== expected.length)
      return `${at}: an array of ${actual.length} elements, expected ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = difference(actual[i], expected[i], `${path}/${i}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return Object.is(actual, expected) ? undefined : `${at}: got ${short(actual)}, expected ${short(expected)}`;
}

/**
 * Asserts that `actual` equals `expected` as JSON would compare them (after a JSON round trip of both, so `-0`
 * equals `0` and member order does not count), naming the first JSON pointer where they differ.
 */
export function assertSameJson(actual: unknown, expected: unknown, what: string): void {
  const [a, e] = [asJson(actual), asJson(expected)];
  const d = difference(a, e, "");
  if (d !== undefined) assert.fail(`${what}: differs at ${d}`);
  assert.deepStrictEqual(a, e, what);
}
