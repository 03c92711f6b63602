import { ValidationError } from "../../errors/index.js";
import { setOwn } from "../../json/json-input.js";

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
 *   per identity); the table is bounded ({@link MAX_SHAPES} lists, {@link MAX_SHAPE_NODES} trie nodes, 32 names
 *   of at most 128 characters per list), and an object past the bounds is `[-3, name, value, name, value...]`.
 * Encoding and decoding are one linear pass each; nothing is shared between a decoded value and the store.
 */

/** Most member-name lists one store interns (free-form metadata could otherwise grow the table without end). */
export const MAX_SHAPES = 4096;
/** Most nodes of the shape trie (with the caps below, the table's memory is bounded whatever is stored). */
export const MAX_SHAPE_NODES = 16_384;
/** Member-name lists longer than this are written inline: long lists are rare and rarely repeat. */
const MAX_SHAPE_MEMBERS = 32;
/** Member names longer than this are written inline (a shape keeps its names for the life of the store). */
const MAX_NAME_LENGTH = 128;

const ARRAY = -1;
const STAMP = -2;
const INLINE = -3;

/** The parsed encoding. */
type Encoded = null | boolean | number | string | Encoded[];

/** A node of the shape trie: the member-name list from the root to here, and its shape index (-1: none yet). */
export interface ShapeNode {
  index: number;
  next: Map<string, ShapeNode> | undefined;
  parent: ShapeNode | undefined;
  name: string;
  depth: number;
}

/**
 * The interned member-name lists of one store: a trie walked name by name as an object's members are read (no key
 * string built per lookup, and no second read of the object: a shape's names come from the trie path).
 */
export class Shapes {
  readonly root: ShapeNode = { index: -1, next: undefined, parent: undefined, name: "", depth: 0 };
  readonly #names: string[][] = [];
  #nodes = 1;

  /** The node one member `name` below `node`, made if the caps allow; else undefined (write the object inline). */
  child(node: ShapeNode, name: string): ShapeNode | undefined {
    let next = node.next?.get(name);
    if (next === undefined) {
      if (
        node.depth >= MAX_SHAPE_MEMBERS ||
        name.length > MAX_NAME_LENGTH ||
        this.#nodes >= MAX_SHAPE_NODES ||
        this.#names.length >= MAX_SHAPES
      )
        return undefined;
      next = { index: -1, next: undefined, parent: node, name, depth: node.depth + 1 };
      this.#nodes++;
      node.next ??= new Map();
      node.next.set(name, next);
    }
    return next;
  }

  /** The index of the shape ending at `node` (interned now if there is room), or -1. */
  end(node: ShapeNode): number {
    if (node.index < 0 && this.#names.length < MAX_SHAPES) {
      node.index = this.#names.length;
      this.#names.push(this.path(node));
    }
    return node.index;
  }

  /** The member names from the root to `node`. */
  path(node: ShapeNode): string[] {
    const names: string[] = new Array(node.depth);
    for (let at: ShapeNode | undefined = node; at && at.depth > 0; at = at.parent)
      names[at.depth - 1] = at.name;
    return names;
  }

  /** The index of `names` (interned now if there is room), or -1. */
  indexOf(names: readonly string[]): number {
    let node: ShapeNode | undefined = this.root;
    for (let i = 0; i < names.length && node; i++) node = this.child(node, names[i] as string);
    return node === undefined ? -1 : this.end(node);
  }

  /** Nodes in the trie (for tests of its bound). */
  get nodes(): number {
    return this.#nodes;
  }

  names(index: number): readonly string[] {
    const names = this.#names[index];
    if (names === undefined) throw new Error("unknown shape in a packed record");
    return names;
  }
}

/** Deepest nesting packed (the manager's payloads are capped at 256 levels; a direct caller may pass anything). */
const MAX_DEPTH = 1024;

/**
 * Packs JSON data `value` (plain objects, arrays, primitives) whose timestamps mostly equal `stamp`. What JSON
 * cannot hold reads back as JSON reads it (`-0` as `0`, `NaN` as `null`, `undefined` members dropped).
 * @throws ValidationError `invalid_json` for a value JSON cannot write at all (a BigInt, a cycle, nesting past
 *   {@link MAX_DEPTH}), before anything is stored
 */
export function pack(value: unknown, stamp: string, shapes: Shapes): string {
  try {
    return JSON.stringify(encode(value, stamp, shapes, 0)) ?? "null";
  } catch (cause) {
    throw new ValidationError(
      [
        {
          pointer: "",
          code: "invalid_json",
          message: "the record is not JSON data (a BigInt, a cycle or too deep)",
        },
      ],
      { cause },
    );
  }
}

/** The encoding of a string equal to the stamp (shared: it is only ever written). */
const STAMP_ENCODED: Encoded[] = [STAMP];

/**
 * The encoding of `value` as arrays for `JSON.stringify` (native, and faster than writing the text in JS). Arrays
 * are built by `push` so they stay packed: `JSON.stringify` takes a slower path over holey arrays.
 */
function encode(value: unknown, stamp: string, shapes: Shapes, depth: number): Encoded {
  if (typeof value === "string") return value === stamp ? STAMP_ENCODED : value;
  if (value === null || typeof value !== "object") return value as Encoded; // JSON.stringify reads the rest
  if (depth >= MAX_DEPTH) throw new RangeError("nested too deep");
  if (Array.isArray(value)) {
    const out: Encoded[] = [ARRAY];
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      // As JSON.stringify writes them: undefined (and holes) become null.
      out.push(item === undefined ? null : encode(item, stamp, shapes, depth + 1));
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  // One pass, each member read once: the members' encodings, and the shape trie walked name by name; past the
  // trie's caps the names are collected instead, for an inline object.
  const out: Encoded[] = [0];
  let node = shapes.root;
  let names: string[] | undefined;
  for (const name in record) {
    if (!Object.hasOwn(record, name)) continue;
    const member = record[name];
    if (member === undefined) continue;
    if (names !== undefined) names.push(name);
    else {
      const next = shapes.child(node, name);
      if (next === undefined) {
        names = shapes.path(node);
        names.push(name);
      } else node = next;
    }
    out.push(encode(member, stamp, shapes, depth + 1));
  }
  if (names === undefined) {
    const shape = shapes.end(node);
    if (shape >= 0) {
      out[0] = shape;
      return out;
    }
    names = shapes.path(node);
  }
  const inline: Encoded[] = [INLINE];
  for (let i = 0; i < names.length; i++) inline.push(names[i] as string, out[i + 1] as Encoded);
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
      setOwn(out, value[i] as string, decode(value[i + 1] as Encoded, stamp, shapes));
    return out;
  }
  const names = shapes.names(tag);
  for (let i = 0; i < names.length; i++)
    setOwn(out, names[i] as string, decode(value[i + 1] as Encoded, stamp, shapes));
  return out;
}

/** A stored record in its compact form ({@link pack}), with its `updated_at`, which writes compare unpacked. */
export class Packed {
  constructor(
    readonly updated_at: string,
    readonly json: string,
  ) {}
}
