import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { extname } from "node:path";
import { pipeline, type Readable, Transform } from "node:stream";
import { parse as parseCsv } from "csv-parse";
import Pick from "stream-json/filters/Pick.js";
import Parser from "stream-json/Parser.js";
import StreamArray from "stream-json/streamers/StreamArray.js";
import { splitLines } from "./lines.js";

/** The file formats the CLI reads. */
export type InputFormat = "json" | "ndjson" | "csv";
export const INPUT_FORMATS: readonly InputFormat[] = ["json", "ndjson", "csv"];

/** Why one record of the file could not be read (it fails alone; the rest is read on). */
export interface RecordProblem {
  code: "invalid_json" | "invalid_utf8" | "record_too_large" | "invalid_csv_row";
  message: string;
}

/**
 * One record of the input file: `position` is its 1-based ordinal among the file's records (the resume
 * checkpoint counts these), `line` the line it ends on (NDJSON and CSV; a CSV file's header is line 1).
 */
export interface InputRecord {
  position: number;
  line?: number;
  value?: unknown;
  problem?: RecordProblem;
}

export interface ReadOptions {
  format: InputFormat;
  /** For JSON: the member holding the records array (`users`), or undefined for a top-level array. */
  recordsPath?: string | undefined;
  /** Longest NDJSON line (bytes) read as a record; a longer line is a `record_too_large` problem. */
  maxRecordBytes: number;
  /** Called with the bytes read from the file so far (for progress). */
  onBytes?: (bytesRead: number) => void;
}

/**
 * The file's format: the extension (`.ndjson`/`.jsonl`, `.csv`) or else the first non-blank byte (`[`: a JSON
 * array; `{`: a JSON document when the vendor keeps its records under a member, NDJSON otherwise).
 */
export async function sniffFormat(path: string, recordsPath: string | undefined): Promise<InputFormat> {
  const ext = extname(path).toLowerCase();
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  if (ext === ".csv") return "csv";
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer
      .subarray(0, bytesRead)
      .toString("utf8")
      .replace(/^\uFEFF/, "")
      .trimStart();
    if (head.startsWith("[")) return "json";
    if (head.startsWith("{")) return recordsPath === undefined ? "ndjson" : "json";
    return ext === ".json" ? "json" : "csv";
  } finally {
    await handle.close();
  }
}

function counter(onBytes: ((n: number) => void) | undefined): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      onBytes?.(total);
      callback(null, chunk);
    },
  });
}

/** The last stream of a pipeline (errors of any stage end its iteration with that error). */
function chain(streams: [Readable, ...NodeJS.ReadWriteStream[]]): Readable {
  return pipeline(streams as unknown as [Readable, Transform], () => {}) as unknown as Readable;
}

/**
 * Reads the records of an export file one at a time, in bounded memory (a chunk of the file plus one record).
 * A broken NDJSON line or CSV row is a record with a `problem`; a JSON document or CSV quoting broken beyond
 * repair ends the iteration with an Error (the records before it were given).
 */
export async function* readRecords(path: string, options: ReadOptions): AsyncGenerator<InputRecord> {
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  const count = counter(options.onBytes);
  if (options.format === "ndjson") {
    let position = 0;
    for await (const line of splitLines(chain([file, count]), options.maxRecordBytes)) {
      if (line.text !== undefined && line.text.trim() === "") continue;
      position++;
      if (line.problem !== undefined) {
        yield { position, line: line.number, problem: line.problem };
        continue;
      }
      try {
        yield { position, line: line.number, value: JSON.parse(line.text as string) };
      } catch (e) {
        yield {
          position,
          line: line.number,
          problem: { code: "invalid_json", message: `line ${line.number}: ${(e as Error).message}` },
        };
      }
    }
    return;
  }
  if (options.format === "csv") {
    yield* readCsv(chain([file, count, parseCsv({ bom: true, info: true, relax_column_count: true })]));
    return;
  }
  const stages: NodeJS.ReadWriteStream[] = [count, new Parser()];
  if (options.recordsPath !== undefined) stages.push(new Pick({ filter: options.recordsPath }));
  stages.push(new StreamArray());
  for await (const item of chain([file, ...stages])) {
    const { key, value } = item as { key: number; value: unknown };
    yield { position: key + 1, value };
  }
}

async function* readCsv(rows: Readable): AsyncGenerator<InputRecord> {
  let header: string[] | undefined;
  let position = 0;
  for await (const row of rows) {
    const { record, info } = row as { record: string[]; info: { lines: number } };
    if (header === undefined) {
      header = record;
      continue;
    }
    position++;
    if (record.length !== header.length) {
      yield {
        position,
        line: info.lines,
        problem: {
          code: "invalid_csv_row",
          message: `line ${info.lines}: ${record.length} fields where the header has ${header.length}`,
        },
      };
      continue;
    }
    const value: Record<string, string> = {};
    header.forEach((name, i) => {
      value[name] = record[i] as string;
    });
    yield { position, line: info.lines, value };
  }
}
