// Serves an admin handler on a free loopback port (@hono/node-server, port 0) for the HTTP tests, with Ory's
// generated client pointed at it.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Configuration, IdentityApi, MetadataApi } from "@ory/kratos-client";
import type { IdentityManager } from "idkit";
import { type AdminHandlerOptions, createAdminHandler } from "idkit/http";

export interface TestServer {
  /** `http://127.0.0.1:<port>` (plus the handler's basePath, when given). */
  url: string;
  api: IdentityApi;
  metadata: MetadataApi;
  handler: (request: Request) => Promise<Response>;
  close(): Promise<void>;
}

export async function startServer<T>(
  idm: IdentityManager<T>,
  options?: AdminHandlerOptions,
  clientOptions: { apiKey?: string } = {},
): Promise<TestServer> {
  const handler = createAdminHandler(idm, options);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const server = serve({ fetch: handler, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
        resolve({ server, port: info.port }),
      );
    },
  );
  const url = `http://127.0.0.1:${port}${options?.basePath ?? ""}`;
  const configuration = new Configuration({ basePath: url, ...clientOptions });
  return {
    url,
    api: new IdentityApi(configuration),
    metadata: new MetadataApi(configuration),
    handler,
    close: () =>
      new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An error body of the handler (Kratos's envelope; `id` only for errors the library raised). */
export interface ErrorBody {
  error: {
    id?: string;
    code: number;
    status: string;
    reason?: string;
    message: string;
    details?: { issues?: { pointer: string; code: string; message: string }[] };
  };
}

/** The status and body of a request the client refused (axios throws on non-2xx). */
export async function failure(
  p: Promise<unknown>,
): Promise<{ status: number; data: ErrorBody; headers: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    const response = (
      e as { response?: { status: number; data: ErrorBody; headers: Record<string, string> } }
    ).response;
    if (response === undefined) throw e;
    return response;
  }
  throw new Error("expected the request to fail");
}

/** A plain JSON round trip (what the client's typed responses hold). */
export const wire = <V>(value: V): V => JSON.parse(JSON.stringify(value)) as V;
