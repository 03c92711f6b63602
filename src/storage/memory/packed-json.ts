/**
 * MemoryStorage's compact form of a stored record: one string per record instead of ~20–40 objects, so a store of
 * a million identities holds a million strings, not tens of millions of objects for the garbage collector to trace.
 *
 * The string is JSON of an encoding that keeps every value and every member order exactly:
 * - `null`, booleans, numbers and strings stand for themselves, except a string equal to the record's `stamp`
 *   (its `updated_at`, which most of its timestamps repeat), written `[-2]`;
 * - an array is `[-1, ...items]`;
 * - an object whose member names were seen before is `[shape, ...values]`, `shape` (≥ 0) indexing a table of
 *   member-name lists shared by the whole store (so `"verifiable_addresses"` is written once per store, not once
 *   per identity); the table is bounded ({@link MAX_SHAPES}), and an object of a new shape past the bound is
 *   `[-3, name, value, name, value...]`.
 * Encoding and decoding are one linear pass each; nothing is shared between a decoded value and the store.
 */

/** Most member-name lists one store interns (free-form metadata could otherwise grow the table without end). */
export const MAX_SHAPES = 4096;
/** Member-name lists longer than this are written inline: long lists are rare and rarely repeat. */
const MAX_SHAPE_MEMBERS = 32;

const ARRAY = -1;
const STAMP = -2;
const INLINE = -3;

/** The parsed encoding. */
type Encoded = null | boolean | number | string | Encoded[];

/** A node of the shape trie: the shape ending here (-1: none yet), and the nodes one member name further. */
export interface ShapeNode {
  index: number;
  next: Map<string, ShapeNode> | undefined;
}

/** The interned member-name lists of one store: a trie walked name by name (no key string built per lookup). */
export class Shapes {
  readonly root: ShapeNode = { index: -1, next: undefined };
  readonly #names: string[][] = [];

  /** The node one member `name` (the `depth`-th) below `node`, made if the table has room; else undefined. */
  child(node: ShapeNode, name: string, depth: number): ShapeNode | undefined {
    let next = node.next?.get(name);
    if (next === undefined) {
      if (depth > MAX_SHAPE_MEMBERS || this.#names.length >= MAX_SHAPES) return undefined;
      next = { index: -1, next: undefined };
      node.next ??= new Map();
      node.next.set(name, next);
    }
    return next;
  }

  /** The index of the shape ending at `node` (interned now if there is room; its names read off `record`), or -1. */
  end(node: ShapeNode, record: Record<string, unknown>): number {
    if (node.index < 0 && this.#names.length < MAX_SHAPES) {
      node.index = this.#names.length;
      this.#names.push(Object.keys(record).filter((name) => record[name] !== undefined));
    }
    return node.index;
  }

  /** The index of `names` (interned now if there is room), or -1. */
  indexOf(names: readonly string[]): number {
    let node: ShapeNode | undefined = this.root;
    for (let i = 0; i < names.length && node; i++) node = this.child(node, names[i] as string, i + 1);
    return node === undefined ? -1 : this.end(node, Object.fromEntries(names.map((n) => [n, 0])));
  }

  names(index: number): readonly string[] {
    const names = this.#names[index];
    if (names === undefined) throw new Error("unknown shape in a packed record");
    return names;
  }
}

/** Packs JSON data `value` (plain objects, arrays, primitives) whose timestamps mostly equal `stamp`. */
export function pack(value: unknown, stamp: string, shapes: Shapes): string {
  return JSON.stringify(encode(value, stamp, shapes)) ?? "null";
}

/** The encoding of a string equal to the stamp (shared: it is only ever written). */
const STAMP_ENCODED: Encoded[] = [STAMP];

/**
 * The encoding of `value` as arrays for `JSON.stringify` (native, and faster than writing the text in JS). Arrays
 * are built by `push` so they stay packed: `JSON.stringify` takes a slower path over holey arrays.
 */
function encode(value: unknown, stamp: string, shapes: Shapes): Encoded {
  if (typeof value === "string") return value === stamp ? STAMP_ENCODED : value;
  if (value === null || typeof value !== "object") return value as Encoded; // JSON.stringify reads the rest
  if (Array.isArray(value)) {
    const out: Encoded[] = [ARRAY];
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      // As JSON.stringify writes them: undefined (and holes) become null.
      out.push(item === undefined ? null : encode(item, stamp, shapes));
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  // One pass: the members' encodings, and the shape trie walked name by name (no name list, no key string).
  const out: Encoded[] = [0];
  let node: ShapeNode | undefined = shapes.root;
  for (const name in record) {
    if (!Object.hasOwn(record, name)) continue;
    const member = record[name];
    if (member === undefined) continue;
    node = node && shapes.child(node, name, out.length);
    out.push(encode(member, stamp, shapes));
  }
  const shape = node === undefined ? -1 : shapes.end(node, record);
  if (shape >= 0) {
    out[0] = shape;
    return out;
  }
  const inline: Encoded[] = [INLINE];
  for (const name of Object.keys(record)) {
    const member = record[name];
    if (member !== undefined) inline.push(name, encode(member, stamp, shapes));
  }
  return inline;
}

/** The value {@link pack} packed: a fresh copy, members in their original order. */
export function unpack<T>(packed: string, stamp: string, shapes: Shapes): T {
  return decode(JSON.parse(packed) as Encoded, stamp, shapes) as T;
}

function decode(value: Encoded, stamp: string, shapes: Shapes): unknown {
  if (!Array.isArray(value)) return value;
  const tag = value[0] as number;
  if (tag === STAMP) return stamp;
  if (tag === ARRAY) {
    const out = new Array(value.length - 1);
    for (let i = 1; i < value.length; i++) out[i - 1] = decode(value[i] as Encoded, stamp, shapes);
    return out;
  }
  const out: Record<string, unknown> = {};
  if (tag === INLINE) {
    for (let i = 1; i < value.length; i += 2)
      set(out, value[i] as string, decode(value[i + 1] as Encoded, stamp, shapes));
    return out;
  }
  const names = shapes.names(tag);
  for (let i = 0; i < names.length; i++)
    set(out, names[i] as string, decode(value[i + 1] as Encoded, stamp, shapes));
  return out;
}

/** An own, enumerable member, `__proto__` included (never a prototype change). */
function set(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === "__proto__") {
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[name] = value;
  }
}
