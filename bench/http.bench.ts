/**
 * Overhead of idkit/http (issue 10): the admin handler ÷ the IdentityManager call it wraps, in memory.
 *
 * - `get_ratio`: `GET /admin/identities/{id}` through the handler (`handler(new Request(...))`, body read as text)
 *   ÷ `idm.getIdentity(id)`. The handler's share is routing, the Request/Response objects and `JSON.stringify`;
 *   `get_ratio_vs_stringify` divides by `getIdentity` + `JSON.stringify` instead (what any HTTP wrapper must do),
 *   leaving Hono and the Web objects. Both are informative: a read from memory takes microseconds, so any wrapper
 *   is a multiple of it.
 * - `get_socket_ratio`: the same GET over a loopback socket (`@hono/node-server`, `fetch`) ÷ `idm.getIdentity`
 *   (informative: the socket and two HTTP stacks dominate).
 * - `post_ratio`: `POST /admin/identities` with a clear-text password (argon2id at the default OWASP parameters)
 *   through the handler ÷ `idm.createIdentity` with the same body. Goal ≤ 1.1: the hash dominates.
 *
 * Each `*_cpu_ratio` is the same on process CPU time. Sides interleave (A-B, B-A, ...), ratios are medians of
 * per-round ratios (bench/util.ts `compare`).
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { IdentityManager } from "idkit";
import { createAdminHandler } from "idkit/http";
import { check, compare, round } from "./util.js";

const JSON_HEADERS = { "content-type": "application/json" };

export async function httpBenchmark(): Promise<Record<string, number>> {
  const idm = new IdentityManager();
  const handler = createAdminHandler(idm);
  // A realistic record to read: a password credential, addresses, metadata.
  const { id } = await idm.createIdentity({
    schema_id: "default",
    traits: { email: "bench@example.org", name: { first: "Ada", last: "Lovelace" } },
    metadata_public: { plan: "pro" },
    credentials: { password: { config: { password: "a bench passphrase 2026" } } },
  });
  const url = `http://127.0.0.1/admin/identities/${id}`;
  const viaHandler = async () => {
    const res = await handler(new Request(url));
    return res.text();
  };
  check((await handler(new Request(url))).status === 200, "GET through the handler answers 200");
  check(
    (await viaHandler()) === JSON.stringify(await idm.getIdentity(id)),
    "the handler's body is the library's identity",
  );
  const get = await compare(
    { run: viaHandler },
    { run: () => idm.getIdentity(id) },
    { rounds: 21, calls: 2000 },
  );
  const getStringify = await compare(
    { run: viaHandler },
    { run: async () => JSON.stringify(await idm.getIdentity(id)) },
    { rounds: 21, calls: 2000 },
  );

  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve) => {
      const server = serve({ fetch: handler, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
        resolve({ server, port: info.port }),
      );
    },
  );
  const socketUrl = `http://127.0.0.1:${port}/admin/identities/${id}`;
  const overSocket = async () => (await fetch(socketUrl)).text();
  check((await overSocket()) === JSON.stringify(await idm.getIdentity(id)), "GET over the socket");
  const socket = await compare(
    { run: overSocket },
    { run: () => idm.getIdentity(id) },
    { rounds: 11, calls: 300 },
  );
  await new Promise<void>((resolve) => {
    if ("closeAllConnections" in server) server.closeAllConnections();
    server.close(() => resolve());
  });

  let n = 0;
  const body = () => ({
    schema_id: "default",
    traits: { email: `user.${n++}@example.org` },
    credentials: { password: { config: { password: "a clear-text passphrase 2026" } } },
  });
  const postViaHandler = async () => {
    const res = await handler(
      new Request("http://127.0.0.1/admin/identities", {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify(body()),
      }),
    );
    check(res.status === 201, `POST answered ${res.status}`);
    return res.text();
  };
  const post = await compare(
    { run: postViaHandler },
    { run: () => idm.createIdentity(body()) },
    { rounds: 11, calls: 20, warmup: 5 },
  );

  return {
    get_ratio: round(get.ratio),
    get_cpu_ratio: round(get.cpuRatio),
    get_handler_us: round(get.aMs * 1000, 1),
    get_direct_us: round(get.bMs * 1000, 1),
    get_ratio_vs_stringify: round(getStringify.ratio),
    get_direct_stringify_us: round(getStringify.bMs * 1000, 1),
    get_socket_ratio: round(socket.ratio, 1),
    get_socket_us: round(socket.aMs * 1000, 1),
    post_ratio: round(post.ratio),
    post_cpu_ratio: round(post.cpuRatio),
    post_handler_ms: round(post.aMs, 2),
    post_direct_ms: round(post.bMs, 2),
  };
}
