// Query parameters and pagination headers of idkit/http, exactly as Kratos reads and writes them
// (identity/handler.go parseListIdentitiesParameters, oryx/pagination/keysetpagination/header.go,
// oryx/pagination/header.go with the migrationpagination formatter, schema/handler.go getAll).
import { describe, expect, it } from "vitest";
import { createAdminHandler } from "../src/http/index.js";
import { encodeOffsetToken } from "../src/http/pagination.js";
import { identitySchema, manager } from "./helpers.js";
import type { ErrorBody } from "./http-server.js";

const NIL = "00000000-0000-0000-0000-000000000000";

/** A response body: a list of identities or schemas, or an error envelope. */
type Body = Array<{ id: string; traits: { email: string } }> & ErrorBody;

async function setup(count = 5) {
  const idm = manager();
  for (let i = 0; i < count; i++) await idm.createIdentity({ traits: { email: `q${i}@example.org` } });
  const handler = createAdminHandler(idm);
  const get = async (path: string) => {
    const res = await handler(new Request(`http://h.test${path}`));
    return {
      status: res.status,
      link: res.headers.get("link"),
      headers: res.headers,
      body: (await res.json()) as Body,
    };
  };
  const ids = (await idm.listIdentities()).identities.map((i) => i.id);
  return { idm, get, ids };
}

describe("GET /admin/identities: the keyset Link header", () => {
  it("first and next, relative, the query re-encoded as Go's url.Values.Encode (sorted keys, values in order)", async () => {
    const { get, ids } = await setup();
    const [a, b, c] = ids as [string, string, string];
    const res = await get(
      `/admin/identities?page_size=1&include_credential=password&ids=${b}&ids=${a}&ids=${c}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.map((i) => i.id)).toEqual([a]);
    const q = `ids=${b}&ids=${a}&ids=${c}&include_credential=password&page_size=1`;
    expect(res.link).toBe(
      `</admin/identities?${q}&page_token=${NIL}>; rel="first",</admin/identities?${q}&page_token=${a}>; rel="next"`,
    );
    expect(res.headers.get("x-total-count")).toBeNull();
    const last = await get(`/admin/identities?page_size=10`);
    expect(last.link).toBe(`</admin/identities?page_size=10&page_token=${NIL}>; rel="first"`);
  });

  it("the first link's token (the nil UUID) lists from the start; the prefix-less route links with /admin, as Kratos's admin port", async () => {
    const { get, ids } = await setup();
    const res = await get(`/identities?page_token=${NIL}&page_size=2&credentials_identifier=`);
    expect(res.body.map((i) => i.id)).toEqual(ids.slice(0, 2));
    expect(res.link).toBe(
      `</admin/identities?credentials_identifier=&page_size=2&page_token=${NIL}>; rel="first",</admin/identities?credentials_identifier=&page_size=2&page_token=${ids[1]}>; rel="next"`,
    );
  });

  it("Go's QueryEscape in links: space as +, and ! ' ( ) * escaped", async () => {
    const { get } = await setup(1);
    const res = await get("/admin/identities?credentials_identifier=a%20b!'()*%2B@x.org");
    expect(res.link).toBe(
      `</admin/identities?credentials_identifier=a+b%21%27%28%29%2A%2B%40x.org&page_size=250&page_token=${NIL}>; rel="first"`,
    );
  });

  it("page_size: default 250, zero or negative → 250, over 500 → 500; not an integer → 400 with strconv's text", async () => {
    const { get } = await setup(1);
    for (const [given, used] of [
      ["", "250"],
      ["0", "250"],
      ["-3", "250"],
      ["%2B7", "7"], // "+7" ("+" in a query is a space: 400, as in Go)
      ["1000", "500"],
    ]) {
      expect((await get(`/admin/identities?page_size=${given}`)).link).toContain(`page_size=${used}&`);
    }
    for (const [given, reason] of [
      ["abc", 'strconv.Atoi: parsing "abc": invalid syntax'],
      ["1.5", 'strconv.Atoi: parsing "1.5": invalid syntax'],
      ["99999999999999999999", 'strconv.Atoi: parsing "99999999999999999999": value out of range'],
    ]) {
      const res = await get(`/admin/identities?page_size=${given}`);
      expect(res.status).toBe(400);
      expect(res.body.error.reason).toBe(reason);
    }
  });

  it("per_page alone stands for page_size (Kratos rewrites the query, so the link carries page_size only)", async () => {
    const { get } = await setup(3);
    const res = await get("/admin/identities?per_page=2");
    expect(res.body).toHaveLength(2);
    expect(res.link?.split(",")[0]).toBe(`</admin/identities?page_size=2&page_token=${NIL}>; rel="first"`);
  });

  it("bad filters are 400 with Kratos's reasons", async () => {
    const { get } = await setup(1);
    for (const [query, reason] of [
      ["ids=nope", "Invalid UUID value `nope` for parameter `ids`."],
      ["organization_id=nope", "Invalid UUID value `nope` for parameter `organization_id`."],
      ["include_credential=bogus", "Invalid value `bogus` for parameter `include_credential`."],
      ["page_token=not-a-token", "The page token is invalid, do not craft your own page tokens"],
    ] as const) {
      const res = await get(`/admin/identities?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.reason ?? res.body.error.message).toBe(reason);
      // Deviation: an id and details.issues (herodot's 400s in Kratos carry neither).
      expect(res.body.error.id).toBe(
        query.startsWith("page_token") ? "invalid_page_token" : "validation_failed",
      );
    }
    const many = Array.from(
      { length: 501 },
      (_, i) => `ids=00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    );
    const res = await get(`/admin/identities?${many.join("&")}`);
    expect(res.body.error.reason).toBe("The number of ids to filter must not exceed 500.");
  });

  it("deviations: legacy page pagination and preview_credentials_identifier_similar are refused; filters combine", async () => {
    const { get, ids } = await setup(3);
    const page = await get("/admin/identities?page=1&per_page=2");
    expect(page.status).toBe(400);
    expect((page.body as ErrorBody).error.reason).toMatch(/Legacy page pagination .* not supported/);
    const similar = await get("/admin/identities?preview_credentials_identifier_similar=q1");
    expect(similar.status).toBe(400);
    // Kratos: "You cannot combine multiple filters in this API"; idkit's filters combine (AND).
    const combined = await get(
      `/admin/identities?ids=${ids[0]}&ids=${ids[1]}&credentials_identifier=q1@example.org`,
    );
    expect(combined.status).toBe(200);
    expect(combined.body.map((i) => i.traits.email)).toEqual(["q1@example.org"]);
  });

  it("include_credential on a single read: 400 for an unknown type", async () => {
    const { get, ids } = await setup(1);
    const res = await get(`/admin/identities/${ids[0]}?include_credential=password&include_credential=nope`);
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toBe("Invalid value `nope` for parameter `include_credential`.");
  });
});

describe("GET /schemas: page pagination with X-Total-Count", () => {
  const schema = identitySchema({ type: "object", properties: { email: { type: "string" } } });
  const setupSchemas = () => {
    const idm = manager({ schemas: { a: schema, b: schema, c: schema } }); // + preset://email and default: 5
    const handler = createAdminHandler(idm);
    return async (path: string) => {
      const res = await handler(new Request(`http://h.test${path}`));
      return {
        link: res.headers.get("link"),
        total: res.headers.get("x-total-count"),
        body: (await res.json()) as Body,
      };
    };
  };
  const link = (path: string, rel: string, size: number, offset: number, extra = "") =>
    `<${path}?${extra}page=${Math.trunc(offset / size)}&page_size=${size}&page_token=${encodeOffsetToken(offset)}&per_page=${size}>; rel="${rel}"`;

  it("page/per_page: first, next, prev and last as Kratos's formatter writes them", async () => {
    const get = setupSchemas();
    const all = await get("/schemas");
    expect(all.body.map((s) => s.id)).toEqual([
      "preset://email",
      "a",
      "b",
      "c",
      "default",
      "preset://machine",
    ]);
    expect(all.total).toBe("6");
    expect(all.link).toBe(link("/schemas", "first", 6, 0)); // one page: `first`, sized by the total
    const middle = await get("/schemas?page=1&per_page=2");
    expect(middle.body.map((s) => s.id)).toEqual(["b", "c"]); // Kratos's Index bug returns b, c, default
    expect(middle.link).toBe(
      [
        link("/schemas", "first", 2, 0),
        link("/schemas", "next", 2, 4),
        link("/schemas", "prev", 2, 0),
        link("/schemas", "last", 2, 4),
      ].join(","),
    );
    const first = await get("/admin/schemas?per_page=2");
    expect(first.link).toBe(
      [link("/admin/schemas", "next", 2, 2), link("/admin/schemas", "last", 2, 4)].join(","),
    );
    const end = await get("/schemas?page=2&per_page=2");
    expect(end.body.map((s) => s.id)).toEqual(["default", "preset://machine"]);
    expect(end.link).toBe([link("/schemas", "first", 2, 0), link("/schemas", "prev", 2, 2)].join(","));
  });

  it("page_token/page_size: the offset token of a link reaches the same page", async () => {
    const get = setupSchemas();
    const res = await get(`/schemas?page_size=2&page_token=${encodeOffsetToken(4)}`);
    expect(res.body.map((s) => s.id)).toEqual(["default", "preset://machine"]);
    const garbage = await get("/schemas?page_size=2&page_token=%%%");
    expect(garbage.body.map((s) => s.id)).toEqual(["preset://email", "a"]);
  });
});
