/**
 * `now().toISOString()`, remembering the last string: a bulk import builds many identities within one millisecond,
 * and `Date.prototype.toISOString` costs about as much as the rest of a timestamp's handling. A `Date` whose
 * prototype is not `Date.prototype` (a subclass may override `toISOString`) is always asked.
 * @throws what `now` or `toISOString` throw (a `RangeError` for an invalid Date: the clock option refuses those)
 */
export function isoClock(now: () => Date): () => string {
  let lastTime = Number.NaN;
  let lastIso = "";
  return () => {
    const date = now();
    if (Object.getPrototypeOf(date) !== Date.prototype) return date.toISOString();
    const time = date.getTime();
    if (time !== lastTime) {
      lastIso = date.toISOString();
      lastTime = time;
    }
    return lastIso;
  };
}
