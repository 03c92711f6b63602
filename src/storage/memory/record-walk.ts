import { ValidationError } from "../../errors/index.js";
import type { Layouts, Step } from "./record-layouts.js";
import { ARRAY, END, LEAF, OBJECT, type Special, STAMP, type Token } from "./record-tokens.js";

/** Deepest nesting of a stored record (the manager's payloads are capped at 256 levels; a direct caller may pass anything). */
const MAX_DEPTH = 1024;

/**
 * One flattening (record-layouts.ts): where it is in the layout trie, the leaves so far, and — once a bound of the
 * table is reached — the rest of the record's tokens, gathered instead of stepped.
 */
export interface Walk {
  readonly layouts: Layouts;
  readonly stamp: string;
  /** The leaves so far: `out[0..n)` (a reused array: what lies past `n` is stale). */
  readonly out: unknown[];
  n: number;
  at: Step;
  overflow: Token[] | undefined;
  depth: number;
}

/** `invalid_json` for a value JSON cannot write (the caller's error, if any, on `cause`). */
export function notJson(cause?: unknown): ValidationError {
  return new ValidationError(
    [
      {
        pointer: "",
        code: "invalid_json",
        message: "the record is not JSON data (a BigInt, a cycle or too deep)",
      },
    ],
    cause === undefined ? undefined : { cause },
  );
}

/** `validation_failed` for a record whose id is not a string (a number would sort equal to some string id). */
export function notStringId(): ValidationError {
  return new ValidationError([{ pointer: "/id", code: "invalid_type", message: "the id must be a string" }]);
}

function to(walk: Walk, token: Special): void {
  if (walk.overflow !== undefined) walk.overflow.push(token);
  else {
    const next = walk.at.specials[token] ?? walk.layouts.step(walk.at, token);
    if (next === undefined) walk.overflow = [token];
    else walk.at = next;
  }
}

function toName(walk: Walk, name: string): void {
  if (walk.overflow !== undefined) walk.overflow.push(name);
  else {
    const at = walk.at;
    const next = at.lastName === name ? at.lastStep : walk.layouts.step(at, name);
    if (next === undefined) walk.overflow = [name];
    else walk.at = next;
  }
}

function leaf(walk: Walk, value: unknown): void {
  walk.out[walk.n++] = value;
  to(walk, LEAF);
}

/** True for what JSON.stringify asks for a `toJSON` (objects, functions included, and BigInts). */
const askable = (value: unknown): boolean =>
  (typeof value === "object" && value !== null) || typeof value === "function" || typeof value === "bigint";

/** An askable `value` as JSON.stringify reads it before writing (`toJSON(key)` once, boxed primitives unboxed). */
function resolve(value: unknown, key: string | number): unknown {
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  let out = typeof toJSON === "function" ? toJSON.call(value, String(key)) : value;
  if (typeof out === "object" && out !== null && !Array.isArray(out)) {
    const proto = Object.getPrototypeOf(out);
    if (proto !== Object.prototype && proto !== null) {
      if (out instanceof Number) out = Number(out);
      else if (out instanceof String) out = String(out);
      else if (out instanceof Boolean) out = out.valueOf();
    }
  }
  return out;
}

/** Steps `walk` through the record `value` (JSON.stringify's reading of it). */
export function walkRecord(walk: Walk, value: unknown): void {
  walkValue(walk, askable(value) ? resolve(value, "") : value);
}

/** Steps `walk` through `value`, already {@link resolve}d. */
function walkValue(walk: Walk, value: unknown): void {
  if (typeof value === "string") {
    if (value === walk.stamp) to(walk, STAMP);
    else leaf(walk, value);
  } else if (typeof value === "object" && value !== null) {
    if (++walk.depth > MAX_DEPTH) throw notJson();
    if (Array.isArray(value)) walkArray(walk, value);
    else walkObject(walk, value as Record<string, unknown>);
    walk.depth--;
  } else if (typeof value === "number") leaf(walk, Number.isFinite(value) ? (value === 0 ? 0 : value) : null);
  else if (typeof value === "boolean" || value === null) leaf(walk, value);
  else if (typeof value === "bigint") throw notJson();
  else leaf(walk, null); // undefined, a function or a symbol: null, as JSON.stringify writes them in an array
}

function walkArray(walk: Walk, value: readonly unknown[]): void {
  to(walk, ARRAY);
  const length = value.length; // read once, as JSON.stringify does (a toJSON may grow the array)
  for (let i = 0; i < length; i++) {
    const item = value[i];
    walkValue(walk, askable(item) ? resolve(item, i) : item);
  }
  to(walk, END);
}

const EMPTY = {};
/** True when `Object.prototype` has an enumerable member (`for...in` over a plain object would list it). */
function prototypeEnumerable(): boolean {
  for (const _ in EMPTY) return true;
  return false;
}

function walkObject(walk: Walk, value: Record<string, unknown>): void {
  to(walk, OBJECT);
  // `for...in` lists inherited enumerable members too: skipped by `Object.hasOwn`, a cost saved when none can be
  // listed (a null prototype, or Object.prototype with no enumerable member — checked per object, as a getter
  // read below may add one; members added during a `for...in` are not listed by it).
  const proto = Object.getPrototypeOf(value);
  const ownOnly = proto === null || (proto === Object.prototype && !prototypeEnumerable());
  for (const name in value) {
    if (!ownOnly && !Object.hasOwn(value, name)) continue;
    let member = value[name];
    if (askable(member)) member = resolve(member, name);
    // Left out as JSON.stringify leaves them out.
    if (member === undefined || typeof member === "function" || typeof member === "symbol") continue;
    toName(walk, name);
    walkValue(walk, member);
  }
  to(walk, END);
}
