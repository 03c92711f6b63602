import { isIdentityError, ValidationError } from "../errors/index.js";
import { settleQuietly } from "../json/arguments.js";

/** The abort signal of an import, read defensively: a signal whose `aborted` cannot be read counts as aborted. */
export interface AbortWatch {
  aborted(): boolean;
  /** Calls `listener` once when the signal fires (never, without a signal); returns its removal. */
  subscribe(listener: () => void): () => void;
  dispose(): void;
}

export function watchAbort(signal: AbortSignal | undefined): AbortWatch {
  const listeners = new Set<() => void>();
  if (signal === undefined) return { aborted: () => false, subscribe: () => () => {}, dispose: () => {} };
  const aborted = () => {
    try {
      return signal.aborted === true;
    } catch {
      return true;
    }
  };
  const fire = () => {
    for (const listener of listeners) listener();
    listeners.clear();
  };
  let listening = false;
  try {
    signal.addEventListener("abort", fire, { once: true });
    listening = true;
  } catch {
    // Without a listener, the signal is still checked before every item.
  }
  return {
    aborted,
    subscribe(listener) {
      if (aborted()) listener();
      else listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => {
      listeners.clear();
      try {
        if (listening) signal.removeEventListener("abort", fire);
      } catch {
        // nothing to release
      }
    },
  };
}

/** Reads a source one item at a time. */
export interface SourceReader {
  /**
   * The next step of the source, or `"aborted"` when the signal fired while an async source was still producing
   * it (that item is dropped). @throws whatever the source throws, or an Error for a broken iterator protocol.
   */
  next(abort: AbortWatch): Promise<IteratorResult<unknown> | "aborted">;
  /** The next step of a synchronous source, without a promise; undefined for an async source. */
  readonly nextSync: (() => IteratorResult<unknown>) | undefined;
  /** Tells the source no more items are wanted (`return()`), ignoring whatever that does. */
  close(): void;
}

const ABORTED = Symbol("aborted");

function notIterable(cause?: unknown): ValidationError {
  return new ValidationError(
    [
      {
        pointer: "",
        code: "invalid_type",
        message: "expected an iterable or async iterable of create bodies",
      },
    ],
    cause === undefined ? {} : { cause },
  );
}

function step(result: unknown): IteratorResult<unknown> {
  if (result === null || typeof result !== "object") throw new Error("the iterator returned a non-object");
  const { done, value } = result as IteratorResult<unknown>;
  return done === true ? { done: true, value: undefined } : { done: false, value };
}

/**
 * Opens an iterable (`Symbol.iterator`) or async iterable (`Symbol.asyncIterator`, preferred when both exist) of
 * items, reading the protocol's members once. A string is refused (its items would be characters).
 * @throws ValidationError `validation_failed` (`invalid_type`) for anything else, or when opening it throws.
 */
export function openSource(source: unknown): SourceReader {
  if (source === null || (typeof source !== "object" && typeof source !== "function")) throw notIterable();
  let iterator: object;
  let next: (this: object) => unknown;
  let isAsync: boolean;
  try {
    const s = source as Partial<AsyncIterable<unknown> & Iterable<unknown>>;
    const asyncMethod = s[Symbol.asyncIterator];
    isAsync = asyncMethod !== undefined && asyncMethod !== null;
    const method: unknown = isAsync ? asyncMethod : s[Symbol.iterator];
    if (typeof method !== "function") throw notIterable();
    const opened: unknown = (method as (this: unknown) => unknown).call(source);
    if (opened === null || (typeof opened !== "object" && typeof opened !== "function")) throw notIterable();
    iterator = opened;
    next = (opened as { next: typeof next }).next;
    if (typeof next !== "function") throw notIterable();
  } catch (e) {
    throw isIdentityError(e) ? e : notIterable(e);
  }
  return {
    nextSync: isAsync ? undefined : () => step(next.call(iterator)),
    async next(abort) {
      const result = next.call(iterator);
      if (!isAsync) return step(result);
      // A race per item that leaves nothing behind on the signal (Promise.race against one long-lived promise
      // would keep a reaction per item until the signal fires).
      const settled = await new Promise<unknown>((resolve, reject) => {
        const off = abort.subscribe(() => resolve(ABORTED));
        Promise.resolve(result).then(
          (value) => {
            off();
            resolve(value);
          },
          (error: unknown) => {
            off();
            reject(error);
          },
        );
      });
      return settled === ABORTED ? "aborted" : step(settled);
    },
    close() {
      try {
        const close = (iterator as { return?: unknown }).return;
        if (typeof close === "function") settleQuietly(close.call(iterator));
      } catch {
        // a source that fails to close is not the import's failure
      }
    },
  };
}
