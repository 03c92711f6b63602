import { createReadStream } from "node:fs";
import { type FileHandle, open, readFile, rename, rm, stat, truncate, writeFile } from "node:fs/promises";

/** What `<file>.progress` holds: how far an import of `<file>` got, written after each chunk. */
export interface Checkpoint {
  format: "idkit-import-progress/1";
  /** `--from` of the run. */
  from: string;
  /** Size and modification time of the input when the run started: a changed file is not resumed. */
  size: number;
  mtimeMs: number;
  /** Records 1..records are done: written, skipped, or failed and in the error report. */
  records: number;
  created: number;
  skipped: number;
  failed: number;
}

export class CheckpointMismatch extends Error {}

/** The checkpoint of a previous run, or undefined; refuses one for another vendor or a changed file. */
export async function loadCheckpoint(
  path: string,
  expected: Pick<Checkpoint, "from" | "size" | "mtimeMs">,
): Promise<Checkpoint | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  let saved: Checkpoint;
  try {
    saved = JSON.parse(text) as Checkpoint;
  } catch {
    throw new CheckpointMismatch(`${path} is not a checkpoint idkit wrote`);
  }
  if (
    saved?.format !== "idkit-import-progress/1" ||
    !Number.isSafeInteger(saved.records) ||
    saved.records < 0
  )
    throw new CheckpointMismatch(`${path} is not a checkpoint idkit wrote`);
  if (saved.from !== expected.from)
    throw new CheckpointMismatch(`${path} belongs to an import --from ${saved.from}`);
  if (saved.size !== expected.size || saved.mtimeMs !== expected.mtimeMs)
    throw new CheckpointMismatch(`the input changed since ${path} was written`);
  return saved;
}

/** Replaces the checkpoint atomically (write, then rename), so a crash leaves the old one or the new one. */
export async function saveCheckpoint(path: string, checkpoint: Checkpoint): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify(checkpoint)}\n`);
  await rename(temporary, path);
}

export async function removeCheckpoint(path: string): Promise<void> {
  await rm(path, { force: true });
}

export async function fileIdentity(path: string): Promise<{ size: number; mtimeMs: number }> {
  const s = await stat(path);
  if (!s.isFile()) throw Object.assign(new Error(`${path} is not a file`), { code: "ENOTFILE" });
  return { size: s.size, mtimeMs: s.mtimeMs };
}

/**
 * Cuts the report of a resumed import back to the records the checkpoint covers: a run killed after appending a
 * chunk's failures but before moving the checkpoint would otherwise list them twice. Reads the report once, line
 * by line; a missing report is fine.
 */
export async function trimReport(path: string, records: number): Promise<void> {
  let offset = 0;
  let cut: number | undefined;
  let rest = "";
  try {
    for await (const chunk of createReadStream(path, { encoding: "utf8" })) {
      rest += chunk as string;
      let nl = rest.indexOf("\n");
      while (nl !== -1 && cut === undefined) {
        const line = rest.slice(0, nl);
        let position: unknown;
        try {
          position = (JSON.parse(line) as { position?: unknown }).position;
        } catch {
          position = undefined;
        }
        if (typeof position !== "number" || position > records) cut = offset;
        offset += Buffer.byteLength(line) + 1;
        rest = rest.slice(nl + 1);
        nl = rest.indexOf("\n");
      }
      if (cut !== undefined) break;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  if (cut === undefined && rest !== "") cut = offset; // a last line without its newline was cut short
  if (cut !== undefined) await truncate(path, cut);
}

/** One line of `<file>.errors.ndjson`. */
export interface ReportEntry {
  position: number;
  line?: number;
  vendor_id?: string;
  code: string;
  message: string;
  pointer?: string;
  conflicting_identity_id?: string;
}

/** The error report: NDJSON lines appended chunk by chunk (truncated when a run starts over). */
export class ErrorReport {
  readonly path: string;
  #handle: FileHandle | undefined;
  readonly #fresh: boolean;

  constructor(path: string, fresh: boolean) {
    this.path = path;
    this.#fresh = fresh;
  }

  async append(entries: readonly ReportEntry[]): Promise<void> {
    if (entries.length === 0 && this.#handle !== undefined) return;
    this.#handle ??= await open(this.path, this.#fresh ? "w" : "a");
    if (entries.length === 0) return;
    await this.#handle.appendFile(entries.map((e) => `${JSON.stringify(e)}\n`).join(""));
  }

  async close(): Promise<void> {
    await this.#handle?.close();
    this.#handle = undefined;
  }
}
