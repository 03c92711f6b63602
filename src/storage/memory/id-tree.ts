import type * as SortedBtree from "sorted-btree";
import { lazyRequire } from "../../json/lazy-require.js";

/** Ids in order, each with a value (a B+ tree). */
export type IdTree<V> = SortedBtree.default<string, V>;
/** A sorted set of ids (a B+ tree whose values are all `undefined`). */
export type IdIndex = IdTree<undefined>;
/**
 * sorted-btree (CommonJS; `module.exports` is the class, its `default` too), required on first use: an ESM
 * `import` of it would start Node's CommonJS export lexer at load (cold start).
 */
const sortedBtree = lazyRequire<{ default: typeof import("sorted-btree").default }>("sorted-btree");
/** Ids compare as strings, by UTF-16 code units (for lower-case UUIDs: the byte order PostgreSQL uses). */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** An empty tree ordered by {@link compareIds} (only string keys may go in: its order is defined on strings). */
export const newIdTree = <V>(): IdTree<V> => new (sortedBtree().default)<string, V>(undefined, compareIds);
export const newIdIndex = (): IdIndex => newIdTree<undefined>();

/**
 * The ids of `index` strictly greater than `after` (all of them without `after`), ascending, lazily: O(log n)
 * to find the start, then O(1) per id.
 */
export function* idsAfter(index: IdTree<unknown>, after: string | undefined): Generator<string> {
  for (const id of index.keys(after)) if (id !== after) yield id;
}
