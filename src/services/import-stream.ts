import { IdentityError, isIdentityError, ValidationError } from "../errors/index.js";
import type { JsonValue } from "../identity/identity.js";
import type {
  ImportIdentitiesOptions,
  ImportIdentitiesResult,
  ImportItemError,
} from "../identity-manager-config.js";
import { readConfiguration, settleQuietly } from "../json/arguments.js";
import { copyCreateBody, hasClearTextPassword, insertPrepared, type Prepared, prepareMany } from "./batch.js";
import type { ServiceContext } from "./context.js";
import { itemError } from "./import-errors.js";
import { openSource, type SourceReader, watchAbort } from "./import-source.js";

/** Items of a synchronous source read between two microtask turns (see `run`). */
const SYNC_READS_PER_TURN = 16;

/** Defaults and bounds of the import options (documented on {@link ImportIdentitiesOptions}). */
export const IMPORT_DEFAULTS = Object.freeze({ batchSize: 500, concurrency: 2 });
const MAX_BATCH_SIZE = 1000;
const MAX_CONCURRENCY = 64;

interface Settings {
  batchSize: number;
  concurrency: number;
  onProgress: ImportIdentitiesOptions["onProgress"];
  signal: AbortSignal | undefined;
}

function invalid(reason: string): IdentityError {
  return new IdentityError("invalid_configuration", { reason });
}

function readSettings(value: unknown): Settings {
  const o = readConfiguration(value, "options", ["batchSize", "concurrency", "onProgress", "signal"]);
  const integer = (name: "batchSize" | "concurrency", max: number): number => {
    const v = o[name] ?? IMPORT_DEFAULTS[name];
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > max)
      throw invalid(`options.${name} must be an integer from 1 to ${max}`);
    return v as number;
  };
  const batchSize = integer("batchSize", MAX_BATCH_SIZE);
  const concurrency = integer("concurrency", MAX_CONCURRENCY);
  if (o.onProgress !== undefined && typeof o.onProgress !== "function")
    throw invalid("options.onProgress must be a function");
  let isSignal = false;
  try {
    isSignal = o.signal instanceof AbortSignal;
  } catch {
    // a proxy whose traps throw is no signal
  }
  if (o.signal !== undefined && !isSignal) throw invalid("options.signal must be an AbortSignal");
  return {
    batchSize,
    concurrency,
    onProgress: o.onProgress as Settings["onProgress"],
    signal: o.signal as AbortSignal | undefined,
  };
}

/** An item read from the source: its position and its body copied into plain JSON (or why it cannot be). */
interface Item {
  index: number;
  body: JsonValue | IdentityError;
}

function clearTextRefused(): ValidationError {
  const message = "Clear-text passwords are not imported in batches: maxClearTextPasswordsPerBatch is 0.";
  return new ValidationError([
    { pointer: "/credentials/password/config/password", code: "too_big", message },
  ]);
}

/**
 * `idm.importIdentities`: streams create bodies from any iterable or async iterable into the store, batch by
 * batch, through the batch create path ({@link prepareMany}, {@link insertPrepared}); see
 * {@link ImportIdentitiesOptions} for the bounds and {@link ImportIdentitiesResult} for the summary.
 * @throws ValidationError `validation_failed` when `source` is not iterable, or when the source throws (issue at
 *   `/<index>` of the item it failed to give; `details.summary` holds what was done before) | IdentityError
 *   `invalid_configuration` for bad options | `storage_error` when the adapter fails a whole batch
 *   (`details.summary`; that batch's items are listed with `storage_error`, some may have been stored)
 */
export async function importIdentities(
  ctx: ServiceContext,
  source: unknown,
  options: unknown,
): Promise<ImportIdentitiesResult> {
  const settings = readSettings(options);
  const reader = openSource(source);
  return new ImportRun(ctx, settings).run(reader);
}

class ImportRun {
  readonly #ctx: ServiceContext;
  readonly #settings: Settings;
  readonly #running = new Set<Promise<void>>();
  /** The last batch's write: each batch is written after the one before it. */
  #commits: Promise<void> = Promise.resolve();
  readonly #errors: ImportItemError[] = [];
  #created = 0;
  #failed = 0;
  /** What stopped the import from inside (a batch the store failed, or an unexpected error). */
  #failure: { error: unknown } | undefined;

  constructor(ctx: ServiceContext, settings: Settings) {
    this.#ctx = ctx;
    this.#settings = settings;
  }

  async run(reader: SourceReader): Promise<ImportIdentitiesResult> {
    const abort = watchAbort(this.#settings.signal);
    let index = 0;
    let ended = false;
    let aborted = false;
    let sourceFailure: { cause: unknown } | undefined;
    try {
      while (!ended && !aborted && sourceFailure === undefined && this.#failure === undefined) {
        while (this.#running.size >= this.#settings.concurrency) await Promise.race(this.#running);
        if (this.#failure !== undefined) break;
        const batch: Item[] = [];
        let clearText = 0;
        const limit = this.#ctx.maxClearTextPasswordsPerBatch;
        while (batch.length < this.#settings.batchSize && (limit === 0 || clearText < limit)) {
          if (abort.aborted()) {
            aborted = true;
            break;
          }
          let next: IteratorResult<unknown> | "aborted";
          try {
            if (reader.nextSync === undefined) next = await reader.next(abort);
            else {
              // A synchronous source is read without a promise per item, but with a microtask turn every few
              // items, so an abort that a microtask signals stops the import within that many items.
              if (index % SYNC_READS_PER_TURN === SYNC_READS_PER_TURN - 1) await null;
              next = reader.nextSync();
            }
          } catch (cause) {
            sourceFailure = { cause };
            break;
          }
          if (next === "aborted") {
            aborted = true;
            break;
          }
          if (next.done) {
            ended = true;
            break;
          }
          let body = copyCreateBody(next.value, "");
          if (!isIdentityError(body) && hasClearTextPassword(body)) {
            if (limit === 0) body = clearTextRefused();
            else clearText++;
          }
          batch.push({ index: index++, body });
        }
        if (batch.length > 0) this.#start(batch);
        // Let timers and I/O run (an abort, the host's work) even when every step so far was a microtask.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(this.#running);
    } finally {
      abort.dispose();
      if (aborted || this.#failure !== undefined) reader.close();
    }
    const summary: ImportIdentitiesResult = {
      processed: this.#created + this.#failed,
      created: this.#created,
      failed: this.#failed,
      errors: this.#errors,
      aborted,
    };
    if (this.#failure !== undefined) throw withSummary(this.#failure.error, summary);
    if (sourceFailure !== undefined) throw sourceError(index, sourceFailure.cause, summary);
    return summary;
  }

  /**
   * Builds (and hashes) the batch at once, alongside the other batches in flight, but writes it only after the
   * batches before it: writes follow the source order, so of two equal items the first one is created, whatever
   * the concurrency, and `processed` always counts a prefix of the source.
   */
  #start(batch: Item[]): void {
    const preparing = prepareMany(
      this.#ctx,
      batch.map((item) => item.body),
      "import",
    );
    preparing.catch(() => {}); // awaited in turn by #commit; handled now so it is never an unhandled rejection
    const committed = this.#commits.then(() => this.#commit(batch, preparing));
    this.#commits = committed;
    const running = committed.finally(() => this.#running.delete(running));
    this.#running.add(running);
  }

  /** Writes one built batch and counts it; never rejects (a failure of the whole batch is kept in #failure). */
  async #commit(batch: Item[], preparing: Promise<Prepared[]>): Promise<void> {
    if (this.#failure !== undefined) return; // an earlier batch stopped the import: this one is not written
    let entries: ImportItemError[];
    try {
      const outcomes = await insertPrepared(this.#ctx, await preparing, "import");
      // The conflicts' holders are looked up side by side (a lookup per conflicting item, none per created one).
      const lookups: Promise<ImportItemError>[] = [];
      for (let i = 0; i < outcomes.length; i++) {
        const outcome = outcomes[i];
        if (outcome?.error === undefined) continue;
        lookups.push(itemError(this.#ctx, batch[i]?.index ?? -1, outcome.error, outcome.identity));
      }
      entries = await Promise.all(lookups);
    } catch (error) {
      this.#failure = { error };
      if (!isIdentityError(error)) return;
      entries = await Promise.all(batch.map((item) => itemError(this.#ctx, item.index, error, undefined)));
    }
    this.#errors.push(...entries);
    this.#failed += entries.length;
    this.#created += batch.length - entries.length;
    this.#progress();
  }

  #progress(): void {
    const onProgress = this.#settings.onProgress;
    if (onProgress === undefined) return;
    try {
      settleQuietly(
        onProgress({
          processed: this.#created + this.#failed,
          created: this.#created,
          failed: this.#failed,
        }),
      );
    } catch {
      // The host's progress callback never stops the import.
    }
  }
}

/** The error that stopped the import, with the summary of what was done (an unexpected error as it is). */
function withSummary(error: unknown, summary: ImportIdentitiesResult): unknown {
  if (!isIdentityError(error)) return error;
  return new IdentityError(error.code, {
    message: error.message,
    ...(error.reason === undefined ? {} : { reason: error.reason }),
    details: { summary },
    cause: error,
  });
}

function sourceError(index: number, cause: unknown, summary: ImportIdentitiesResult): IdentityError {
  const issue = { pointer: `/${index}`, code: "invalid_json", message: "the value could not be read" };
  return new IdentityError("validation_failed", {
    reason: `/${index}: the source failed; the items before it were imported (see details.summary)`,
    details: { issues: [issue], summary },
    cause,
  });
}
