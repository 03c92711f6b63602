import { escapePointerToken, ValidationError } from "../errors/index.js";
import type { JsonValue } from "./json-types.js";

/** Deepest nesting accepted in a payload (recursive validators and copies must never exhaust the stack). */
export const MAX_JSON_DEPTH = 256;

/** Most values (objects, arrays and leaves together) one payload may hold. */
export const MAX_JSON_NODES = 1_000_000;

/** Options of {@link toJsonInput}. */
export interface JsonInputOptions {
  /** Pointer of `input` inside the payload, prefixed to every issue. @default "" */
  root?: string;
  /** Deepest nesting accepted. @default MAX_JSON_DEPTH */
  maxDepth?: number;
  /** Most values (objects, arrays and leaves together) accepted. @default MAX_JSON_NODES */
  maxNodes?: number;
  /**
   * Values at these pointers (relative to `input`, `*` matching any one token) are kept as they are, neither
   * copied nor checked: the caller snapshots them later on their own (a batch entry fails alone).
   */
  opaque?: readonly string[];
}

/** Every NotJson made; `has` is a brand check no proxy trap of a thrown value can answer or throw from. */
const notJsons = new WeakSet<object>();

class NotJson extends Error {
  constructor(
    readonly path: string[],
    readonly code: string,
    readonly text: string,
  ) {
    super(text);
    notJsons.add(this);
  }
}

/** `e` when it is a NotJson; otherwise (anything a getter or proxy trap threw) a generic one. */
const asNotJson = (e: unknown): NotJson =>
  typeof e === "object" && e !== null && notJsons.has(e)
    ? (e as NotJson)
    : new NotJson([], "invalid_json", "the value could not be read");

const plainPrototype = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  // Plain objects of any realm: `{}`, `Object.create(null)`, or JSON.parse results.
  return proto === null || Object.getPrototypeOf(proto) === null;
};

/** Sets an own, enumerable member (never a setter such as `__proto__`). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * True for a string every store can hold: well-formed UTF-16 (no unpaired surrogate, which I-JSON, RFC 7493
 * §2.1, forbids) and no U+0000 (which PostgreSQL's `text` and `jsonb` cannot store).
 */
export function isStorableString(value: string): boolean {
  return !value.includes("\0") && (value as string & { isWellFormed(): boolean }).isWellFormed();
}

const UNSTORABLE =
  "strings must be well-formed Unicode without U+0000 (RFC 7493 §2.1; PostgreSQL cannot store U+0000)";

function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "object" && value !== null) return "a non-plain object";
  return `a ${typeof value}`;
}

/**
 * Copies a payload into plain JSON data in one pass, reading every member exactly once, so the rest of the library
 * works on data the caller can no longer change (no getter runs twice, no proxy trap fires later) and never meets a
 * value that makes `String(x)` or a template literal throw.
 *
 * Accepted: `null`, booleans, finite numbers, strings, arrays and plain objects (own enumerable string keys;
 * `__proto__`, `constructor` and the like stay ordinary own members). Members whose value is `undefined` are
 * dropped, as `JSON.stringify` does; array holes and `undefined` elements become `null`, as `JSON.stringify` does.
 * Strings and member names must be storable ({@link isStorableString}): no U+0000, no unpaired surrogate.
 * Everything else (functions, symbols, bigints, `NaN`, `Infinity`, dates, maps, class instances, values whose
 * getters or proxy traps throw, nesting deeper than `maxDepth`, more than `maxNodes` values) is refused.
 *
 * @throws ValidationError `validation_failed` (400) with one issue at the offending value's RFC 6901 pointer,
 *   code `invalid_json`, `too_deep` or `too_large`.
 */
export function toJsonInput(input: unknown, options: JsonInputOptions = {}): JsonValue {
  const copier = new JsonCopier(options);
  try {
    return copier.copy(input, 0) as JsonValue;
  } catch (e) {
    const failure = asNotJson(e);
    throw new ValidationError([
      {
        pointer: (options.root ?? "") + failure.path.map((t) => `/${escapePointerToken(t)}`).join(""),
        code: failure.code,
        message: failure.text,
      },
    ]);
  }
}

const NO_OPAQUE: readonly string[][] = [];

/** One {@link toJsonInput} call's state (one object per call, no closure per call). */
class JsonCopier {
  readonly maxDepth: number;
  readonly maxNodes: number;
  readonly opaque: readonly string[][];
  /** Values still allowed. */
  budget: number;
  // The path of the value being copied is kept only to match `opaque` pointers; an error's path is built as it
  // propagates (each level prepends its member name or index), so the common copy builds no path strings.
  readonly tracking: boolean;
  readonly path: string[] = [];

  constructor(options: JsonInputOptions) {
    this.maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
    this.maxNodes = options.maxNodes ?? MAX_JSON_NODES;
    this.budget = this.maxNodes;
    this.opaque = options.opaque === undefined ? NO_OPAQUE : options.opaque.map((p) => p.split("/").slice(1));
    this.tracking = this.opaque.length > 0;
  }

  spend(count: number): void {
    this.budget -= count;
    if (this.budget < 0) {
      throw new NotJson([], "too_large", `a payload may hold at most ${this.maxNodes} values`);
    }
  }

  /** `e` (a NotJson, or what a getter or proxy trap threw) one level up, at member or index `key`. */
  within(e: unknown, key: string | number): NotJson {
    // A getter or proxy trap of the caller's object threw (or the input is a revoked proxy).
    const failure = asNotJson(e);
    failure.path.unshift(String(key));
    return failure;
  }

  isOpaque(): boolean {
    const path = this.path;
    return this.opaque.some(
      (tokens) => tokens.length === path.length && tokens.every((t, i) => t === "*" || t === path[i]),
    );
  }

  copy(value: unknown, depth: number): unknown {
    this.spend(1);
    if (typeof value === "string") {
      if (isStorableString(value)) return value;
      throw new NotJson([], "invalid_json", UNSTORABLE);
    }
    if (value === null || typeof value === "boolean") return value;
    if (typeof value === "number") {
      if (Number.isFinite(value)) return value;
      throw new NotJson([], "invalid_json", `${describe(value)} is not a JSON number`);
    }
    if (typeof value !== "object") {
      throw new NotJson([], "invalid_json", `${describe(value)} is not a JSON value`);
    }
    if (this.tracking && this.isOpaque()) return value;
    if (depth >= this.maxDepth) {
      throw new NotJson([], "too_deep", `JSON nested deeper than ${this.maxDepth} levels is not accepted.`);
    }
    return Array.isArray(value) ? this.copyArray(value, depth) : this.copyObject(value, depth);
  }

  copyArray(value: readonly unknown[], depth: number): unknown[] {
    const length = value.length;
    // Checked before allocating: a sparse array's length costs nothing to claim.
    this.spend(length);
    this.budget += length;
    const out: unknown[] = new Array(length);
    const tracking = this.tracking;
    for (let i = 0; i < length; i++) {
      if (tracking) this.path.push(String(i));
      try {
        const item = value[i];
        out[i] = item === undefined ? null : this.copy(item, depth + 1);
      } catch (e) {
        throw this.within(e, i);
      }
      if (tracking) this.path.pop();
    }
    return out;
  }

  copyObject(value: object, depth: number): Record<string, unknown> {
    if (!plainPrototype(value)) {
      throw new NotJson([], "invalid_json", `${describe(value)} is not a JSON value`);
    }
    const out: Record<string, unknown> = {};
    const tracking = this.tracking;
    for (const key of Object.keys(value)) {
      if (tracking) this.path.push(key);
      try {
        if (!isStorableString(key)) throw new NotJson([], "invalid_json", UNSTORABLE);
        const member = (value as Record<string, unknown>)[key];
        if (member !== undefined) setOwn(out, key, this.copy(member, depth + 1));
      } catch (e) {
        throw this.within(e, key);
      }
      if (tracking) this.path.pop();
    }
    return out;
  }
}
