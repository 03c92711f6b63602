/**
 * Kratos's pagination headers, byte for byte: the keyset `Link` header of `GET /admin/identities`
 * (`oryx/pagination/keysetpagination/header.go`) and the page/token `Link` and `X-Total-Count` headers of
 * `GET /schemas` (`oryx/pagination/header.go` with the `migrationpagination` formatter). Links are relative (the
 * request's path and query, as Go's `r.URL` of a server request), their query re-encoded the way Go's
 * `url.Values.Encode` does: keys sorted, values in order, `QueryEscape`d.
 */

/** Go's `url.QueryEscape`: everything but `A-Z a-z 0-9 - _ . ~` percent-encoded, a space as `+`. */
export function goQueryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}

/** A query as Go's `url.Values`: key → values, in order of appearance. */
export type GoValues = Map<string, string[]>;

/** The query of `url` as `url.Values`. */
export function queryValues(url: URL): GoValues {
  const values: GoValues = new Map();
  for (const [key, value] of url.searchParams) {
    const list = values.get(key);
    if (list === undefined) values.set(key, [value]);
    else list.push(value);
  }
  return values;
}

/** Go's `url.Values.Encode`. */
export function encodeValues(values: GoValues): string {
  return [...values.keys()]
    .sort()
    .flatMap((key) => (values.get(key) ?? []).map((v) => `${goQueryEscape(key)}=${goQueryEscape(v)}`))
    .join("&");
}

/** `<path?query>; rel="rel"` with `set` applied to the query (Go's `q.Set`). */
function link(path: string, values: GoValues, rel: string, set: Record<string, string>): string {
  const q: GoValues = new Map(values);
  for (const [key, value] of Object.entries(set)) q.set(key, [value]);
  const query = encodeValues(q);
  return `<${path}${query === "" ? "" : `?${query}`}>; rel="${rel}"`;
}

/** The keyset token of the first page of identities (Kratos's `identity.DefaultPageToken()`, the nil UUID). */
export const FIRST_PAGE_TOKEN = "00000000-0000-0000-0000-000000000000";

/**
 * `keysetpagination.Header`: the first page, and the next one when there is one, at the page size in effect.
 * Kratos sends it only when the keyset paginator ran (always for identities), and never `X-Total-Count`.
 */
export function keysetLink(path: string, values: GoValues, size: number, next: string | undefined): string {
  const links = [link(path, values, "first", { page_token: FIRST_PAGE_TOKEN, page_size: String(size) })];
  if (next !== undefined)
    links.push(link(path, values, "next", { page_token: next, page_size: String(size) }));
  return links.join(",");
}

/** `tokenpagination.Encode`: base64url (unpadded) of `{"offset":"N","v":2}`. */
export function encodeOffsetToken(offset: number): string {
  return Buffer.from(`{"offset":"${offset}","v":2}`).toString("base64url");
}

/** `tokenpagination.decode`, whose errors Kratos ignores (offset 0). */
function decodeOffsetToken(token: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { offset?: unknown };
    const offset = Number.parseInt(String(parsed?.offset), 10);
    return Number.isSafeInteger(offset) ? offset : 0;
  } catch {
    return 0;
  }
}

/** Go's `strconv.ParseInt(s, 10, 0)` for a value that must fit a safe integer; `undefined` when it does not parse. */
function parseGoInt(s: string | undefined): number | undefined {
  if (s === undefined || !/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * `migrationpagination.ParsePagination` (used by `GET /schemas`): token pagination when `page_token` or
 * `page_size` is present (page size 1..1000, default 250, page = offset ÷ size), else page pagination (`page`,
 * `per_page`, same bounds). Unparseable values fall back to the defaults, as in Kratos.
 */
export function parsePagePagination(values: GoValues): { page: number; perPage: number } {
  const first = (key: string) => values.get(key)?.[0];
  const clamp = (n: number) => Math.max(1, Math.min(1000, n));
  if (values.has("page_token") || values.has("page_size")) {
    const token = first("page_token");
    const offset = token ? decodeOffsetToken(token) : 0;
    const perPage = clamp(parseGoInt(first("page_size")) ?? 250);
    return { page: offset > 0 ? Math.trunc(offset / perPage) : 0, perPage };
  }
  const page = Math.max(0, parseGoInt(first("page")) ?? 0);
  return { page, perPage: clamp(parseGoInt(first("per_page")) ?? 250) };
}

/**
 * `pagination.HeaderWithFormatter` with the `migrationpagination` formatter (each link sets `page_size`,
 * `page_token`, `per_page` and `page`), and `X-Total-Count`. Kratos's quirks are kept: a single page links
 * only `first`, with `total` as its size; an empty collection links first, next and a negative prev.
 */
export function pageLinkHeaders(
  path: string,
  values: GoValues,
  total: number,
  page: number,
  itemsPerPage: number,
): Record<string, string> {
  const per = itemsPerPage <= 0 ? 1 : itemsPerPage;
  const f = (rel: string, size: number, offset: number) =>
    link(path, values, rel, {
      page_size: String(size),
      page_token: encodeOffsetToken(offset),
      per_page: String(size),
      page: String(Math.trunc(offset / size)),
    });
  const offset = page * per;
  const lastOffset = total % per === 0 ? total - per : Math.trunc(total / per) * per;
  const current = Math.trunc(offset / per);
  const headers: Record<string, string> = { "x-total-count": String(total) };
  if (offset >= lastOffset) {
    if (total === 0) {
      headers.link = [
        f("first", per, 0),
        f("next", per, (current + 1) * per),
        f("prev", per, (current - 1) * per),
      ].join(",");
    } else if (total <= per) {
      headers.link = f("first", total, 0);
    } else {
      headers.link = [f("first", per, 0), f("prev", per, lastOffset - per)].join(",");
    }
  } else if (offset < per) {
    headers.link = [f("next", per, per), f("last", per, lastOffset)].join(",");
  } else {
    headers.link = [
      f("first", per, 0),
      f("next", per, (current + 1) * per),
      f("prev", per, (current - 1) * per),
      f("last", per, lastOffset),
    ].join(",");
  }
  return headers;
}
