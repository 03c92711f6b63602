import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { IdentityManagerOptions } from "../identity-manager-config.js";
import type { StorageAdapter } from "../storage/index.js";
import { CliError, describe, EXIT } from "./errors.js";

/** A database the CLI writes to or reads from, and how to let it go. */
export interface Database {
  storage: StorageAdapter;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string | undefined;
  schema: string | undefined;
  /** Create or upgrade idkit's tables first (import), or require them (export). */
  migrate: boolean;
}

/** Opens a PostgreSQL database through `pg` (loaded only now, so `idkit --help` runs without it). */
export async function openPostgres(options: DatabaseOptions): Promise<Database> {
  if (options.url === undefined || options.url === "")
    throw new CliError("no database: set DATABASE_URL or pass --database-url postgres://user@host:5432/db");
  let pg: typeof import("pg");
  try {
    const loaded = (await import("pg")) as unknown as { default?: typeof import("pg") } & typeof import("pg");
    pg = loaded.default ?? loaded;
  } catch {
    throw new CliError("the idkit CLI needs the pg package to reach PostgreSQL: npm install pg");
  }
  const { PostgresStorage, fromPgPool } = await import("../postgres/index.js");
  let pool: import("pg").Pool;
  try {
    pool = new pg.Pool({ connectionString: options.url, max: 8, connectionTimeoutMillis: 10_000 });
  } catch (e) {
    throw new CliError(`invalid --database-url / DATABASE_URL: ${describe(e)}`);
  }
  pool.on("error", () => {}); // an idle client's error surfaces on the next query instead
  const close = async () => {
    await pool.end().catch(() => {});
  };
  try {
    await pool.query("SELECT 1");
    const storage = new PostgresStorage(
      fromPgPool(pool),
      options.schema === undefined ? {} : { schema: options.schema },
    );
    if (options.migrate) await storage.migrate();
    return { storage, close };
  } catch (e) {
    await close();
    const where = options.url.replace(/\/\/[^@/]*@/, "//");
    const cause = (e as { cause?: unknown }).cause;
    throw new CliError(
      `cannot use the database at ${where}: ${describe(e)}${cause ? ` (${describe(cause)})` : ""}`,
      EXIT.stopped,
    );
  }
}

/** What `--config <module>` gives: manager options (no storage) and the converters' hooks. */
export interface LoadedConfig {
  manager: Omit<IdentityManagerOptions, "storage">;
  traits?: (record: Record<string, unknown>) => Record<string, unknown>;
  oidcProvider?: (name: string) => string | undefined;
}

/**
 * Loads `--config`: an ES or CommonJS module whose default export is the IdentityManager options (schemas,
 * hashing, hooks, limits...; `storage` is the CLI's own) and whose named exports `traits` and `oidcProvider`, when
 * present, become the converters' options.
 */
export async function loadConfig(path: string | undefined, cwd: string): Promise<LoadedConfig> {
  if (path === undefined) return { manager: {} };
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(cwd, path)).href)) as Record<string, unknown>;
  } catch (e) {
    throw new CliError(`cannot load --config ${path}: ${describe(e)}`);
  }
  let manager: unknown = module.default ?? {};
  if (typeof manager === "function") manager = await (manager as () => unknown)();
  if (manager === null || typeof manager !== "object" || Array.isArray(manager))
    throw new CliError(`--config ${path}: the default export must be an object of IdentityManager options`);
  if ("storage" in manager)
    throw new CliError(`--config ${path}: leave out storage; the CLI uses --database-url / DATABASE_URL`);
  const out: LoadedConfig = { manager: manager as LoadedConfig["manager"] };
  for (const name of ["traits", "oidcProvider"] as const) {
    const value = module[name];
    if (value === undefined) continue;
    if (typeof value !== "function")
      throw new CliError(`--config ${path}: the ${name} export must be a function`);
    out[name] = value as never;
  }
  return out;
}

/** Reads `--hash-config`: a JSON object (e.g. Firebase's hash_config block). */
export async function loadHashConfig(
  path: string | undefined,
  cwd: string,
): Promise<Record<string, unknown> | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch (e) {
    throw new CliError(`cannot read --hash-config ${path}: ${describe(e)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(`--hash-config ${path} is not JSON: ${describe(e)}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new CliError(`--hash-config ${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}
