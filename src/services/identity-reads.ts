import { ValidationError } from "../errors/index.js";
import type { CredentialsType, Identity, StoredIdentity } from "../identity/identity.js";
import type { ListIdentitiesResult } from "../identity-manager-config.js";
import { optionsArgument, stringArgument } from "../json/arguments.js";
import { toJsonInput } from "../json/json-input.js";
import { notFound } from "../storage/identity-writer.js";
import type { ServiceContext } from "./context.js";
import { checkCredentialTypes, toListQuery } from "./list-query.js";

/** `includeCredentials` of an options bag, checked. */
function includeOf(options: unknown): readonly CredentialsType[] {
  return checkCredentialTypes(
    optionsArgument(options).includeCredentials as readonly CredentialsType[] | undefined,
  );
}

/** Admin reads (Kratos `GET /admin/identities...`): one identity by id, external id or OIDC link, and lists. */
export class IdentityReads {
  constructor(private readonly ctx: ServiceContext) {}

  #declassified(stored: StoredIdentity, include: readonly CredentialsType[]): Identity {
    return this.ctx.serialize(stored, { mode: "declassified", include });
  }

  /** `GET /admin/identities/{id}`. */
  async get(id: unknown, options: unknown): Promise<Identity> {
    const include = includeOf(options);
    return this.#declassified(await this.ctx.writer.load(id as string), include);
  }

  /** `GET /admin/identities/by/external/{externalID}`. */
  async getByExternalId(externalId: unknown, options: unknown): Promise<Identity> {
    const include = includeOf(options);
    const value = stringArgument(externalId, "/external_id");
    if (value === "") {
      throw new ValidationError([
        { pointer: "/external_id", code: "too_small", message: "The external ID must not be empty." },
      ]);
    }
    const stored = await this.ctx.storage.findIdentityByExternalId(value);
    if (!stored) throw notFound();
    return this.#declassified(stored, include);
  }

  /** The identity linked to an OIDC provider account (identifier `provider:subject`), or undefined. */
  async findByOidc(link: unknown, options: unknown): Promise<Identity | undefined> {
    const include = includeOf(options);
    const data = toJsonInput(link, { maxDepth: 2 });
    const { provider, subject } = (data ?? {}) as Record<string, unknown>;
    const stored = await this.ctx.storage.findIdentityByCredentialIdentifier(
      "oidc",
      `${stringArgument(provider, "/provider")}:${stringArgument(subject, "/subject")}`,
    );
    return stored && this.#declassified(stored, include);
  }

  /** `GET /admin/identities`, keyset-paginated by id. */
  async list(options: unknown): Promise<ListIdentitiesResult<unknown>> {
    const { query, pageSize, view } = toListQuery(options === undefined ? {} : options);
    const rows = await this.ctx.storage.listIdentities(query);
    const page = rows.slice(0, pageSize);
    const result: ListIdentitiesResult<unknown> = {
      identities: page.map((s) => this.ctx.serialize(s, view)),
    };
    if (rows.length > pageSize) result.nextPageToken = (page.at(-1) as StoredIdentity).id;
    return result;
  }
}
