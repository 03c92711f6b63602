import type { OutputStream } from "./progress.js";
import type { Database, DatabaseOptions } from "./setup.js";

/** What the CLI talks to: the process's by default (`bin`), fakes in tests. */
export interface CliIo {
  stdout: OutputStream & { once?: (event: "drain", listener: () => void) => unknown };
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Fires on Ctrl-C / SIGTERM: the import finishes the batches in flight, saves its checkpoint and stops. */
  signal: AbortSignal;
  /** Opens the database (PostgreSQL through `pg`; tests may hand in PGlite). */
  openDatabase(options: DatabaseOptions): Promise<Database>;
}
