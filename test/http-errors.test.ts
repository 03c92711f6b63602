// Bad input at the edge of idkit/http: Kratos-shaped 4xx answers (with pointers where the library has them), and
// nothing written. Over a real socket with Ory's client where it can express the request, with fetch otherwise.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CREDENTIALS_TYPES, MemoryStorage } from "../src/index.js";
import { manager } from "./helpers.js";
import { type ErrorBody, failure, startServer, type TestServer } from "./http-server.js";

const idm = manager({ storage: new MemoryStorage() });
let s: TestServer;
let existing: string;
beforeAll(async () => {
  s = await startServer(idm, { bodyLimit: 64 * 1024 });
  existing = (await idm.createIdentity({ traits: { email: "existing@example.org" } })).id;
});
afterAll(async () => {
  await s.close();
});

/** Everything the store holds, as JSON (compared before and after a refused request). */
const snapshot = async () =>
  JSON.stringify(await idm.listIdentities({ pageSize: 500, includeCredentials: [...CREDENTIALS_TYPES] }));
let before: string;
beforeEach(async () => {
  before = await snapshot();
});
const unchanged = async () => expect(await snapshot()).toBe(before);

async function send(
  method: string,
  path: string,
  body?: string | Uint8Array,
  headers: Record<string, string> = { "content-type": "application/json" },
): Promise<{ status: number; headers: Headers; data: ErrorBody }> {
  const res = await fetch(`${s.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  return { status: res.status, headers: res.headers, data: (await res.json()) as ErrorBody };
}

describe("400: the library's validation errors, with pointers", () => {
  it("an invalid trait, an unknown field, a wrong type: 400 at the field's pointer, nothing stored", async () => {
    const invalid = await failure(
      s.api.createIdentity({
        createIdentityBody: { schema_id: "default", traits: { email: "not-an-email" } },
      }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.data.error).toMatchObject({ id: "validation_failed", code: 400, status: "Bad Request" });
    expect(invalid.data.error.details?.issues?.map((i) => i.pointer)).toContain("/traits/email");
    const unknown = await send("POST", "/admin/identities", JSON.stringify({ traits: {}, schema_url: "x" }));
    expect(unknown.status).toBe(400);
    expect(unknown.data.error.message).toBe('json: unknown field "schema_url"');
    const wrongType = await send("PUT", `/admin/identities/${existing}`, JSON.stringify({ traits: "text" }));
    expect(wrongType.status).toBe(400);
    expect(wrongType.data.error.details?.issues?.[0]?.pointer).toBe("/traits");
    const patch = await send(
      "PATCH",
      `/admin/identities/${existing}`,
      JSON.stringify([{ op: "replace", path: "/id", value: "x" }]),
    );
    expect(patch.status).toBe(400);
    expect(patch.data.error.id).toBe("invalid_patch");
    await unchanged();
  });
});

describe("404 and 409", () => {
  it("an unknown or malformed identity id is 404 on every item route", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    for (const [method, path, body] of [
      ["GET", `/admin/identities/${missing}`],
      ["GET", "/admin/identities/not-a-uuid"],
      [
        "PUT",
        `/admin/identities/${missing}`,
        JSON.stringify({ schema_id: "default", traits: { email: "x@example.org" } }),
      ],
      ["PATCH", `/admin/identities/${missing}`, "[]"],
      ["DELETE", `/identities/${missing}`],
      ["DELETE", `/admin/identities/${missing}/credentials/password`],
      ["GET", "/admin/identities/by/external/nobody"],
    ] as const) {
      const res = await send(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.data.error).toMatchObject({ id: "identity_not_found", code: 404, status: "Not Found" });
    }
    await unchanged();
  });

  it("an identifier taken by another identity is 409 on create and on PUT", async () => {
    const dup = await failure(
      s.api.createIdentity({
        createIdentityBody: { schema_id: "default", traits: { email: "EXISTING@example.org" } },
      }),
    );
    expect(dup.status).toBe(409);
    expect(dup.data.error).toMatchObject({ id: "identity_conflict", code: 409, status: "Conflict" });
    const other = await idm.createIdentity({ traits: { email: "other@example.org" } });
    before = await snapshot();
    const put = await failure(
      s.api.updateIdentity({
        id: other.id,
        updateIdentityBody: {
          schema_id: "default",
          state: "active",
          traits: { email: "existing@example.org" },
        },
      }),
    );
    expect(put.status).toBe(409);
    await unchanged();
  });

  it("an unknown path is herodot's 404 (no id); Kratos's Go router answers text/plain there (deviation)", async () => {
    for (const path of [
      "/",
      "/admin",
      "/admin/identities/",
      "/admin/nothing",
      "/identities/a/b/c/d",
      "/version",
    ]) {
      const res = await send("GET", path);
      expect(res.status, path).toBe(404);
      expect(res.data).toEqual({
        error: { code: 404, status: "Not Found", message: "The requested resource could not be found" },
      });
    }
  });
});

describe("405: a known path with another method", () => {
  it("answers herodot's 405 with Allow (Go's ServeMux lists the methods sorted, HEAD with GET)", async () => {
    for (const [method, path, allow] of [
      ["POST", `/admin/identities/${existing}`, "DELETE, GET, HEAD, PATCH, PUT"],
      ["PUT", "/admin/identities", "GET, HEAD, PATCH, POST"],
      ["DELETE", "/schemas", "GET, HEAD"],
      ["GET", "/admin/recovery/link", "POST"],
      ["OPTIONS", "/identities", "GET, HEAD, PATCH, POST"],
      ["POST", "/health/alive", "GET, HEAD"],
    ] as const) {
      const res = await fetch(`${s.url}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: method === "GET" ? null : "{}",
      });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toBe(allow);
      expect(await res.json()).toEqual({
        error: {
          code: 405,
          status: "Method Not Allowed",
          message: "The request method is not supported by the requested resource",
        },
      });
    }
    await unchanged();
  });
});

describe("413: bodies over the limit", () => {
  const big = JSON.stringify({ traits: { email: "big@example.org", pad: "x".repeat(64 * 1024) } });

  it("a body over bodyLimit is 413 whether its length is declared or streamed (chunked), nothing stored", async () => {
    const declared = await send("POST", "/admin/identities", big);
    expect(declared.status).toBe(413);
    expect(declared.data).toEqual({
      error: {
        code: 413,
        status: "Request Entity Too Large",
        reason: "The request body exceeds the limit of 65536 bytes.",
        message: "The request body is too large",
      },
    });
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 4096) controller.enqueue(bytes.slice(i, i + 4096));
        controller.close();
      },
    });
    const res = await fetch(`${s.url}/admin/identities`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    await res.body?.cancel();
    const client = await failure(
      s.api.createIdentity({ createIdentityBody: { schema_id: "default", traits: JSON.parse(big).traits } }),
    );
    expect(client.status).toBe(413);
    await unchanged();
  });

  it("a Content-Length over the limit is refused before the body is read; a false small one is cut off at the limit", async () => {
    const request = new Request("http://h.test/admin/identities", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(10 * 1024 * 1024) },
      body: "{}",
    });
    expect((await s.handler(request)).status).toBe(413);
    expect(request.bodyUsed).toBe(false);
    const lying = new Request("http://h.test/admin/identities", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "2" },
      body: big,
    });
    expect((await s.handler(lying)).status).toBe(413);
    await unchanged();
  });
});

describe("400: bodies that are not JSON, or not declared as JSON", () => {
  it("malformed JSON, trailing data, an empty body, a BOM, invalid UTF-8: 400 invalid_json, nothing echoed", async () => {
    const secret = "sk_live_do_not_echo";
    for (const body of [
      `{"traits": {"email": "${secret}"`,
      `{"traits": {}} ${secret}`, // deviation: Go's decoder reads the first value and ignores the rest
      "",
      `\uFEFF{"traits": {}}`,
      new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    ]) {
      const res = await send("POST", "/admin/identities", body);
      expect(res.status).toBe(400);
      expect(res.data.error).toMatchObject({ id: "validation_failed", code: 400 });
      expect(res.data.error.details?.issues?.[0]).toMatchObject({ pointer: "", code: "invalid_json" });
      expect(JSON.stringify(res.data)).not.toContain(secret);
    }
    for (const path of [`/admin/identities/${existing}`, "/admin/recovery/link", "/admin/recovery/code"]) {
      expect((await send(path.includes("recovery") ? "POST" : "PUT", path, "{")).status).toBe(400);
    }
    expect((await send("PATCH", "/admin/identities", "[")).status).toBe(400);
    await unchanged();
  });

  it("a missing or non-JSON content type is 400 with Kratos's decoderx reason (deviation: Kratos checks PUT and recovery only)", async () => {
    const body = JSON.stringify({ traits: { email: "typed@example.org" } });
    for (const [headers, shown] of [
      [{ "content-type": "text/plain" }, "text/plain"],
      [{ "content-type": "application/x-www-form-urlencoded" }, "application/x-www-form-urlencoded"],
      [{}, ""],
      [{ "content-type": "application/json-patch+json" }, "application/json-patch+json"],
    ] as const) {
      // bytes: fetch gives a string body a text/plain content type of its own
      const res = await send("POST", "/admin/identities", new TextEncoder().encode(body), headers);
      expect(res.status).toBe(400);
      expect(res.data.error.reason).toBe(
        `HTTP POST Request used unknown HTTP Header "Content-Type: ${shown}", only [application/json] are supported.`,
      );
    }
    await unchanged();
    const ok = await fetch(`${s.url}/admin/identities`, {
      method: "POST",
      headers: { "content-type": "Application/JSON; charset=UTF-8" },
      body,
    });
    expect(ok.status).toBe(201);
    const patched = await fetch(`${s.url}/admin/identities/${existing}`, {
      method: "PATCH",
      headers: { "content-type": "application/json-patch+json" },
      body: JSON.stringify([{ op: "add", path: "/metadata_public", value: { a: 1 } }]),
    });
    expect(patched.status).toBe(200);
  });
});
