/**
 * `list` with `item` added at its end: a new one-element array when `list` is empty (a push onto `[]` makes V8
 * reserve room for ~16 more elements, and most of the short lists of one identity stay at one), else `list`
 * itself, pushed to. Store the result in place of `list`.
 */
export function appended<T>(list: T[], item: T): T[] {
  if (list.length === 0) return [item];
  list.push(item);
  return list;
}
