// Findings of the adversarial review of idkit/http, each pinned: Location never follows the Host header, basePath
// holds plain path characters only, readiness answers 503 within its timeout when the store hangs, and integers
// JavaScript cannot hold exactly are refused instead of silently rounded.
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAdminHandler } from "../src/http/index.js";
import { isIdentityError, MemoryStorage } from "../src/index.js";
import { manager } from "./helpers.js";

const post = (body: string, headers: Record<string, string> = {}) =>
  new Request("http://127.0.0.1/admin/identities", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

afterEach(() => vi.useRealTimers());

describe("idkit/http edge findings", () => {
  it("Location is relative without baseUrl: a forged Host header cannot redirect it", async () => {
    const handler = createAdminHandler(manager(), { basePath: "/kratos" });
    const res = await handler(
      new Request("http://evil.example/kratos/admin/identities", {
        method: "POST",
        headers: { "content-type": "application/json", host: "evil.example" },
        body: JSON.stringify({ traits: { email: "loc@example.org" } }),
      }),
    );
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(res.headers.get("location")).toBe(`/kratos/admin/identities/${id}`);
  });

  it("basePath refuses route patterns and percent-encoding", () => {
    for (const basePath of ["/:tenant", "/k%20r", "/a*", "/x?y", "/a;b"]) {
      let thrown: unknown;
      try {
        createAdminHandler(manager(), { basePath });
      } catch (e) {
        thrown = e;
      }
      expect(isIdentityError(thrown, "invalid_configuration"), basePath).toBe(true);
    }
  });

  it("/health/ready answers 503 when the store hangs past the timeout", async () => {
    vi.useFakeTimers();
    class Hanging extends MemoryStorage {
      override listIdentities() {
        return new Promise<never>(() => {});
      }
    }
    const handler = createAdminHandler(manager({ storage: new Hanging() }));
    const pending = handler(new Request("http://127.0.0.1/health/ready"));
    await vi.advanceTimersByTimeAsync(2000);
    const res = await pending;
    expect(res.status).toBe(503);
  });

  it("an integer beyond ±2^53 is 400 invalid_json and nothing is written (it would be rounded)", async () => {
    const idm = manager();
    const handler = createAdminHandler(idm);
    const res = await handler(
      post('{"traits":{"email":"big@example.org"},"metadata_public":{"n":12345678901234567890}}'),
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { details?: { issues?: Array<{ code: string }> } } };
    expect(JSON.stringify(body)).toMatch(/2\^53/);
    expect((await idm.listIdentities()).identities).toEqual([]);
    const ok = await handler(
      post('{"traits":{"email":"ok@example.org"},"metadata_public":{"n":9007199254740991}}'),
    );
    expect(ok.status).toBe(201);
  });
});
