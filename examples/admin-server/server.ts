/**
 * Kratos's admin API on idkit, as a Node server: `npm run example:admin-server`.
 *
 * Listens on 127.0.0.1:4434 (Kratos's admin port) and serves `createAdminHandler` from `idkit/http`. In memory by
 * default; on PostgreSQL when `DATABASE_URL` is set. Environment:
 *
 * - `PORT`: the port (default 4434; 0 picks a free one).
 * - `PUBLIC_URL`: base of `schema_url` and of recovery links (default this server's own URL, so `schema_url` resolves).
 * - `DATABASE_URL`: a PostgreSQL connection string; idkit's tables are created or upgraded at start-up.
 * - `ADMIN_TOKEN`: when set, every request needs `Authorization: Bearer <token>` (else 401).
 *
 * `start()` is the same server as a function: the walkthrough test (test/http-walkthrough.test.ts) starts it
 * in-process on a free port.
 */
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { createAdaptorServer } from "@hono/node-server";
import { IdentityManager, MemoryStorage, type StorageAdapter } from "idkit";
import { bearerAuthorizer, createAdminHandler } from "idkit/http";
import { schemas } from "./schemas.js";

/** Options of {@link start}; {@link optionsFromEnv} reads them from the environment. */
export interface AdminServerOptions {
  /** TCP port; 0 picks a free one. @default 4434 */
  port?: number;
  /** Interface to listen on. @default "127.0.0.1" */
  host?: string;
  /** The manager's `publicUrl` (base of `schema_url` and of links). @default this server's URL */
  publicUrl?: string;
  /** PostgreSQL connection string; memory when absent. */
  databaseUrl?: string;
  /** When set, requests need `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
}

/** A running server. */
export interface AdminServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  /** `memory`, or `PostgreSQL host/database`. */
  storage: string;
  /** Stops accepting requests, waits for the ones in flight, then ends the PostgreSQL pool. */
  close(): Promise<void>;
}

/** Reads {@link AdminServerOptions} from `PORT`, `PUBLIC_URL`, `DATABASE_URL` and `ADMIN_TOKEN`. */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): AdminServerOptions {
  const options: AdminServerOptions = {};
  if (env.PORT !== undefined && env.PORT !== "") {
    const port = Number(env.PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`PORT must be 0..65535, got ${env.PORT}`);
    options.port = port;
  }
  if (env.PUBLIC_URL) options.publicUrl = env.PUBLIC_URL;
  if (env.DATABASE_URL) options.databaseUrl = env.DATABASE_URL;
  // Set but empty (`ADMIN_TOKEN=` in an .env file) is refused by bearerAuthorizer: it never means "no auth".
  if (env.ADMIN_TOKEN !== undefined) options.adminToken = env.ADMIN_TOKEN;
  return options;
}

/** PostgreSQL when `databaseUrl` is set (pg is loaded only then), else memory. */
async function openStorage(
  databaseUrl: string | undefined,
): Promise<{ storage: StorageAdapter; label: string; end: () => Promise<void> }> {
  if (!databaseUrl) return { storage: new MemoryStorage(), label: "memory", end: async () => {} };
  const { default: pg } = await import("pg");
  const { PostgresStorage, fromPgPool } = await import("idkit/postgres");
  const pool = new pg.Pool({ connectionString: databaseUrl });
  try {
    const storage = new PostgresStorage(fromPgPool(pool));
    await storage.migrate(); // versioned and idempotent
    const url = new URL(databaseUrl);
    return { storage, label: `PostgreSQL ${url.host}${url.pathname}`, end: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** Starts the admin API; resolves once it is listening. */
export async function start(options: AdminServerOptions = {}): Promise<AdminServer> {
  const { port = 4434, host = "127.0.0.1" } = options;
  const db = await openStorage(options.databaseUrl);
  let handler: ((request: Request) => Promise<Response>) | undefined;
  const server = createAdaptorServer({
    fetch: (request: Request) => (handler ? handler(request) : new Response(null, { status: 503 })),
    hostname: host,
    overrideGlobalObjects: false, // leave the process's Request and Response alone (start() runs in tests too)
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await db.end();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  try {
    const idm = new IdentityManager({ storage: db.storage, schemas, publicUrl: options.publicUrl ?? url });
    handler = createAdminHandler(
      idm,
      options.adminToken !== undefined ? { authorize: bearerAuthorizer(options.adminToken) } : {},
    );
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    await db.end();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ("closeIdleConnections" in server) server.closeIdleConnections();
    }).then(db.end);
    return closing;
  };
  return { url, storage: db.label, close };
}

/** The script entry: start from the environment, log one line, stop on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  const options = optionsFromEnv();
  const server = await start(options);
  const auth = options.adminToken !== undefined ? ", Authorization: Bearer required" : "";
  console.log(`idkit admin API listening on ${server.url} (${server.storage}${auth})`);
  const stop = () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    // The error and its causes (a storage failure wraps the driver's error, e.g. ECONNREFUSED).
    const messages: string[] = [];
    for (
      let e = error;
      e !== undefined && messages.length < 5;
      e = e instanceof Error ? e.cause : undefined
    ) {
      messages.push(e instanceof Error ? e.message || e.name : String(e));
    }
    console.error(`idkit admin API failed to start: ${messages.map((m) => m.replace(/\.$/, "")).join(": ")}`);
    process.exit(1);
  });
}
