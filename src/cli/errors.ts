/**
 * Exit codes of the `idkit` command (docs/migration.md › Command line):
 * - 0: done; every record was imported or skipped (already present), or the export was written;
 * - 1: done, but some records failed: they are in the error report (`<file>.errors.ndjson`);
 * - 2: a usage error: bad argument or flag, unreadable input, hash config or config module, a checkpoint that
 *   does not match the input; nothing was written;
 * - 3: the run stopped part way: the database is unreachable or failed, or the input document is broken beyond
 *   one record (a JSON syntax error); the checkpoint holds what was done, a rerun resumes;
 * - 130: interrupted (Ctrl-C, SIGTERM) after finishing the batches in flight; a rerun resumes.
 */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2, stopped: 3, interrupted: 130 });

/** An error the CLI reports as one line and an exit code, never with a stack. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.usage) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A short text of any thrown value, without a stack. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const reason = (error as { reason?: unknown }).reason;
    return typeof reason === "string" && reason !== "" ? reason : error.message;
  }
  return String(error);
}
