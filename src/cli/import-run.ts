import { isIdentityError } from "../errors/index.js";
import type { IdentityManager } from "../identity-manager.js";
import type { ConvertOptions } from "../migrate/index.js";
import type { ErrorReport, ReportEntry } from "./checkpoint.js";
import type { SourceFormat } from "./convert.js";
import type { InputRecord } from "./records.js";

/** Counts of an import run (a resumed run's include the runs before it). */
export interface ImportCounts {
  /** Records done: 1..records are written, skipped or in the error report. */
  records: number;
  created: number;
  skipped: number;
  failed: number;
}

export interface ImportRunOptions {
  source: SourceFormat;
  convert: ConvertOptions;
  /** The manager records are written through; for a dry run, a fresh in-memory one per chunk. */
  manager: () => IdentityManager<unknown>;
  dryRun: boolean;
  /** Records per `importIdentities` call (the checkpoint moves chunk by chunk). */
  chunkSize: number;
  batchSize: number;
  concurrency: number;
  signal: AbortSignal;
  /** Where failed records go (appended after each chunk, before the checkpoint). */
  report: Pick<ErrorReport, "append">;
  /** Called after each chunk with the counts, once the report holds its failures. */
  onChunk: (counts: ImportCounts) => Promise<void>;
  /** Called as batches are written, for progress. */
  onProgress: (counts: ImportCounts) => void;
}

interface Pending {
  record: InputRecord;
  vendorId?: string | undefined;
  body?: Record<string, unknown>;
  entry?: ReportEntry;
}

/** The outcome of {@link runImport}: the counts, and what stopped it early (an abort, or a fatal error). */
export interface ImportOutcome {
  counts: ImportCounts;
  aborted: boolean;
  fatal?: { error: unknown };
}

function entryOf(
  record: InputRecord,
  vendorId: string | undefined,
  problem: Omit<ReportEntry, "position">,
): ReportEntry {
  return {
    position: record.position,
    ...(record.line === undefined ? {} : { line: record.line }),
    ...(vendorId === undefined ? {} : { vendor_id: vendorId }),
    ...problem,
  };
}

/**
 * Imports the records after `start.records` chunk by chunk: each chunk is converted, written through
 * `importIdentities` (writes in source order, errors per item) while the next chunk is read, then its failures are
 * appended to the report and `onChunk` moves the checkpoint. A record that conflicts only because it is already
 * stored (an identity with its `id`, or with its `external_id`, exists) is counted as skipped, so a rerun of a
 * finished or interrupted import duplicates nothing and fails nothing that it imported before.
 */
export async function runImport(
  records: AsyncIterable<InputRecord>,
  start: ImportCounts,
  options: ImportRunOptions,
): Promise<ImportOutcome> {
  const counts = { ...start };
  let chunk: Pending[] = [];
  let writing: Promise<ImportOutcome["fatal"]> | undefined;
  let fatal: ImportOutcome["fatal"];
  let aborted = false;
  const wait = async () => {
    fatal ??= await writing;
    writing = undefined;
  };
  try {
    for await (const record of records) {
      if (record.position <= start.records) continue;
      if (options.signal.aborted) {
        aborted = true;
        break;
      }
      chunk.push(convert(record, options));
      if (chunk.length >= options.chunkSize) {
        await wait();
        if (fatal !== undefined || options.signal.aborted) break;
        writing = writeChunk(chunk, counts, options);
        chunk = [];
      }
    }
  } catch (error) {
    // The file broke part way (a JSON syntax error): what was read before it is still written and checkpointed.
    await wait();
    if (fatal === undefined && !options.signal.aborted && chunk.length > 0)
      fatal = await writeChunk(chunk, counts, options);
    return { counts, aborted: options.signal.aborted, fatal: fatal ?? { error } };
  }
  await wait();
  if (options.signal.aborted) aborted = true;
  if (fatal === undefined && !aborted && chunk.length > 0) fatal = await writeChunk(chunk, counts, options);
  if (options.signal.aborted) aborted = true;
  return { counts, aborted, ...(fatal === undefined ? {} : { fatal }) };
}

function convert(record: InputRecord, options: ImportRunOptions): Pending {
  const vendorId = record.value === undefined ? undefined : options.source.idOf(record.value);
  if (record.problem !== undefined) return { record, entry: entryOf(record, vendorId, record.problem) };
  const converted = options.source.convert(record.value, options.convert);
  if (converted.problem !== undefined)
    return { record, vendorId, entry: entryOf(record, vendorId, converted.problem) };
  return { record, vendorId, body: converted.body };
}

/** Writes one chunk and moves `counts`; resolves to what stopped the import, if anything (never rejects). */
async function writeChunk(
  chunk: Pending[],
  counts: ImportCounts,
  options: ImportRunOptions,
): Promise<ImportOutcome["fatal"]> {
  try {
    const writable = chunk.filter((p) => p.body !== undefined);
    const idm = options.manager();
    const base = { ...counts };
    const result = await idm.importIdentities(
      writable.map((p) => p.body as Record<string, unknown>),
      {
        batchSize: options.batchSize,
        concurrency: options.concurrency,
        signal: options.signal,
        onProgress: (p) => {
          options.onProgress({
            records: base.records + p.processed,
            created: base.created + p.created,
            skipped: base.skipped,
            failed: base.failed + p.failed,
          });
        },
      },
    );
    const errors = new Map(result.errors.map((e) => [e.index, e]));
    // Conflicts of records stored before (a rerun) are skipped: their lookups run side by side, a few at a time.
    const stored = options.dryRun
      ? new Set<number>()
      : await storedBefore(idm, writable, result.errors, result.processed);
    const entries: ReportEntry[] = [];
    let done = 0;
    let bodyIndex = 0;
    for (const pending of chunk) {
      if (pending.body !== undefined) {
        if (bodyIndex >= result.processed) break; // aborted: this record and the rest were not written
        const index = bodyIndex++;
        const error = errors.get(index);
        if (error === undefined) counts.created++;
        else if (stored.has(index)) counts.skipped++;
        else {
          counts.failed++;
          entries.push(
            entryOf(pending.record, pending.vendorId, {
              code: error.code,
              message: error.message,
              ...(error.pointer === undefined ? {} : { pointer: error.pointer }),
              ...(error.conflictingIdentityId === undefined
                ? {}
                : { conflicting_identity_id: error.conflictingIdentityId }),
            }),
          );
        }
      } else {
        counts.failed++;
        entries.push(pending.entry as ReportEntry);
      }
      done = pending.record.position;
    }
    counts.records = Math.max(counts.records, done);
    await options.report.append(entries);
    await options.onChunk({ ...counts });
    options.onProgress({ ...counts });
    return undefined;
  } catch (error) {
    return { error };
  }
}

/** Lookups of already-stored records in flight at once. */
const LOOKUPS = 8;

/** Indexes (into `bodies`) of the conflicting items whose identity is already stored. */
async function storedBefore(
  idm: IdentityManager<unknown>,
  bodies: readonly Pending[],
  errors: readonly { index: number; code: string }[],
  processed: number,
): Promise<Set<number>> {
  const conflicts = errors
    .filter((e) => e.code === "identity_conflict" && e.index < processed)
    .map((e) => e.index);
  const found = new Set<number>();
  let next = 0;
  const worker = async () => {
    while (next < conflicts.length) {
      const index = conflicts[next++] as number;
      if (await alreadyStored(idm, bodies[index]?.body ?? {})) found.add(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUPS, conflicts.length) }, worker));
  return found;
}

/** True when the store holds the identity the body names by `id` or `external_id` (a record imported before). */
async function alreadyStored(idm: IdentityManager<unknown>, body: Record<string, unknown>): Promise<boolean> {
  const lookups: Array<() => Promise<unknown>> = [];
  if (typeof body.id === "string" && body.id !== "") lookups.push(() => idm.getIdentity(body.id as string));
  if (typeof body.external_id === "string" && body.external_id !== "")
    lookups.push(() => idm.getIdentityByExternalId(body.external_id as string));
  for (const lookup of lookups) {
    try {
      await lookup();
      return true;
    } catch (e) {
      if (!isIdentityError(e, "identity_not_found") && !isIdentityError(e, "validation_failed")) throw e;
    }
  }
  return false;
}
