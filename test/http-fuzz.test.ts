// Property: whatever reaches a route of idkit/http — arbitrary bytes, arbitrary JSON, any content type, odd paths
// and queries — the answer is a 2xx or a Kratos-shaped 4xx (never a 5xx), and a 4xx wrote nothing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAdminHandler } from "../src/http/index.js";
import { CREDENTIALS_TYPES, MemoryStorage } from "../src/index.js";
import { manager } from "./helpers.js";

const idm = manager({ storage: new MemoryStorage() });
const existing = (await idm.createIdentity({ traits: { email: "fuzz@example.org" }, external_id: "fuzz" }))
  .id;
const handler = createAdminHandler(idm, { bodyLimit: 16 * 1024 });
const snapshot = async () =>
  JSON.stringify(await idm.listIdentities({ pageSize: 500, includeCredentials: [...CREDENTIALS_TYPES] }));

/** Sends one request and checks the answer's shape; returns its status. */
async function check(
  method: string,
  path: string,
  body?: Uint8Array | string,
  type?: string,
): Promise<number> {
  const before = await snapshot();
  const headers: Record<string, string> = type === undefined ? {} : { "content-type": type };
  const res = await handler(
    new Request(`http://h.test${path}`, { method, headers, ...(body === undefined ? {} : { body }) }),
  );
  expect(res.status, `${method} ${path}`).toBeLessThan(500);
  const text = await res.text();
  if (res.status === 204) {
    expect(text).toBe("");
    return res.status;
  }
  expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
  const parsed = JSON.parse(text) as { error?: { code: unknown; status: unknown; message: unknown } };
  if (res.status >= 400) {
    expect(parsed.error?.code).toBe(res.status);
    expect(typeof parsed.error?.status).toBe("string");
    expect(typeof parsed.error?.message).toBe("string");
    expect(await snapshot(), `${method} ${path} answered ${res.status} but wrote`).toBe(before);
  }
  return res.status;
}

const BODY_ROUTES: Array<[string, string]> = [
  ["POST", "/admin/identities"],
  ["PATCH", "/admin/identities"],
  ["PUT", `/admin/identities/${existing}`],
  ["PATCH", `/admin/identities/${existing}`],
  ["POST", "/admin/recovery/link"],
  ["POST", "/admin/recovery/code"],
  ["POST", "/identities"],
  ["PUT", "/identities/00000000-0000-4000-8000-000000000000"],
];
const route = fc.constantFrom(...BODY_ROUTES);
const contentType = fc.option(
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "application/json-patch+json",
    "",
  ),
  { nil: undefined },
);
/** JSON shaped like the routes' bodies, with junk in every place. */
const plausible = fc.oneof(
  fc.record(
    {
      schema_id: fc.oneof(fc.constantFrom("default", "preset://email", ""), fc.jsonValue()),
      traits: fc.oneof(fc.record({ email: fc.oneof(fc.emailAddress(), fc.string()) }), fc.jsonValue()),
      state: fc.oneof(fc.constantFrom("active", "inactive"), fc.jsonValue()),
      credentials: fc.jsonValue(),
      metadata_public: fc.jsonValue(),
      identity_id: fc.oneof(fc.constant(existing), fc.uuid(), fc.jsonValue()),
      expires_in: fc.oneof(fc.constantFrom("1h", "-1s", "0.0000001ns", "10000000h"), fc.jsonValue()),
      flow_type: fc.oneof(fc.constantFrom("api", "browser", "x"), fc.jsonValue()),
      identities: fc.array(
        fc.record(
          { create: fc.jsonValue(), patch_id: fc.oneof(fc.uuid(), fc.jsonValue()) },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  ),
  fc.array(
    fc.record(
      {
        op: fc.constantFrom("add", "remove", "replace", "move", "copy", "test", "x"),
        path: fc.oneof(
          fc.constantFrom("/traits/email", "/state", "/id", "/credentials/oidc", "/metadata_admin/a", ""),
          fc.string(),
        ),
        from: fc.string(),
        value: fc.jsonValue(),
      },
      { requiredKeys: ["op"] },
    ),
    { maxLength: 4 },
  ),
);
const body = fc.oneof(
  fc.uint8Array({ maxLength: 256 }),
  fc.jsonValue().map((v) => JSON.stringify(v) ?? ""),
  plausible.map((v) => JSON.stringify(v)),
  fc.string({ unit: "grapheme", maxLength: 64 }),
);

describe("idkit/http under arbitrary input", () => {
  it("bodies: arbitrary bytes, JSON and near-valid payloads to every route with a body", async () => {
    await fc.assert(
      fc.asyncProperty(route, body, contentType, async ([method, path], payload, type) => {
        await check(method, path, payload, type);
      }),
      { numRuns: 400 },
    );
  });

  it("paths and queries: odd ids, external ids, credential types and query strings", async () => {
    const segment = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 24 }).map(encodeURIComponent),
      fc.constantFrom(existing, "%", "%zz", "%2F", "..", "%00", "by", "00000000-0000-0000-0000-000000000000"),
    );
    const query = fc
      .array(
        fc.tuple(
          fc.constantFrom(
            "page_size",
            "page_token",
            "ids",
            "include_credential",
            "credentials_identifier",
            "organization_id",
            "page",
            "per_page",
            "identifier",
            "x",
          ),
          fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.constantFrom(existing, "-1", "0", "501", "1e3", ...CREDENTIALS_TYPES),
          ),
        ),
        { maxLength: 4 },
      )
      .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&"));
    const request = fc.oneof(
      fc.tuple(fc.constant("GET"), fc.constant("/admin/identities"), query),
      fc.tuple(
        fc.constant("GET"),
        segment.map((s) => `/admin/identities/${s}`),
        query,
      ),
      fc.tuple(
        fc.constant("GET"),
        segment.map((s) => `/admin/identities/by/external/${s}`),
        query,
      ),
      fc.tuple(
        fc.constant("DELETE"),
        fc.tuple(segment, segment).map(([id, type]) => `/admin/identities/${id}/credentials/${type}`),
        query,
      ),
      fc.tuple(
        fc.constant("GET"),
        segment.map((s) => `/schemas/${s}`),
        query,
      ),
      fc.tuple(
        fc.constantFrom("GET", "POST", "PROPFIND", "OPTIONS"),
        segment.map((s) => `/${s}`),
        query,
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([method, path, q]) => {
        await check(method, q === "" ? path : `${path}?${q}`);
      }),
      { numRuns: 400 },
    );
    expect((await idm.getIdentity(existing)).id).toBe(existing);
  });
});
