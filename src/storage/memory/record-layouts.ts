import { ValidationError } from "../../errors/index.js";
import { setOwn } from "../../json/json-input.js";

/**
 * MemoryStorage's flat form of a stored record: the record's structure (member names, array lengths, which strings
 * are its stamp) interned once per store as a *layout*, and the record itself kept as one array of its leaves —
 * `[stamp, layout, ...leaves]`, the leaves (strings, numbers, booleans, nulls) in document order.
 *
 * Building it is one walk of the record that steps a trie of structure tokens (member names, `{`, `[`, end, leaf,
 * stamp) and pushes each leaf: no text is written, and the record's strings are kept as they are (immutable). The
 * records the manager writes share a handful of layouts, so each costs its leaves and one array. The trie is
 * bounded ({@link MAX_LAYOUT_NODES} tokens, {@link MAX_LAYOUTS} layouts, {@link MAX_LAYOUT_TOKENS} tokens per
 * record, member names of at most 128 characters): a record past a bound gets no layout, and MemoryStorage keeps
 * it in its JSON form (packed-json.ts) instead.
 *
 * What reads back is what JSON would read back: `-0` as `0`, non-finite numbers, functions and symbols as `null`,
 * members whose value is `undefined` left out, `undefined` array items as `null`; a BigInt is refused.
 */

/** Most trie nodes (structure tokens) one store interns: its memory stays bounded whatever is stored. */
export const MAX_LAYOUT_NODES = 32_768;
/** Most layouts one store interns. */
export const MAX_LAYOUTS = 4096;
/** Most structure tokens of a record with a layout (long records are rare and rarely repeat). */
export const MAX_LAYOUT_TOKENS = 1024;
/** Member names longer than this are not interned (a layout keeps its names for the life of the store). */
const MAX_NAME_LENGTH = 128;

const OBJECT = 0;
const ARRAY = 1;
const END = 2;
const LEAF = 3;
const STAMP = 4;
type Special = typeof OBJECT | typeof ARRAY | typeof END | typeof LEAF | typeof STAMP;
/** A structure token: a special token, or a member name. */
type Token = Special | string;

/** A node of the structure trie: the token sequence from the root to here. */
class Step {
  /** The steps after this one, by special token (index) and by member name. */
  readonly specials: (Step | undefined)[] = [undefined, undefined, undefined, undefined, undefined];
  names: Map<string, Step> | undefined;
  /** The member name last stepped by from here, and its step (records mostly repeat one structure). */
  lastName: string | undefined;
  lastStep: Step | undefined;
  layout: Layout | undefined;
  constructor(
    readonly parent: Step | undefined,
    readonly token: Token,
    readonly length: number,
  ) {}
}

/** A decoding template: a leaf, the stamp, an array of templates, or an object of named templates. */
type Template = typeof LEAF | typeof STAMP | ArrayTemplate | ObjectTemplate;
class ArrayTemplate {
  constructor(readonly items: Template[]) {}
}
class ObjectTemplate {
  constructor(
    readonly names: string[],
    readonly items: Template[],
  ) {}
}

/** An interned record structure. */
export class Layout {
  constructor(readonly template: Template) {}
}

/** A record in its flat form: `[stamp, layout, ...leaves]`. */
export type FlatRecord = [string, Layout, ...unknown[]];

/** The layouts of one store. */
export class Layouts {
  readonly #root = new Step(undefined, END, 0);
  #nodes = 1;
  #layouts = 0;
  #scratch: unknown[] | undefined;

  /** The step after `from` by `token`, made if the bounds allow; else undefined. */
  step(from: Step, token: Token): Step | undefined {
    let next: Step | undefined;
    if (typeof token !== "string") next = from.specials[token];
    else if (from.lastName === token) return from.lastStep;
    else {
      next = from.names?.get(token);
      if (next !== undefined) {
        from.lastName = token;
        from.lastStep = next;
      }
    }
    if (next !== undefined) return next;
    if (
      this.#nodes >= MAX_LAYOUT_NODES ||
      from.length >= MAX_LAYOUT_TOKENS ||
      (typeof token === "string" && token.length > MAX_NAME_LENGTH)
    )
      return undefined;
    next = new Step(from, token, from.length + 1);
    this.#nodes++;
    if (typeof token === "string") {
      from.names ??= new Map();
      from.names.set(token, next);
      from.lastName = token;
      from.lastStep = next;
    } else from.specials[token] = next;
    return next;
  }

  /**
   * The flat form of JSON data `record` whose timestamps mostly equal `stamp`, or undefined when it is past the
   * bounds (keep it in another form). Reads every member once.
   * @throws ValidationError `invalid_json` for a BigInt, before anything is stored
   */
  flatten(record: unknown, stamp: string): FlatRecord | undefined {
    // The leaves are gathered in a reused array, then copied to one of their exact length (no slack kept).
    const scratch = this.#scratch ?? [];
    this.#scratch = undefined; // a getter of `record` may flatten another record meanwhile
    try {
      scratch.length = 0;
      scratch.push(stamp, undefined);
      const walk: Walk = { layouts: this, stamp, out: scratch, at: this.#root };
      if (!walkValue(walk, record)) return undefined;
      const end = walk.at;
      if (end.layout === undefined) {
        if (this.#layouts >= MAX_LAYOUTS) return undefined;
        end.layout = new Layout(templateOf(end));
        this.#layouts++;
      }
      scratch[1] = end.layout;
      return scratch.slice() as FlatRecord;
    } finally {
      scratch.length = 0;
      this.#scratch = scratch;
    }
  }

  /** Nodes in the trie (for tests of its bound). */
  get nodes(): number {
    return this.#nodes;
  }

  get root(): Step {
    return this.#root;
  }
}

/** One flattening: where it is in the trie, and the leaves so far. */
interface Walk {
  readonly layouts: Layouts;
  readonly stamp: string;
  readonly out: unknown[];
  at: Step;
}

/** Steps `walk` by a special token; false when a bound is reached. */
function to(walk: Walk, token: Special): boolean {
  const next = walk.at.specials[token] ?? walk.layouts.step(walk.at, token);
  if (next === undefined) return false;
  walk.at = next;
  return true;
}

/** Steps `walk` by a member name; false when a bound is reached. */
function toName(walk: Walk, name: string): boolean {
  const at = walk.at;
  const next = at.lastName === name ? at.lastStep : walk.layouts.step(at, name);
  if (next === undefined) return false;
  walk.at = next;
  return true;
}

function leaf(walk: Walk, value: unknown): boolean {
  walk.out.push(value);
  return to(walk, LEAF);
}

/** Steps `walk` through `value`; false when a bound is reached. */
function walkValue(walk: Walk, value: unknown): boolean {
  switch (typeof value) {
    case "string":
      return value === walk.stamp ? to(walk, STAMP) : leaf(walk, value);
    case "number":
      return leaf(walk, Number.isFinite(value) ? (value === 0 ? 0 : value) : null);
    case "boolean":
      return leaf(walk, value);
    case "bigint":
      throw notJson();
    case "object":
      if (value === null) return leaf(walk, null);
      return Array.isArray(value)
        ? walkArray(walk, value)
        : walkObject(walk, value as Record<string, unknown>);
    default: // undefined, a function or a symbol: null, as JSON.stringify writes them in an array
      return leaf(walk, null);
  }
}

function walkArray(walk: Walk, value: readonly unknown[]): boolean {
  if (!to(walk, ARRAY)) return false;
  for (let i = 0; i < value.length; i++) if (!walkValue(walk, value[i])) return false;
  return to(walk, END);
}

const EMPTY = {};
/** True when `Object.prototype` has an enumerable member (`for...in` over a plain object would list it). */
function prototypeEnumerable(): boolean {
  for (const _ in EMPTY) return true;
  return false;
}

function walkObject(walk: Walk, value: Record<string, unknown>): boolean {
  if (!to(walk, OBJECT)) return false;
  // `for...in` lists inherited enumerable members too: skipped by `Object.hasOwn`, a cost saved when none can be
  // listed (a null prototype, or Object.prototype with no enumerable member — checked per object, as a getter
  // read below may add one; members added during a `for...in` are not listed by it).
  const proto = Object.getPrototypeOf(value);
  const ownOnly = proto === null || (proto === Object.prototype && !prototypeEnumerable());
  for (const name in value) {
    if (!ownOnly && !Object.hasOwn(value, name)) continue;
    const member = value[name];
    if (member === undefined) continue;
    if (!toName(walk, name) || !walkValue(walk, member)) return false;
  }
  return to(walk, END);
}

function notJson(): ValidationError {
  return new ValidationError([
    {
      pointer: "",
      code: "invalid_json",
      message: "the record is not JSON data (a BigInt, a cycle or too deep)",
    },
  ]);
}

/** The template of the token sequence ending at `end` (made once per layout). */
function templateOf(end: Step): Template {
  const tokens: Token[] = new Array(end.length);
  for (let at: Step | undefined = end; at && at.length > 0; at = at.parent) tokens[at.length - 1] = at.token;
  let i = 0;
  const read = (): Template => {
    const token = tokens[i++];
    if (token === LEAF || token === STAMP) return token;
    const items: Template[] = [];
    if (token === ARRAY) {
      while (tokens[i] !== END) items.push(read());
      i++;
      return new ArrayTemplate(items);
    }
    const names: string[] = [];
    while (tokens[i] !== END) {
      names.push(tokens[i++] as string);
      items.push(read());
    }
    i++;
    return new ObjectTemplate(names, items);
  };
  return read();
}

/** The record `flat` holds: a fresh copy, members in their original order. */
export function unflatten<T>(flat: FlatRecord): T {
  return new Read(flat).value(flat[1].template) as T;
}

/** One reading: the next leaf. */
class Read {
  #next = 2;
  constructor(readonly flat: FlatRecord) {}

  value(template: Template): unknown {
    if (template === LEAF) return this.flat[this.#next++];
    if (template === STAMP) return this.flat[0];
    const items = template.items;
    if (template instanceof ArrayTemplate) {
      const out = new Array(items.length);
      for (let i = 0; i < items.length; i++) out[i] = this.value(items[i] as Template);
      return out;
    }
    const names = template.names;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) setOwn(out, names[i] as string, this.value(items[i] as Template));
    return out;
  }
}
