// Runs the idkit CLI in-process (runCli) with fake streams and an injected database.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../src/cli/main.js";
import type { StorageAdapter } from "../src/index.js";

/** A fake stdout/stderr: collects what is written; `isTTY` picks the progress bar. */
export class Capture {
  text = "";
  isTTY: boolean;
  columns = 120;
  constructor(tty = false) {
    this.isTTY = tty;
  }
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface RunOptions {
  storage?: StorageAdapter;
  cwd: string;
  tty?: boolean;
  signal?: AbortSignal;
  env?: Record<string, string>;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** How many times the CLI opened the database. */
  opened: number;
}

/** `idkit ...argv` in-process against `options.storage` (never closed by the CLI here). */
export async function idkit(argv: string[], options: RunOptions): Promise<RunResult> {
  const stdout = new Capture(false);
  const stderr = new Capture(options.tty ?? false);
  let opened = 0;
  const code = await runCli(argv, {
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd,
    signal: options.signal ?? new AbortController().signal,
    openDatabase: async () => {
      opened++;
      if (!options.storage) throw new Error("no storage in this test");
      return { storage: options.storage, close: async () => {} };
    },
  });
  return { code, stdout: stdout.text, stderr: stderr.text, opened };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "idkit-cli-"));
}

/** NDJSON text of the values, one per line. */
export function ndjson(values: readonly unknown[]): string {
  return `${values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("\n")}\n`;
}
