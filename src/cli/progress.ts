import cliProgress from "cli-progress";

/** Where the CLI writes: a Node stream or anything with `write` (tests pass fakes; `isTTY` picks the bar). */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressCounts {
  /** Records (import) or identities (export) done. */
  records: number;
  created?: number;
  skipped?: number;
  failed?: number;
  /** Bytes of the input read so far (import). */
  bytes?: number;
}

export interface Progress {
  update(counts: ProgressCounts): void;
  stop(): void;
}

export interface ProgressOptions {
  /** `import` or `export`, the lines' prefix. */
  label: string;
  /** Size of the input in bytes (the bar's 100 %), or undefined when unknown (export). */
  totalBytes?: number | undefined;
  /** Records done by earlier runs (a resumed import), left out of the rate. */
  startRecords?: number;
  /** The word for created records (`valid` in a dry run). @default "created" */
  createdWord?: string;
  /** Interval of the plain lines (not a terminal), ms. */
  intervalMs: number;
  now?: () => number;
}

const formatSeconds = (s: number) =>
  !Number.isFinite(s) || s < 0
    ? "?"
    : s >= 3600
      ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
      : s >= 60
        ? `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, "0")}s`
        : `${Math.round(s)}s`;

function tail(c: ProgressCounts, created: string): string {
  if (c.created === undefined) return "";
  return ` | ${c.created} ${created}, ${c.skipped ?? 0} skipped, ${c.failed ?? 0} failed`;
}

/**
 * Progress on stderr: on a terminal a bar (cli-progress) with the share of the file read, records, rate and
 * ETA, redrawn in place; otherwise one plain line every `intervalMs` while something changed (logs, CI).
 */
export function createProgress(stream: OutputStream, options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  // Rate and ETA are measured from the start, or for a resumed import from its first written chunk (the records
  // before the checkpoint are read and passed over at a far higher pace).
  const startRecords = options.startRecords ?? 0;
  let base = startRecords > 0 ? undefined : { time: now(), records: 0, bytes: 0 };
  let last: ProgressCounts = { records: startRecords };
  const rate = (c: ProgressCounts) => {
    const seconds = base === undefined ? 0 : (now() - base.time) / 1000;
    return seconds > 0 && base !== undefined ? Math.round((c.records - base.records) / seconds) : 0;
  };
  const eta = (c: ProgressCounts) => {
    const total = options.totalBytes;
    if (base === undefined || total === undefined || c.bytes === undefined || c.bytes <= base.bytes)
      return Number.NaN;
    const seconds = (now() - base.time) / 1000;
    return ((total - c.bytes) * seconds) / (c.bytes - base.bytes);
  };
  const mark = (c: ProgressCounts) => {
    base ??= { time: now(), records: c.records, bytes: c.bytes ?? 0 };
  };
  const percent = (c: ProgressCounts) =>
    options.totalBytes ? Math.min(100, Math.floor(((c.bytes ?? 0) * 100) / options.totalBytes)) : undefined;

  if (stream.isTTY === true) {
    const known = options.totalBytes !== undefined;
    const bar = new cliProgress.SingleBar({
      stream: stream as unknown as NodeJS.WritableStream,
      format: known
        ? `${options.label} [{bar}] {percentage}% | {records} records | {rate}/s | ETA {eta_text}{tail}`
        : `${options.label} {records} identities | {rate}/s`,
      barCompleteChar: "█",
      barIncompleteChar: "░",
      hideCursor: true,
      fps: 10,
      etaBuffer: 100,
      ...(stream.columns ? { barsize: Math.max(10, Math.min(40, stream.columns - 90)) } : {}),
    });
    const payload = (c: ProgressCounts) => ({
      records: c.records,
      rate: rate(c),
      eta_text: formatSeconds(eta(c)),
      tail: tail(c, options.createdWord ?? "created"),
    });
    bar.start(options.totalBytes ?? 1, 0, payload(last));
    return {
      update(c) {
        mark(c);
        last = c;
        bar.update(c.bytes ?? 0, payload(c));
      },
      stop() {
        bar.update(last.bytes ?? 0, payload(last));
        bar.stop();
      },
    };
  }

  let printed = startRecords;
  const line = (c: ProgressCounts) => {
    const p = percent(c);
    const share = p === undefined ? "" : ` (${p}%)`;
    const etaText = options.totalBytes === undefined ? "" : `, ETA ${formatSeconds(eta(c))}`;
    const noun = options.label === "export" ? "identities" : "records";
    stream.write(
      `idkit ${options.label}: ${c.records} ${noun}${share}, ${rate(c)}/s${etaText}${tail(c, options.createdWord ?? "created")}\n`,
    );
    printed = c.records;
  };
  const timer = setInterval(() => {
    if (last.records !== printed) line(last);
  }, options.intervalMs);
  timer.unref();
  return {
    update(c) {
      mark(c);
      last = c;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
