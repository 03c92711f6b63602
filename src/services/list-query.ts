import { gracefulNormalization } from "../addresses/normalize.js";
import { IdentityError, ValidationError } from "../errors/index.js";
import { CREDENTIALS_TYPES, type CredentialsType } from "../identity/identity.js";
import { parsePayload } from "../identity/payloads.js";
import type { CredentialsView } from "../identity/serialize.js";
import type { ListIdentitiesOptions } from "../identity-manager-config.js";
import { lazySchema } from "../json/lazy-zod.js";
import { isUuid } from "../storage/identity-writer.js";
import type { ListIdentitiesQuery } from "../storage/storage-adapter.js";

const NORMALISED_TYPES: readonly CredentialsType[] = ["password", "webauthn", "code"];
/** Types the identifier filter looks at (Kratos): the normalised ones, plus oidc and saml verbatim. */
const IDENTIFIER_FILTER_TYPES: readonly CredentialsType[] = [...NORMALISED_TYPES, "oidc", "saml"];

const ListOptions = lazySchema((z) =>
  z.strictObject({
    pageSize: z.number().optional(),
    pageToken: z.string().optional(),
    ids: z.array(z.string()).optional(),
    credentialsIdentifier: z.string().optional(),
    organizationId: z.string().optional(),
    includeCredentials: z.array(z.string()).optional(),
  }),
);
const MAX_PAGE = 500;
const DEFAULT_PAGE = 250;

/**
 * Checks list options and turns them into a storage query (Kratos's parameter rules, spec 3.6): page size
 * 1..500 (default 250, larger clamped), a page token that is an id, at most 500 UUIDs in `ids`, and a credentials
 * identifier expanded to the spellings to match (normalised for password, webauthn and code identifiers, raw for
 * every type). One more row than a page is asked for, to detect a next page.
 * @throws ValidationError | IdentityError `invalid_page_token`
 */
export function toListQuery(options: unknown): {
  query: ListIdentitiesQuery;
  pageSize: number;
  view: CredentialsView;
} {
  // The options are read once, from a plain copy (no getter or proxy of the caller runs afterwards).
  const o = parsePayload(ListOptions, options) as ListIdentitiesOptions;
  const include = checkCredentialTypes(o.includeCredentials);
  const pageSize = pageSizeOf(o.pageSize);
  if (o.pageToken !== undefined && !isUuid(o.pageToken)) {
    throw new IdentityError("invalid_page_token");
  }
  const query: ListIdentitiesQuery = { limit: pageSize + 1 };
  if (o.pageToken !== undefined) query.after = o.pageToken.toLowerCase();
  if (o.ids !== undefined) {
    if (o.ids.length > MAX_PAGE) {
      throw new ValidationError([
        { pointer: "/ids", code: "too_big", message: "The number of ids to filter must not exceed 500." },
      ]);
    }
    const bad = o.ids.find((x) => !isUuid(x));
    if (bad !== undefined) {
      throw new ValidationError([
        {
          pointer: "/ids",
          code: "invalid_uuid",
          message: `Invalid UUID value \`${bad}\` for parameter \`ids\`.`,
        },
      ]);
    }
    query.ids = o.ids.map((x) => x.toLowerCase());
  }
  if (o.organizationId !== undefined) {
    if (!isUuid(o.organizationId)) {
      throw new ValidationError([
        {
          pointer: "/organizationId",
          code: "invalid_uuid",
          message: `Invalid UUID value \`${o.organizationId}\` for parameter \`organization_id\`.`,
        },
      ]);
    }
    query.organizationId = o.organizationId.toLowerCase();
  }
  if (o.credentialsIdentifier !== undefined) {
    const raw = o.credentialsIdentifier;
    const normalised = gracefulNormalization(raw);
    query.credentialsIdentifiers = IDENTIFIER_FILTER_TYPES.flatMap((type) =>
      NORMALISED_TYPES.includes(type) && normalised !== raw
        ? [
            { type, identifier: normalised },
            { type, identifier: raw },
          ]
        : [{ type, identifier: raw }],
    );
  }
  const view: CredentialsView =
    o.includeCredentials !== undefined || o.credentialsIdentifier !== undefined
      ? { mode: "declassified", include }
      : { mode: "none" };
  return { query, pageSize, view };
}

/**
 * The page size Kratos's keyset paginator would use (`oryx/pagination/keysetpagination` `Parse` and
 * `Paginator.Size`, with `WithDefaultSize(250)` in `persistence/sql/identity/persister_identity.go`): a size that
 * is not an integer is refused (Kratos: `strconv.Atoi` fails, 400); zero and negative sizes mean the default, 250;
 * sizes over 500 are clamped to 500.
 * @throws ValidationError at `/pageSize` (the option's name) with Kratos's `strconv.Atoi` text as `reason`.
 */
function pageSizeOf(size: number | undefined): number {
  if (size === undefined) return DEFAULT_PAGE;
  const text = String(size);
  const intSyntax = Number.isInteger(size) && !/e/i.test(text);
  if (!intSyntax || Math.abs(size) >= 2 ** 63) {
    throw new ValidationError(
      [{ pointer: "/pageSize", code: "invalid_type", message: `pageSize must be an integer, got ${text}` }],
      { reason: `strconv.Atoi: parsing "${text}": ${intSyntax ? "value out of range" : "invalid syntax"}` },
    );
  }
  if (size <= 0) return DEFAULT_PAGE;
  return Math.min(size, MAX_PAGE);
}

/** Checks `includeCredentials`: an array of credential type names. @throws ValidationError at `/includeCredentials` */
export function checkCredentialTypes(
  types: readonly CredentialsType[] | undefined,
): readonly CredentialsType[] {
  let isArray: boolean;
  try {
    isArray = Array.isArray(types);
  } catch {
    isArray = false; // a revoked proxy
  }
  if (types !== undefined && !isArray) {
    throw new ValidationError([
      {
        pointer: "/includeCredentials",
        code: "invalid_type",
        message: "includeCredentials must be an array of credential types",
      },
    ]);
  }
  for (const t of types ?? []) {
    if (!CREDENTIALS_TYPES.includes(t)) {
      throw new ValidationError([
        {
          pointer: "/includeCredentials",
          code: "invalid_enum_value",
          message: `Invalid value \`${String(t)}\` for parameter \`include_credential\`.`,
        },
      ]);
    }
  }
  return types ?? [];
}
