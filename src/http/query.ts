import {
  CREDENTIALS_TYPES,
  type CredentialsType,
  type ListIdentitiesOptions,
  ValidationError,
} from "../index.js";
import type { GoValues } from "./pagination.js";

/**
 * The query parameters of the identity routes, read as Kratos reads them (`identity/handler.go`
 * `parseListIdentitiesParameters`, `get`, `x.ParseKeysetOrPagePagination`), refused with Kratos's reasons.
 */

/** A refused query parameter: `validation_failed` with Kratos's text as `reason`, the parameter in `context`. */
export function queryError(parameter: string, reason: string): ValidationError {
  return new ValidationError(
    [{ pointer: "", code: "invalid_query_parameter", message: reason, context: { parameter } }],
    { reason },
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Go's `cmp.Or(q[key]...)`: the first non-empty value. */
function firstNonEmpty(values: GoValues, key: string): string | undefined {
  return values.get(key)?.find((v) => v !== "");
}

/** `include_credential` (repeated): credential types. @throws ValidationError with Kratos's reason */
export function includeCredentials(values: GoValues): CredentialsType[] {
  const out: CredentialsType[] = [];
  for (const v of values.get("include_credential") ?? []) {
    if (!(CREDENTIALS_TYPES as readonly string[]).includes(v)) {
      throw queryError("include_credential", `Invalid value \`${v}\` for parameter \`include_credential\`.`);
    }
    out.push(v as CredentialsType);
  }
  return out;
}

/** Kratos's page sizes for identities: default 250, at most 500 (`keysetpagination.DefaultMaxSize`). */
const DEFAULT_PAGE_SIZE = 250;
const MAX_PAGE_SIZE = 500;

/**
 * `page_size` as Kratos's keyset paginator reads it: the first non-empty value must parse as Go's `strconv.Atoi`
 * (else 400 with its text); zero or less means the default, more than 500 means 500.
 */
function pageSize(values: GoValues): number {
  const raw = firstNonEmpty(values, "page_size");
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^[+-]?\d+$/.test(raw))
    throw queryError("page_size", `strconv.Atoi: parsing "${raw}": invalid syntax`);
  const digits = raw.replace(/^[+-]/, "").replace(/^0+(?=\d)/, "");
  const negative = raw.startsWith("-");
  const max = negative ? "9223372036854775808" : "9223372036854775807";
  if (digits.length > max.length || (digits.length === max.length && digits > max)) {
    throw queryError("page_size", `strconv.Atoi: parsing "${raw}": value out of range`);
  }
  const n = negative ? -Number(digits) : Number(digits);
  if (n <= 0) return DEFAULT_PAGE_SIZE;
  return Math.min(n, MAX_PAGE_SIZE);
}

/** The list options of a query, the page size in effect and the query as the `Link` header echoes it. */
export interface ListQuery {
  options: ListIdentitiesOptions;
  size: number;
  linkValues: GoValues;
}

/**
 * The query of `GET /admin/identities`. Filters combine (the library's rule; Kratos refuses two at once). The
 * legacy `page` parameter is refused (idkit paginates by keyset only); `per_page` alone stands for `page_size`,
 * as in Kratos; `consistency` is ignored. `preview_credentials_identifier_similar` (Kratos's experimental
 * similarity search) is refused rather than ignored, so a caller never mistakes an unfiltered list for a
 * filtered one.
 * @throws ValidationError with Kratos's reason for a bad parameter.
 */
export function listQuery(query: GoValues): ListQuery {
  const values: GoValues = new Map(query);
  if (!values.has("page_token") && !values.has("page_size")) {
    if (values.has("page")) {
      throw queryError(
        "page",
        "Legacy page pagination (page, per_page) is not supported. Please switch to using page_token and page_size.",
      );
    }
    if (values.has("per_page")) {
      values.set("page_size", [values.get("per_page")?.[0] ?? ""]);
      values.delete("per_page");
    }
  }
  if (firstNonEmpty(values, "preview_credentials_identifier_similar") !== undefined) {
    throw queryError(
      "preview_credentials_identifier_similar",
      "The parameter `preview_credentials_identifier_similar` is not supported.",
    );
  }
  const options: ListIdentitiesOptions = {};
  const ids = values.get("ids") ?? [];
  if (ids.length > 0) {
    const bad = ids.find((id) => !UUID.test(id));
    if (bad !== undefined) throw queryError("ids", `Invalid UUID value \`${bad}\` for parameter \`ids\`.`);
    if (ids.length > 500) throw queryError("ids", "The number of ids to filter must not exceed 500.");
    options.ids = ids;
  }
  const org = values.get("organization_id")?.[0];
  if (org !== undefined && org !== "") {
    if (!UUID.test(org)) {
      throw queryError("organization_id", `Invalid UUID value \`${org}\` for parameter \`organization_id\`.`);
    }
    options.organizationId = org;
  }
  const identifier = values.get("credentials_identifier")?.[0];
  if (identifier !== undefined && identifier !== "") options.credentialsIdentifier = identifier;
  if (values.has("include_credential")) options.includeCredentials = includeCredentials(values);
  const size = pageSize(values);
  options.pageSize = size;
  const token = firstNonEmpty(values, "page_token");
  if (token !== undefined) options.pageToken = token;
  return { options, size, linkValues: values };
}
