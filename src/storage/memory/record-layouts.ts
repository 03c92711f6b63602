import { isIdentityError } from "../../errors/index.js";
import { setOwn } from "../../json/json-input.js";
import { ARRAY, END, LEAF, STAMP, type Token } from "./record-tokens.js";
import { notJson, type Walk, walkRecord } from "./record-walk.js";

export { LEAF, STAMP, type Token };

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
/** Most tokens of all layouts' templates together (each layout keeps a template as long as its record). */
export const MAX_TEMPLATE_TOKENS = 4 * MAX_LAYOUT_NODES;
/** Most structure tokens of a record with a layout (long records are rare and rarely repeat). */
export const MAX_LAYOUT_TOKENS = 1024;
/** Member names longer than this are not interned (a layout keeps its names for the life of the store). */
const MAX_NAME_LENGTH = 128;

/** A node of the structure trie: the token sequence from the root to here. */
export class Step {
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
export type Template = typeof LEAF | typeof STAMP | ArrayTemplate | ObjectTemplate;
export class ArrayTemplate {
  constructor(readonly items: Template[]) {}
}
export class ObjectTemplate {
  constructor(
    readonly names: string[],
    readonly items: Template[],
  ) {}
}

/** An interned record structure. */
export class Layout {
  /** What record-facts.ts derived from the template (made on first use; `null`: read the record instead). */
  facts: unknown;
  constructor(readonly template: Template) {}
}

/** A record in its flat form: `[stamp, layout, ...leaves]`. */
export type FlatRecord = [string, Layout, ...unknown[]];

/** The longest scratch array {@link Layouts.flatten} keeps for the next record. */
const SCRATCH_KEPT = 4096;

/** The layouts of one store. */
export class Layouts {
  readonly #root = new Step(undefined, END, 0);
  #nodes = 1;
  #layouts = 0;
  /** Tokens of all layouts' templates (each layout keeps its own template). */
  #templateTokens = 0;
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
   * The flat form of `record` (JSON data whose timestamps mostly equal `stamp`), reading every member once, with
   * JSON.stringify's reading of what is not JSON data (`toJSON` followed; function, symbol and `undefined` members
   * left out, and `null` in arrays; boxed primitives unboxed; non-finite numbers `null`; `-0` as `0`). Past the
   * table's bounds: an {@link Unshaped} copy of the record instead (keep it in another form).
   * @throws ValidationError `invalid_json` for a BigInt, nesting past {@link MAX_DEPTH} (a cycle), or a getter or
   *   proxy trap that throws (its error on `cause`), before anything is stored
   */
  flatten(record: unknown, stamp: string): FlatRecord | Unshaped {
    // The leaves are gathered in a reused array, then copied to one of their exact length (no slack kept).
    const scratch = this.#scratch ?? [];
    this.#scratch = undefined; // a getter of `record` may flatten another record meanwhile
    scratch[0] = stamp;
    scratch[1] = undefined;
    const walk: Walk = {
      layouts: this,
      stamp,
      out: scratch,
      n: 2,
      at: this.#root,
      overflow: undefined,
      depth: 0,
    };
    try {
      walkRecord(walk, record);
      const end = walk.at;
      if (walk.overflow !== undefined)
        return new Unshaped([...pathOf(end), ...walk.overflow], scratch.slice(2, walk.n));
      if (end.layout === undefined) {
        if (this.#layouts >= MAX_LAYOUTS || this.#templateTokens + end.length > MAX_TEMPLATE_TOKENS)
          return new Unshaped(pathOf(end), scratch.slice(2, walk.n));
        end.layout = new Layout(templateOf(pathOf(end)));
        this.#layouts++;
        this.#templateTokens += end.length;
      }
      scratch[1] = end.layout;
      return scratch.slice(0, walk.n) as FlatRecord;
    } catch (cause) {
      throw isIdentityError(cause) ? cause : notJson(cause);
    } finally {
      // The array keeps its capacity for the next record (unless a huge one grew it); its leaves are let go.
      if (walk.n <= SCRATCH_KEPT) {
        scratch.fill(undefined, 0, walk.n);
        this.#scratch = scratch;
      }
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

/** The tokens from the root to `end`. */
function pathOf(end: Step): Token[] {
  const tokens: Token[] = new Array(end.length);
  for (let at: Step | undefined = end; at && at.length > 0; at = at.parent) tokens[at.length - 1] = at.token;
  return tokens;
}

/** The template of a whole token sequence. */
function templateOf(tokens: readonly Token[]): Template {
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

/** A record past the layout table's bounds, read once: its tokens and leaves, for {@link Unshaped.copy}. */
export class Unshaped {
  constructor(
    readonly tokens: readonly Token[],
    readonly leaves: readonly unknown[],
  ) {}

  /** A plain JSON copy of the record (owned by the caller: nothing else refers to it). */
  copy(stamp: string): unknown {
    const template = templateOf(this.tokens);
    return unflatten([stamp, new Layout(template), ...this.leaves]);
  }
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
